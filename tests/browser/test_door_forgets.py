"""Nothing about guests stays on a door device after sign-out, or a day after the ceremony."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser

KEPT_BUNDLES = """
const done = arguments[arguments.length - 1];
const request = indexedDB.open("ceremony-door");
request.onsuccess = () => {
  const read = request.result.transaction("bundles").objectStore("bundles").getAll();
  read.onsuccess = () => { done(read.result.map((b) => b.ceremony_id)); request.result.close(); };
};
"""

KEEP_BUNDLE = """
const [bundle, done] = [arguments[0], arguments[arguments.length - 1]];
const request = indexedDB.open("ceremony-door");
request.onsuccess = () => {
  const transaction = request.result.transaction("bundles", "readwrite");
  transaction.objectStore("bundles").put(bundle);
  transaction.oncomplete = () => { request.result.close(); done(true); };
};
"""


def kept(door) -> list[str]:
    return door.driver.execute_async_script(KEPT_BUNDLES)


def test_signing_out_forgets_the_guest_list(door, ceremony):
    ceremony.guest("Amira Haddad")
    door.sign_in(ceremony.staff_token())
    assert kept(door) == [str(ceremony.id)]
    door.driver.find_element(By.ID, "signout").click()
    door.wait.until(lambda d: d.find_element(By.NAME, "token").is_displayed())
    assert kept(door) == []


def test_a_guest_list_is_forgotten_a_day_after_its_ceremony(door, ceremony):
    ceremony.guest("Amira Haddad")
    door.sign_in(ceremony.staff_token())
    ended = {
        "ceremony_id": "00000000-0000-4000-8000-000000000001",
        "title": "Last Year's Ceremony",
        "ends_at": (datetime.now(UTC) - timedelta(days=2)).isoformat(),
        "guests": [{"serial": "00", "full_name": "Someone Past", "inside": False}],
        "revoked": [],
        "keys": [],
    }
    door.driver.execute_async_script(KEEP_BUNDLE, ended)
    assert sorted(kept(door)) == sorted([str(ceremony.id), ended["ceremony_id"]])
    door.driver.refresh()
    door.wait.until(lambda d: door.network.get_attribute("data-ready") == "true")
    assert kept(door) == [str(ceremony.id)]
