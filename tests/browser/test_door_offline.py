"""The door page without network: it checks signatures itself, queues, and uploads later."""

from __future__ import annotations

import base64

import pytest
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser


def forged(code: str) -> str:
    """The code with one bit of its signature flipped: well-formed, but not signed so."""
    raw = bytearray(base64.b32decode(code))
    raw[-1] ^= 0x01
    return base64.b32encode(bytes(raw)).decode("ascii")


@pytest.fixture
def code(ceremony):
    return ceremony.code(ceremony.guest("Amira Haddad", organisation="Ministry of Justice"))


@pytest.fixture
def offline_door(door, ceremony):
    door.sign_in(ceremony.staff_token())
    door.set_offline(True)
    door.wait.until(lambda d: door.network.get_attribute("data-state") == "offline")
    return door


def test_offline_a_valid_badge_is_admitted_by_the_page(offline_door, code):
    verdict = offline_door.scan(code)
    assert (verdict.result, verdict.offline) == ("admitted", True)


def test_offline_a_forged_badge_is_refused(offline_door, code):
    assert offline_door.scan(forged(code)).result == "invalid"


def test_offline_a_badge_admitted_here_is_not_admitted_twice(offline_door, code):
    offline_door.scan(code)
    assert offline_door.scan(code).result == "already_admitted"


def test_the_queued_admission_reaches_the_server_when_the_network_returns(
    offline_door, ceremony, code
):
    offline_door.scan(code)
    offline_door.set_offline(False)
    offline_door.wait.until(lambda d: offline_door.network.get_attribute("data-waiting") == "0")
    assert ceremony.attendance()["admitted"] == 1


def test_offline_the_page_shows_how_many_scans_wait(offline_door, code):
    offline_door.scan(code)
    assert offline_door.network.get_attribute("data-waiting") == "1"


def test_offline_a_revoked_badge_is_refused(door, ceremony):
    registration_id = ceremony.guest("Paul Martin")
    code = ceremony.code(registration_id)
    ceremony.cancel(registration_id)
    door.sign_in(ceremony.staff_token())
    door.set_offline(True)
    assert door.scan(code).result == "revoked"


def test_an_upload_the_server_answers_otherwise_is_shown_as_a_conflict(
    offline_door, ceremony, code
):
    offline_door.scan(code)
    assert ceremony.check_in(code, gate="South") == "admitted"
    offline_door.set_offline(False)
    conflict = offline_door.wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#conflict-list li")
    )[0]
    assert conflict.get_attribute("data-result") == "already_admitted"


def test_offline_the_page_reloads_and_still_admits(door, ceremony, code):
    door.sign_in(ceremony.staff_token())
    door.wait.until(lambda d: d.execute_script("return !!navigator.serviceWorker.controller"))
    door.set_offline(True)
    door.driver.refresh()
    door.wait.until(lambda d: door.network.get_attribute("data-ready") == "true")
    verdict = door.scan(code)
    assert (verdict.result, verdict.offline) == ("admitted", True)


def test_offline_the_page_reloads_in_the_language_it_was_opened_in(door, ceremony, code):
    door.sign_in(ceremony.staff_token(), lang="fr")
    door.wait.until(lambda d: d.execute_script("return !!navigator.serviceWorker.controller"))
    door.set_offline(True)
    door.driver.refresh()
    door.wait.until(lambda d: door.network.get_attribute("data-ready") == "true")

    assert door.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"
    verdict = door.scan(code)
    assert (verdict.result, verdict.offline) == ("admitted", True)
    assert "Entrée autorisée" in verdict.text
