"""The guests' pages in headless Chromium, at phone and desktop size, in English, French and
Chinese, and at phone size in Arabic (right to left): no axe-core violation, nothing wider than
the screen, ``<html lang>`` and the direction right, times in the ceremony's zone, and each
page's job done as a guest does it.

On a phone the guest taps and types; on a desktop they use the keyboard alone (Tab, Space,
Enter), which also checks the focus order and that each focused control shows it.
"""

from __future__ import annotations

import re

import pytest
from selenium.webdriver.common.keys import Keys

from services.registration.service import SERVICE
from services.registration.web.translations import LANGUAGE_NAMES, PAGE_LANGUAGES, STRINGS
from tests.browser.guest_harness import (
    DESKTOP,
    LOCAL_HOURS,
    PHONE,
    UTC_TIME,
    GuestBrowser,
    LiveRegistration,
    contrast,
    unique_email,
)
from tests.conftest import SECRET, make_settings, migrated

pytestmark = pytest.mark.browser

#: A 1280×800 desktop at 400% zoom: 320 CSS pixels wide, where WCAG 1.4.10 asks pages to reflow.
ZOOMED = {"width": 320, "height": 200, "deviceScaleFactor": 4, "mobile": False}
SIZES = {"phone": PHONE, "desktop": DESKTOP, "zoomed": ZOOMED}
VIEWS = [
    pytest.param(lang, size, id=f"{lang}-{size}")
    for lang, size in (("en", "phone"), ("en", "desktop"), ("fr", "phone"), ("fr", "desktop"))
] + [pytest.param(lang, "phone", id=f"{lang}-phone") for lang in ("zh", "ar")]
#: A privacy notice as long as real ones are: it scrolls inside its box.
NOTICE = "\n".join(
    f"{n}. We keep your name, organisation and needs to seat you, and erase them 30 days after "
    "the ceremony. Contact: dpo@example.org"
    for n in range(1, 25)
)


def words(lang: str) -> dict[str, str]:
    return {**STRINGS["en"], **STRINGS[lang]}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    settings = migrated(SERVICE, make_settings("registration", tmp_path_factory.mktemp("var")))
    live = LiveRegistration(settings, SECRET)
    yield live
    live.close()


@pytest.fixture(scope="module")
def ceremonies(live) -> dict[str, dict]:
    open_ = {"registration_mode": "open"}
    return {
        "notice": live.ceremony("Closing Ceremony", privacy_notice=NOTICE, **open_),
        "plain": live.ceremony("National Day Reception", **open_),
        # Confirms by email, the default; its notice is published elsewhere.
        "by_email": live.ceremony("Graduation", privacy_notice_url="https://example.org/privacy"),
    }


@pytest.fixture
def guest(module_chromium, live, axe_source, request) -> GuestBrowser:
    guest = GuestBrowser(module_chromium, live.url, axe_source)
    guest.resize(SIZES[request.node.callspec.params["size"]])
    return guest


def form_path(ceremony: dict, lang: str) -> str:
    return f"/ceremonies/{ceremony['id']}/register?lang={lang}"


def assert_local_times(text: str) -> None:
    """The page shows the start in Tokyo, never in UTC or as an ISO string."""
    assert not re.search(r"\d{4}-\d\d-\d\dT\d\d:\d\d|UTC|[+-]00:00", text), text
    assert any(re.search(rf"(?<![\d:]){hour}(?!\d)", text) for hour in LOCAL_HOURS), text
    assert not re.search(rf"(?<![\d:])0?{UTC_TIME}(?!\d)", text), text


def assert_manage_page(guest: GuestBrowser, lang: str, status: str) -> None:
    assert "/manage/" in guest.driver.current_url
    assert guest.find("html").get_attribute("lang") == lang
    shown = guest.find("[data-status]")
    assert shown.get_attribute("data-status") == status
    assert shown.text == words(lang)[f"status_{status}"]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_ceremony_list_leads_to_a_form(guest, ceremonies, size):
    guest.open("/")
    guest.check("en")
    assert_local_times(guest.text())
    target = f"/ceremonies/{ceremonies['plain']['id']}/register"
    if size == "phone":
        [card] = [c for c in guest.find_all(".card") if "National Day Reception" in c.text]
        link = card.find_element("css selector", "a")
        guest.follow(link.click)
    else:
        guest.tab_to(lambda e: (e.get_attribute("href") or "").endswith(target))
        guest.follow(lambda: guest.press(Keys.ENTER))
    assert guest.driver.current_url.split("?")[0].endswith(target)
    assert guest.find("h1").text == "National Day Reception"


