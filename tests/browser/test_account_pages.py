"""The account pages in headless Chromium, at phone and desktop size: sign in (a wrong
password, then the right one), the second step, signing out, a forgotten password and the page
its link opens. Each page state passes axe-core with no violation, names its language and
fits the screen.

On a phone the person taps and types; on a desktop they use the keyboard alone, starting from
the field the page focuses.
"""

from __future__ import annotations

import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from services.registration.service import SERVICE
from services.registration.web.account_pages import WORDS
from shared.sessions import SESSION_COOKIE
from tests.browser.guest_harness import (
    DESKTOP,
    PHONE,
    GuestBrowser,
    LiveRegistration,
)
from tests.conftest import SECRET, make_settings, migrated
from tests.registration.test_accounts import events, link_of, totp_codes

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
SIZES = {"phone": PHONE, "desktop": DESKTOP}


def words(lang: str) -> dict[str, str]:
    return {**WORDS["en"], **WORDS[lang]}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    settings = migrated(SERVICE, make_settings("registration", tmp_path_factory.mktemp("var")))
    live = LiveRegistration(settings, SECRET)
    yield live
    live.close()


@pytest.fixture
def person(module_chromium, live, axe_source, request) -> GuestBrowser:
    """Someone at the test's window size, signed out (the module's browser forgets cookies)."""
    person = GuestBrowser(module_chromium, live.url, axe_source)
    person.resize(SIZES[request.node.callspec.params["size"]])
    person.open("/healthz")
    module_chromium.delete_all_cookies()
    return person


def new_account(live, *, language: str = "en", password: str | None = PASSWORD) -> str:
    """An account with a long address (it must wrap on a phone); returns the address."""
    email = f"amina.diallo.{uuid.uuid4().hex[:8]}@ministere-des-affaires-etrangeres.example.org"
    body = {"email": email, "display_name": "Amina Diallo", "language": language}
    if password:
        body["password"] = password
    live.api("POST", "/accounts", json=body)
    return email


def submit(person: GuestBrowser, size: str, values: dict[str, str]) -> None:
    """Fill the form and send it: by pointer on a phone, by keyboard on a desktop (typing
    into the focused field, Tab to the next, Enter to send)."""
    if size == "phone":
        person.fill_by_pointer(values)
        person.follow(person.find("form.card button[type=submit]").click)
        return
    first, *rest = values.items()
    assert person.focused().get_attribute("name") == first[0]
    person.replace_text(first[1])
    for _, value in rest:
        person.press(Keys.TAB)
        person.replace_text(value)
    person.follow(lambda: person.press(Keys.ENTER))


@pytest.mark.parametrize(
    ("lang", "size"), [("en", "phone"), ("en", "desktop"), ("fr", "phone"), ("zh", "desktop")]
)
def test_signing_in_after_a_wrong_password_and_out_again(person, live, lang, size):
    email = new_account(live)
    t = words(lang)
    person.open(f"/sign-in?lang={lang}")
    person.check(lang)
    assert person.find("h1").text == t["sign_in_title"]
    submit(person, size, {"email": email, "password": "not the right password"})
    person.check(lang)
    assert person.find("[role=alert]").text == t["invalid_credentials"]
    assert person.focused() == person.find("[role=alert]")
    assert person.find("#email").get_attribute("value") == email
    assert person.find("#password").get_attribute("value") == ""

    if size == "phone":
        person.fill_by_pointer({"password": PASSWORD})
        person.follow(person.find("form.card button[type=submit]").click)
    else:
        person.tab_to(lambda e: e.get_attribute("name") == "password")
        person.press(PASSWORD)
        person.follow(lambda: person.press(Keys.ENTER))
    # Signing in opens the console (an account without roles sees that it has no ceremony yet).
    assert person.driver.current_url == f"{live.url}/console"
    assert "Ceremony console" in person.driver.title

    person.open(f"/sign-in?lang={lang}")
    person.check(lang)
    assert t["signed_in_as"].format(name="Amina Diallo") in person.text()
    sign_out = person.find("form[action='/sign-out'] button")
    if size == "phone":
        person.follow(sign_out.click)
    else:
        person.tab_to(lambda e: e == sign_out)
        person.follow(lambda: person.press(Keys.ENTER))
    person.check(lang)
    assert person.find("[role=status]").text == t["signed_out"]
    assert person.find_all("#email")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_two_step_sign_in_asks_for_the_code(person, live, size):
    email = new_account(live)
    api = f"{live.url}/api/auth"
    token = requests.post(
        f"{api}/sign-in", json={"email": email, "password": PASSWORD}, timeout=10
    ).json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    secret = requests.post(f"{api}/totp", headers=headers, timeout=10).json()["secret"]
    previous, _ = totp_codes(secret)
    confirmed = requests.post(
        f"{api}/totp/confirm", json={"code": previous}, headers=headers, timeout=10
    )
    assert confirmed.status_code == 200

    person.open("/sign-in?next=/ceremonies")
    submit(person, size, {"email": email, "password": PASSWORD})
    person.check("en")
    assert person.find("h1").text == WORDS["en"]["code_title"]
    assert person.focused() == person.find("#code")
    submit(person, size, {"code": "000000" if previous != "000000" else "111111"})
    person.check("en")
    assert person.find("#code-error").text == WORDS["en"]["invalid_code"]
    assert person.find("#code").get_attribute("aria-invalid") == "true"
    _, current = totp_codes(secret)
    submit(person, size, {"code": current})
    assert person.driver.current_url.split("?")[0] == f"{live.url}/ceremonies"


