"""The door page on a phone: signed in, it names the ceremony and gate, and fits the screen."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}


def fits_the_width(driver) -> bool:
    return driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth")


def in_view(driver, element_id: str) -> bool:
    box = driver.find_element(By.ID, element_id).rect
    width, height = driver.execute_script("return [window.innerWidth, window.innerHeight]")
    return (
        box["width"] > 0
        and box["x"] >= 0
        and box["x"] + box["width"] <= width
        and box["y"] >= 0
        and box["y"] < height
    )


def test_signed_in_on_a_phone_the_page_shows_ceremony_and_gate_and_fits(door, ceremony):
    door.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
    code = ceremony.code(ceremony.guest("Amina Diallo"))

    door.sign_in(ceremony.staff_token(gate="North"))

    assert door.driver.find_element(By.ID, "gate-name").text.strip() == "North"
    assert "Closing" in door.driver.find_element(By.ID, "ceremony-title").text
    assert door.focused_name() == "code"
    assert in_view(door.driver, "code")
    assert fits_the_width(door.driver)
    verdict = door.scan(code)
    assert verdict.result == "admitted"
    assert in_view(door.driver, "verdict-word")
    assert fits_the_width(door.driver)


def test_the_token_is_remembered_for_the_session(door, ceremony):
    door.sign_in(ceremony.staff_token(gate="South"))
    door.driver.refresh()

    door.wait.until(lambda d: door.network.get_attribute("data-ready") == "true")
    assert door.driver.find_element(By.ID, "gate-name").text.strip() == "South"