@pytest.mark.parametrize("with_notice", [True, False], ids=["with-notice", "without-notice"])
@pytest.mark.parametrize(("lang", "size"), VIEWS)
def test_a_guest_registers_with_the_form(guest, ceremonies, lang, size, with_notice):
    ceremony = ceremonies["notice" if with_notice else "plain"]
    guest.open(form_path(ceremony, lang))
    guest.check(lang)
    assert_local_times(guest.text())
    assert guest.find("form.card h2").text == words(lang)["register_title"]
    links = guest.find_all("nav.languages a")
    assert [(a.text, a.get_attribute("lang")) for a in links] == [
        (LANGUAGE_NAMES[code], code) for code in PAGE_LANGUAGES
    ]
    if lang == "ar":  # the switch mirrors: English, the first, is at the right
        assert links[0].rect["x"] > links[1].rect["x"]
    assert [a.get_attribute("aria-current") for a in links].count("true") == 1
    assert guest.find("nav.languages a[aria-current]").get_attribute("lang") == lang
    for control in guest.find_all("input:not([type=hidden]), select, textarea"):
        border = control.value_of_css_property("border-top-color")
        background = guest.find(".card").value_of_css_property("background-color")
        assert contrast(border, background) >= 3, (control.get_attribute("name"), border)
    assert bool(guest.find_all("[name=consent]")) is with_notice
    assert bool(guest.find_all("[name=needs]")) is with_notice

    values = {"full_name": "Amina Diallo", "email": unique_email()}
    if with_notice:
        values |= {"needs": "Step-free access", "consent": "yes"}
    submit = guest.find("form.card button[type=submit]")
    if size == "phone":
        guest.fill_by_pointer({**values, "category": "press"})
        guest.follow(submit.click)
    else:
        seen = guest.tab_to(lambda e: e == submit, values=values)
        fields = ["honorific", "full_name", "email", "organisation", "job_title", "category"]
        if with_notice:
            fields += ["needs", "notice-text", "consent"]
        assert seen == [*LANGUAGE_NAMES.values(), *fields, words(lang)["submit"]]
        guest.follow(lambda: guest.press(Keys.ENTER))
    assert_manage_page(guest, lang, "confirmed")


@pytest.mark.parametrize(("lang", "size"), VIEWS)
def test_a_failed_submit_keeps_what_was_typed_beside_its_errors(guest, ceremonies, lang, size):
    guest.open(form_path(ceremonies["notice"], lang))
    typed = {"honorific": "Dr", "email": "amina@", "needs": "Step-free access", "consent": "yes"}
    if size == "phone":
        guest.fill_by_pointer(typed)
        guest.follow(guest.find("form.card button[type=submit]").click)
    else:
        guest.tab_to(lambda e: e.get_attribute("name") == "consent", values=typed)
        guest.follow(lambda: guest.press(Keys.SPACE, Keys.ENTER))
    guest.check(lang)
    t = words(lang)
    assert guest.find("[role=alert]").text == t["fix_errors"]
    for name in ("full_name", "email"):
        field = guest.find(f"#{name}")
        assert field.get_attribute("aria-invalid") == "true"
        error = guest.find(f"#{field.get_attribute('aria-describedby')}")
        assert error.find_element("xpath", "..") == field.find_element("xpath", "..")
        assert error.text
    assert guest.find("#full_name-error").text == t["required"]
    assert guest.find("#honorific").get_attribute("aria-invalid") is None
    kept = {n: guest.find(f"#{n}").get_attribute("value") for n in ("honorific", "email", "needs")}
    assert kept == {"honorific": "Dr", "email": "amina@", "needs": "Step-free access"}
    assert guest.find("#consent").is_selected()
    # The guest lands on the first field to correct.
    assert guest.focused() == guest.find("#full_name")

    if size == "phone":
        guest.fill_by_pointer({"full_name": "Amina Diallo", "email": unique_email()})
        guest.follow(guest.find("form.card button[type=submit]").click)
    else:
        guest.press("Amina Diallo", Keys.TAB)
        guest.replace_text(unique_email())
        guest.follow(lambda: guest.press(Keys.ENTER))
    assert_manage_page(guest, lang, "confirmed")


