"""The door page's search by name, for a guest who came without the badge: found by a part of
the name (one character of a Chinese or Korean surname will do), online and from the list kept
on the device, and admitted only once the steward has checked an identity document."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.browser.guest_harness import GuestBrowser

pytestmark = pytest.mark.browser


def search(door, name: str) -> list[str]:
    """Type ``name`` in the search panel; the names of the guests found, once shown."""
    field = door.driver.find_element(By.NAME, "name")
    field.clear()
    field.send_keys(name)
    door.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results .found"))
    return [e.text for e in door.driver.find_elements(By.CSS_SELECTOR, ".found-name")]


def open_search(door) -> None:
    door.driver.find_element(By.ID, "search-toggle").click()


def test_a_guest_found_by_name_is_admitted_once_an_identity_document_is_checked(
    door, ceremony, live, axe_source
):
    ceremony.guest("María Fernández", organisation="Ministry of Health")
    door.sign_in(ceremony.staff_token())
    open_search(door)
    search(door, "maria fernandez")
    seq = door.verdict_element.get_attribute("data-seq")

    door.driver.find_element(By.CSS_SELECTOR, "#search-results .admit").click()
    dialog = door.driver.find_element(By.ID, "identity-check")
    door.wait.until(lambda d: dialog.get_attribute("open") is not None)
    # Announced as a dialog with its question, the safe answer under the keyboard.
    assert dialog.get_attribute("aria-describedby") == "identity-text"
    assert "Check an identity document before admitting: name, photo." in dialog.text
    assert "María Fernández" in dialog.text
    assert door.driver.switch_to.active_element.get_attribute("id") == "identity-cancel"
    GuestBrowser(door.driver, live.url, axe_source).check("en")

    ActionChains(door.driver).send_keys(Keys.ESCAPE).perform()
    door.wait.until(lambda d: dialog.get_attribute("open") is None)
    assert door.verdict_element.get_attribute("data-seq") == seq
    assert ceremony.attendance()["admitted"] == 0

    door.driver.find_element(By.CSS_SELECTOR, "#search-results .admit").click()
    door.wait.until(lambda d: dialog.get_attribute("open") is not None)
    ActionChains(door.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(Keys.SHIFT).perform()
    assert door.driver.switch_to.active_element.get_attribute("id") == "identity-confirm"
    verdict = door.next_verdict(lambda: ActionChains(door.driver).send_keys(Keys.ENTER).perform())
    assert verdict.result == "admitted"
    assert ceremony.attendance()["admitted"] == 1


@pytest.mark.parametrize("surname", ["王", "김"])
def test_one_character_of_a_chinese_or_korean_surname_finds_the_guest_online(
    door, ceremony, surname
):
    ceremony.guest("王建国")
    ceremony.guest("김민준")
    ceremony.guest("Anna Kovács")
    door.sign_in(ceremony.staff_token())
    open_search(door)

    found = search(door, surname)

    assert found == [name for name in ("王建国", "김민준") if name.startswith(surname)]
    assert door.driver.find_elements(By.CSS_SELECTOR, "#search-results .admit")


def test_one_character_of_a_chinese_surname_finds_the_guest_offline(door, ceremony):
    ceremony.guest("李娜")
    ceremony.guest("Anna Kovács")
    door.sign_in(ceremony.staff_token())
    open_search(door)
    door.set_offline(True)

    found = search(door, "李")

    assert found == ["李娜"]
    assert "Offline" in door.driver.find_element(By.ID, "search-status").text


def test_one_latin_letter_asks_for_more(door, ceremony):
    ceremony.guest("Anna Kovács")
    door.sign_in(ceremony.staff_token())
    open_search(door)

    door.driver.find_element(By.NAME, "name").send_keys("a")

    status = door.driver.find_element(By.ID, "search-status")
    door.wait.until(lambda d: status.text)
    assert status.text == "Type at least two letters of the name (one in Chinese or Korean)."
    assert door.driver.find_elements(By.CSS_SELECTOR, "#search-results .found") == []


@pytest.mark.parametrize(
    "language, shown",
    # The status is isolated (U+2068 … U+2069), as every value in a sentence is.
    [("fr", "La recherche a échoué (\u2068422\u2069)."), ("en", "Invalid input: name")],
)
def test_a_search_the_server_refuses_is_told_in_the_doors_language(door, ceremony, language, shown):
    # A name longer than the server takes (200 characters) is a 422 without a list; its
    # message is English, so a page in another language says it in its own words.
    door.sign_in(ceremony.staff_token(), lang=language)
    open_search(door)
    field = door.driver.find_element(By.NAME, "name")
    field.send_keys("a" * 201)
    status = door.driver.find_element(By.ID, "search-status")
    # The searches of the shorter names typed on the way find nobody; the last one is refused.
    try:
        door.wait.until(lambda d: status.text.strip() == shown)
    except TimeoutException:
        pytest.fail(f"the search status says {status.text!r}, not {shown!r}")
