"""The door page in a real headless Chromium, against the badges app on a loopback port.

Under ``CI=true`` a missing Chromium, chromedriver, ffmpeg or QR decoder fails the run; elsewhere
these tests are skipped with the reason, so that the other tests still run on a bare machine.
"""

from __future__ import annotations

import os
import shutil

import pytest

from services.badges.door.page import DEFAULT_DECODER
from services.badges.service import SERVICE
from tests.browser.door_harness import Ceremony, DoorPage, LiveBadges, chromium, missing_browser
from tests.browser.guest_harness import AXE_SCRIPT
from tests.conftest import SECRET, make_settings, migrated


def _missing(what: str) -> None:
    message = f"{what} is not installed (bash tests/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI runs browser tests, it never skips them", pytrace=False)
    pytest.skip(message)


@pytest.fixture
def settings(tmp_path):
    return migrated(SERVICE, make_settings("badges", tmp_path / "var"))


@pytest.fixture
def live(settings):
    live = LiveBadges(settings)
    yield live
    live.close()


@pytest.fixture
def ceremony(live, settings):
    ceremony = Ceremony(live, settings, SECRET)
    yield ceremony
    ceremony.close()


@pytest.fixture
def launch(tmp_path):
    """Start a headless Chromium with extra command-line arguments; quit it after the test."""
    missing = missing_browser()
    if missing:
        _missing(missing)
    drivers = []

    def start(*extra_args: str):
        drivers.append(chromium(tmp_path / f"profile-{len(drivers)}", *extra_args))
        return drivers[-1]

    yield start
    for driver in drivers:
        driver.quit()


@pytest.fixture(scope="module")
def module_chromium(tmp_path_factory):
    """One headless Chromium for every test of a module that only asks the page questions."""
    missing = missing_browser()
    if missing:
        _missing(missing)
    driver = chromium(tmp_path_factory.mktemp("profile"))
    yield driver
    driver.quit()


@pytest.fixture
def door(launch, live):
    return DoorPage(launch(), live.url)


@pytest.fixture
def ffmpeg() -> str:
    path = shutil.which("ffmpeg")
    if path is None:
        _missing("ffmpeg")
    return path


@pytest.fixture
def decoder():
    """The npm-installed QR decoder that camera mode loads."""
    if not DEFAULT_DECODER.is_file():
        _missing("the QR decoder (npm ci)")
    return DEFAULT_DECODER


@pytest.fixture(scope="module")
def axe_source() -> str:
    """axe-core's script, for the pages' accessibility checks."""
    if not AXE_SCRIPT.is_file():
        _missing("axe-core (npm ci)")
    return AXE_SCRIPT.read_text(encoding="utf-8")