@pytest.mark.parametrize(("lang", "size"), [("en", "phone"), ("en", "desktop"), ("fr", "phone")])
def test_a_forgotten_password_is_set_again_from_its_link(person, live, lang, size):
    email = new_account(live, language=lang)
    t = words(lang)
    person.open(f"/sign-in?lang={lang}")
    person.follow(person.find(f"a[href='/account/forgot?lang={lang}']").click)
    person.check(lang)
    submit(person, size, {"email": email})
    person.check(lang)
    assert t["reset_sent"] in person.text()

    [data] = [
        e for e in events(live.app, "account.password_reset_requested") if e["email"] == email
    ]
    person.open(link_of(live.app, data))
    person.check(lang)
    assert t["password_intro_reset"].format(email=email) in person.text()
    new = "a quite different passphrase"
    submit(person, size, {"password": new, "repeat": new + "!"})
    person.check(lang)
    assert person.find("#repeat-error").text == t["passwords_differ"]
    assert person.focused() == person.find("#repeat")
    if size == "phone":
        person.fill_by_pointer({"password": new, "repeat": new})
        person.follow(person.find("form.card button[type=submit]").click)
    else:
        # The focus is on the field to correct; the first must be typed again too.
        person.replace_text(new)
        ActionChains(person.driver).key_down(Keys.SHIFT).send_keys(Keys.TAB).key_up(
            Keys.SHIFT
        ).perform()
        person.replace_text(new)
        person.follow(lambda: person.press(Keys.ENTER))
    person.check(lang)
    assert t["password_set"] in person.text()
    console = person.find("a[href='/']")
    assert console.text == t["go_to_console"]
    person.follow(console.click)
    person.open(f"/sign-in?lang={lang}")
    assert t["signed_in_as"].format(name="Amina Diallo") in person.text()


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_teammates_welcome_page_and_a_used_link(person, live, size):
    email = new_account(live, password=None)
    [data] = [e for e in events(live.app, "account.invited") if e["email"] == email]
    link = link_of(live.app, data)
    person.open(link)
    person.check("en")
    assert WORDS["en"]["password_intro_welcome"].format(name="Amina Diallo", email=email) in (
        person.text()
    )
    submit(person, size, {"password": "short", "repeat": "short"})
    person.check("en")
    assert person.find("#password-error").text == "Use at least 12 characters."
    assert person.focused() == person.find("#password")
    submit(person, size, {"password": PASSWORD, "repeat": PASSWORD})
    person.check("en")
    person.open(link)
    person.check("en")
    assert WORDS["en"]["link_used"] in person.text()


@pytest.fixture
def other_site(live):
    """A page of another site (the address ``127.0.0.2`` is not the site ``127.0.0.1``) whose
    form signs whoever opens it in to the sender's account on the suite, as soon as it loads."""
    email = new_account(live)
    form = (
        "<!doctype html><html lang='en'><title>Prize draw</title><body>"
        f"<form method='post' action='{live.url}/sign-in'>"
        f"<input name='email' value='{email}'><input name='password' value='{PASSWORD}'>"
        "</form><script>document.forms[0].submit()</script></body></html>"
    ).encode()

    class Page(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(form)))
            self.end_headers()
            self.wfile.write(form)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.2", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.2:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("size", ["desktop"])
def test_a_page_of_another_site_cannot_sign_the_browser_in(person, live, other_site, size):
    person.follow(lambda: person.driver.get(other_site))
    assert person.driver.current_url == f"{live.url}/sign-in"
    assert person.find("main").text.startswith(words("en")["csrf_failed"])
    person.check("en")
    assert SESSION_COOKIE not in {cookie["name"] for cookie in person.driver.get_cookies()}
    me = person.driver.execute_async_script(
        "const done = arguments[0]; fetch('/api/auth/me').then((r) => done(r.status));"
    )
    assert me == 401  # nobody is signed in
