"""The door page with a USB scanner: it types the code into the focused field, then Enter."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.browser.guest_harness import GuestBrowser

pytestmark = pytest.mark.browser


@pytest.fixture
def code(ceremony):
    registration_id = ceremony.guest(
        "Ana Brandt", honorific="H.E.", organisation="Ministry of Culture", category="speaker"
    )
    return ceremony.code(registration_id)


def test_a_scan_admits_then_a_second_scan_is_already_admitted(door, ceremony, code):
    door.sign_in(ceremony.staff_token())
    assert door.focused_name() == "code"
    assert door.scan(code).result == "admitted"
    assert door.scan(code).result == "already_admitted"


def test_in_arabic_the_verdict_is_in_arabic_right_to_left_and_accessible(
    door, ceremony, code, live, axe_source
):
    door.sign_in(ceremony.staff_token(), lang="ar")
    assert door.focused_name() == "code"

    verdict = door.scan(code)

    assert verdict.result == "admitted"
    word = door.driver.find_element(By.ID, "verdict-word").get_attribute("textContent")
    assert word == "مسموح بالدخول"
    assert door.driver.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    GuestBrowser(door.driver, live.url, axe_source).check("ar")
