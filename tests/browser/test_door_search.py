"""The door page's search by name, for a guest who came without the badge."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser


def test_a_guest_found_by_name_is_admitted_from_the_result(door, ceremony):
    ceremony.guest("María Fernández", organisation="Ministry of Health")
    door.sign_in(ceremony.staff_token())
    door.driver.find_element(By.ID, "search-toggle").click()
    door.driver.find_element(By.NAME, "name").send_keys("maria fernandez")
    admit = door.wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#search-results .admit"))
    assert door.next_verdict(admit[0].click).result == "admitted"
