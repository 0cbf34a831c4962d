"""The sign-in, sign-out, forgotten-password and set-password pages, as plain HTML forms."""

from __future__ import annotations

import html
import re

import pytest

from services.registration.app import create_app
from services.registration.web.account_pages import WORDS
from shared.sessions import SESSION_COOKIE
from tests.registration.test_accounts import (
    EMAIL,
    NEW_PASSWORD,
    PASSWORD,
    create_account,
    enrol_totp,
    events,
    link_of,
    sign_in,
    totp_codes,
)

EN = WORDS["en"]


def page(response) -> str:
    return response.get_data(as_text=True)


def error_of(html: str, field: str) -> str | None:
    """The error shown beside a field, if any."""
    found = re.search(rf'id="{field}-error">([^<]*)<', html)
    return found.group(1) if found else None


def session_cookie(response) -> str | None:
    for cookie in response.headers.getlist("Set-Cookie"):
        if cookie.startswith(f"{SESSION_COOKIE}=") and "Max-Age=0" not in cookie:
            return cookie.split(";", 1)[0].split("=", 1)[1]
    return None


@pytest.fixture
def account(client, organiser_headers) -> dict:
    return create_account(client, organiser_headers, password=PASSWORD)


@pytest.fixture
def browser(app):
    """A client of its own: cookies set by a page stay in it."""
    return app.test_client()


def test_the_sign_in_page_is_in_the_browsers_language(browser):
    english = page(browser.get("/sign-in"))
    assert '<html lang="en">' in english and 'name="email"' in english
    assert 'autocomplete="current-password"' in english
    french = page(browser.get("/sign-in", headers={"Accept-Language": "fr-CH, fr;q=0.9"}))
    assert '<html lang="fr">' in french and WORDS["fr"]["sign_in_button"] in french
    assert '<html lang="zh">' in page(browser.get("/sign-in?lang=zh"))


def test_a_wrong_password_is_said_and_the_address_kept(browser, account):
    response = browser.post("/sign-in", data={"email": EMAIL, "password": "not the right one"})
    html = page(response)
    assert response.status_code == 401
    assert EN["invalid_credentials"] in html
    assert f'value="{EMAIL}"' in html
    assert "not the right one" not in html  # a password is never sent back


def test_a_missing_field_is_named_beside_it(browser):
    response = browser.post("/sign-in", data={"email": "not-an-address", "password": ""})
    html = page(response)
    assert response.status_code == 422
    assert error_of(html, "email") and error_of(html, "password")
    assert 'value="not-an-address"' in html


def test_signing_in_goes_to_the_safe_next_page_with_the_cookie(browser, account, signer):
    response = browser.post(
        "/sign-in", data={"email": EMAIL, "password": PASSWORD, "next": "/ceremonies?x=1"}
    )
    assert (response.status_code, response.headers["Location"]) == (303, "/ceremonies?x=1")
    principal = signer.verify_token(session_cookie(response))
    assert principal.name == "Ada Lovelace"
    assert browser.get("/api/auth/me").status_code == 200


@pytest.mark.parametrize(
    "unsafe", ["//evil.example/", "https://evil.example/", "/\\evil.example", "javascript:x"]
)
def test_a_next_page_elsewhere_is_replaced_by_the_console(browser, account, unsafe):
    response = browser.post("/sign-in", data={"email": EMAIL, "password": PASSWORD, "next": unsafe})
    assert response.headers["Location"] == "/console"


def test_a_next_page_of_another_service_of_the_suite_is_kept(browser, account):
    """The console's badges and email pages are served by those services, at their URLs."""
    badges = "http://127.0.0.1:8002/console/badges/x"
    response = browser.post("/sign-in", data={"email": EMAIL, "password": PASSWORD, "next": badges})
    assert response.headers["Location"] == badges


