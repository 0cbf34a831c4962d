"""The door page on a server without the npm-installed QR decoder: all but the camera works."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser


@pytest.fixture
def settings(settings, tmp_path):
    return settings.with_overrides(door_decoder_path=tmp_path / "not-installed" / "jsQR.js")


def test_camera_mode_says_it_is_unavailable(door, ceremony):
    door.sign_in(ceremony.staff_token())
    door.driver.find_element(By.ID, "camera-toggle").click()
    status = door.wait.until(lambda d: d.find_element(By.ID, "camera-status").text)
    assert "unavailable" in status


def test_a_typed_scan_still_admits(door, ceremony):
    code = ceremony.code(ceremony.guest("Kofi Mensah"))
    door.sign_in(ceremony.staff_token())
    assert door.scan(code).result == "admitted"