@pytest.mark.parametrize(("lang", "size"), VIEWS)
def test_a_ceremony_that_confirms_by_email_says_to_look_at_it(guest, ceremonies, lang, size):
    ceremony = ceremonies["by_email"]
    guest.open(form_path(ceremony, lang))
    guest.check(lang)
    values = {"full_name": "Amina Diallo", "email": unique_email(), "consent": "yes"}
    if size == "phone":
        guest.fill_by_pointer(values)
        guest.follow(guest.find("form.card button[type=submit]").click)
    else:
        seen = guest.tab_to(lambda e: e.get_attribute("name") == "consent", values=values)
        assert seen[-2:] == [words(lang)["privacy_notice_read"], "consent"]
        guest.follow(lambda: guest.press(Keys.SPACE, Keys.ENTER))
    guest.check(lang)
    assert guest.find("main").text == words(lang)["confirmation_sent"]
    assert guest.find("h1").text == "Graduation"
    assert "Graduation" in guest.driver.title


@pytest.mark.parametrize(("lang", "size"), VIEWS)
def test_the_confirmation_page_takes_the_seat_with_its_button(guest, live, ceremonies, lang, size):
    guest.open(live.request(ceremonies["by_email"], lang))
    guest.check(lang)
    assert_local_times(guest.text())
    button = guest.find("[data-status=awaiting_confirmation] button")
    assert button.text == words(lang)["confirm_button"]
    if size == "phone":
        guest.follow(button.click)
    else:
        assert guest.focused() == button  # the link from the email lands on the button
        guest.follow(lambda: guest.press(Keys.ENTER))
    assert_manage_page(guest, lang, "confirmed")
    guest.check(lang)
    assert_local_times(guest.text())


@pytest.mark.parametrize(("lang", "size"), VIEWS)
def test_the_guest_cancels_from_their_own_page(guest, live, ceremonies, lang, size):
    guest.open(live.register(ceremonies["notice"], lang))
    guest.check(lang)
    assert_local_times(guest.text())
    assert_manage_page(guest, lang, "confirmed")
    cancel = guest.find("button.danger")
    if size == "phone":
        guest.follow(cancel.click)
    else:
        guest.tab_to(lambda e: e == cancel)
        guest.follow(lambda: guest.press(Keys.ENTER))
    assert_manage_page(guest, lang, "cancelled")
    guest.check(lang)


@pytest.mark.parametrize(("lang", "size"), VIEWS)
def test_an_invitee_accepts_from_the_rsvp_page(guest, live, ceremonies, lang, size):
    guest.open(live.invite(ceremonies["notice"], lang) + "?answer=accept")
    guest.check(lang)
    assert_local_times(guest.text())
    accept = guest.find("button[name=accept]")
    assert accept.text == words(lang)["accept"]
    if size == "phone":
        guest.follow(accept.click)
    else:
        assert guest.focused() == accept  # the email's Accept link lands on the button
        guest.follow(lambda: guest.press(Keys.ENTER))
    guest.check(lang)
    assert guest.find("[data-status]").get_attribute("data-status") == "accepted"
    assert words(lang)["answer_accepted"] in guest.text()


@pytest.mark.parametrize("size", ["zoomed"])
@pytest.mark.parametrize("page", ["form with errors", "confirmation", "rsvp"])
def test_pages_reflow_at_400_percent_zoom(guest, live, ceremonies, page, size):
    if page == "form with errors":
        guest.open(form_path(ceremonies["notice"], "fr"))
        guest.fill_by_pointer({"email": unique_email().replace("@", " at ")})
        guest.follow(guest.find("form.card button[type=submit]").click)
    elif page == "confirmation":
        guest.open(live.request(ceremonies["by_email"], "fr"))
    else:
        guest.open(live.invite(ceremonies["notice"], "fr"))
    guest.check("fr")