def test_two_step_sign_in_asks_for_the_code_in_a_second_form(client, browser, account):
    secret, recovery = enrol_totp(client, sign_in(client).json["token"])
    asked = browser.post("/sign-in", data={"email": EMAIL, "password": PASSWORD, "next": "/x"})
    html = page(asked)
    assert asked.status_code == 200 and 'name="code"' in html
    assert 'autocomplete="one-time-code"' in html
    assert PASSWORD not in html  # the second step carries a signed token, not the password
    pending = re.search(r'name="pending" value="([^"]+)"', html).group(1)
    wrong = browser.post("/sign-in", data={"pending": pending, "code": "12345x", "next": "/x"})
    assert wrong.status_code == 401
    assert error_of(page(wrong), "code") == EN["invalid_code"]
    _, current = totp_codes(secret)
    done = browser.post("/sign-in", data={"pending": pending, "code": current, "next": "/x"})
    assert (done.status_code, done.headers["Location"]) == (303, "/x")
    assert session_cookie(done)
    forged = browser.post("/sign-in", data={"pending": "forged", "code": recovery[0]})
    assert forged.status_code == 401 and EN["second_step_expired"] in page(forged)


def test_a_locked_account_is_told_when_to_come_back(browser, account):
    for _ in range(5):
        browser.post("/sign-in", data={"email": EMAIL, "password": "not the right one"})
    locked = browser.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    assert locked.status_code == 429
    assert 0 < int(locked.headers["Retry-After"]) <= 900
    assert "15 minutes" in page(locked)


def test_signing_out_takes_the_pages_csrf_token(browser, account):
    browser.post("/sign-in", data={"email": EMAIL, "password": PASSWORD})
    signed_in = page(browser.get("/sign-in"))
    assert "Ada Lovelace" in signed_in
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', signed_in).group(1)
    forged = browser.post("/sign-out", data={"csrf_token": "forged"})
    assert forged.status_code == 403
    assert browser.get("/api/auth/me").status_code == 200  # still signed in
    # The consoles of the other services post it from their own origins, which may be
    # another site: the token is what proves the form is the suite's.
    done = browser.post(
        "/sign-out", data={"csrf_token": csrf}, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert done.status_code == 303 and done.headers["Location"].startswith("/sign-in?signed_out")
    assert EN["signed_out"] in page(browser.get(done.headers["Location"]))
    assert browser.get("/api/auth/me").status_code == 401


def test_single_sign_on_is_offered_and_the_password_form_can_be_hidden(settings):
    sso = settings.with_overrides(
        oidc_issuer="https://id.example.org", oidc_client_id="ceremony", oidc_name="Ministry ID"
    )
    for local, form_shown in ((True, True), (False, False)):
        app = create_app(sso.with_overrides(local_passwords=local))
        try:
            html = page(app.test_client().get("/sign-in?next=/x"))
        finally:
            app.extensions["ceremony"].database.dispose()
        assert 'href="/sign-in/sso?next=%2Fx"' in html
        assert "Sign in with Ministry ID" in html
        assert ('name="password"' in html) is form_shown


def test_forgotten_password_says_the_same_for_any_address(app, browser, account):
    known = browser.post("/account/forgot", data={"email": EMAIL})
    unknown = browser.post("/account/forgot", data={"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert EN["reset_sent"] in page(known) and EN["reset_sent"] in page(unknown)
    assert [e["email"] for e in events(app, "account.password_reset_requested")] == [EMAIL]
    bad = browser.post("/account/forgot", data={"email": "ada at example"})
    assert bad.status_code == 422
    assert error_of(page(bad), "email") and 'value="ada at example"' in page(bad)


@pytest.fixture
def link(app, browser, account) -> str:
    """The path of a reset link, as its email would carry it."""
    browser.post("/account/forgot", data={"email": EMAIL})
    [data] = events(app, "account.password_reset_requested")
    return link_of(app, data)


def test_the_password_page_sets_the_password_and_signs_in(app, browser, link):
    opened = browser.get(link)
    assert opened.status_code == 200 and EMAIL in page(opened)
    assert browser.get(link).status_code == 200  # opening it twice changes nothing
    short = browser.post(link, data={"password": "short", "repeat": "short"})
    assert short.status_code == 422
    assert error_of(page(short), "password") == "Use at least 12 characters."
    differ = browser.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD + "!"})
    assert error_of(page(differ), "repeat") == EN["passwords_differ"]
    done = browser.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert done.status_code == 200
    assert EN["password_set"] in page(done) and 'href="/"' in page(done)
    assert session_cookie(done) and browser.get("/api/auth/me").status_code == 200
    used = browser.get(link)
    assert used.status_code == 410 and EN["link_used"] in page(used)
    assert sign_in(app.test_client(), password=NEW_PASSWORD).status_code == 200


def test_an_expired_or_forged_link_gets_a_clear_page(browser, link, account, signer):
    subject = signer.verify_capability("password-link", link.rsplit("/", 1)[1])
    expired = signer.issue_capability("password-link", subject, ttl_seconds=-5)
    gone = browser.get(f"/account/password/{expired}")
    assert gone.status_code == 410 and EN["link_expired"] in page(gone)
    assert 'href="/account/forgot"' in page(gone)
    forged = browser.get("/account/password/forged")
    assert forged.status_code == 404 and EN["link_invalid"] in page(forged)


def test_a_teammates_welcome_link_greets_them_in_their_language(app, browser, organiser_headers):
    create_account(
        browser, organiser_headers, email="li@example.org", display_name="Li Wei", language="zh"
    )
    [data] = [e for e in events(app, "account.invited") if e["email"] == "li@example.org"]
    html = page(browser.get(link_of(app, data)))
    assert '<html lang="zh">' in html
    # The name and the address are isolated, so that they keep their direction in any script.
    welcome = WORDS["zh"]["password_intro_welcome"]
    assert welcome.format(name="<bdi>Li Wei</bdi>", email="<bdi>li@example.org</bdi>") in html


# Forms sent from another site's page (login cross-site request forgery)

OTHER_SITE = [
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "cross-site", "Origin": "null"},
    # A browser that does not send Sec-Fetch-Site, judged by its Origin.
    {"Origin": "https://evil.example"},
    {"Origin": "http://127.0.0.1:8009"},
]
THIS_SITE = [
    {},  # a client that is not a browser
    {"Sec-Fetch-Site": "same-origin", "Origin": "null"},  # this suite's forms (no referrer)
    {"Sec-Fetch-Site": "same-site"},  # a page of another of the suite's services
    {"Sec-Fetch-Site": "none"},  # typed or bookmarked
    {"Origin": "http://localhost"},  # the request's own origin
    {"Origin": "http://127.0.0.1:8002"},  # the badges service's public URL
]


@pytest.mark.parametrize("headers", OTHER_SITE)
def test_a_sign_in_sent_from_another_sites_page_is_refused_and_signs_nobody_in(
    app, browser, account, headers
):
    response = browser.post(
        "/sign-in", data={"email": EMAIL, "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 403
    assert EN["csrf_failed"] in page(response)
    assert session_cookie(response) is None
    assert browser.get("/api/auth/me").status_code == 401
    # The other pages' forms too: no reset email is asked for from elsewhere.
    forgot = browser.post("/account/forgot", data={"email": EMAIL}, headers=headers)
    assert forgot.status_code == 403
    assert events(app, "account.password_reset_requested") == []


@pytest.mark.parametrize("headers", THIS_SITE)
def test_a_sign_in_from_this_suites_pages_or_a_client_that_is_no_browser_goes_through(
    browser, account, headers
):
    response = browser.post(
        "/sign-in", data={"email": EMAIL, "password": PASSWORD}, headers=headers
    )
    assert response.status_code == 303
    assert session_cookie(response) is not None


def test_the_refusal_is_in_the_pages_language(browser, account):
    response = browser.post(
        "/sign-in?lang=fr",
        data={"email": EMAIL, "password": PASSWORD},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403
    shown = html.unescape(page(response))
    assert '<html lang="fr">' in shown and WORDS["fr"]["csrf_failed"] in shown
