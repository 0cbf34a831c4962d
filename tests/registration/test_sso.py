"""Single sign-on against a real OpenID provider (tests/registration/oidc_issuer.py): the
browser goes to the issuer and back over HTTP, both servers on loopback."""

from __future__ import annotations

import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from types import SimpleNamespace
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import pytest
import requests
from sqlalchemy import select
from werkzeug.serving import make_server

from services.registration.accounts import create_account, find_account
from services.registration.app import create_app
from services.registration.models import Account, AccountSession, audit
from services.registration.service import SERVICE
from shared.auth import Signer
from shared.sessions import CSRF_COOKIE, SESSION_COOKIE
from tests.conftest import SECRET, make_settings, migrated
from tests.registration.oidc_issuer import OidcIssuer, Person

CLIENT_ID = "ceremony-suite"
CLIENT_SECRET = "client-secret-for-tests"


class Served:
    """A WSGI app served by werkzeug on a free loopback port, in a thread."""

    def __init__(self) -> None:
        self.app = None
        self._server = make_server("127.0.0.1", 0, self._dispatch, threaded=True)
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def _dispatch(self, environ, start_response):
        return self.app(environ, start_response)

    def start(self, app) -> None:
        self.app = app
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def issuer() -> Iterator[OidcIssuer]:
    provider = OidcIssuer()
    provider.start()
    yield provider
    provider.stop()


@contextmanager
def serve_registration(tmp_path, **overrides) -> Iterator[SimpleNamespace]:
    """The registration service on its own port, its public URL the served one."""
    served = Served()
    settings = make_settings("registration", tmp_path / "var")
    settings = settings.with_overrides(
        public_urls={**settings.public_urls, "registration": served.url}, **overrides
    )
    migrated(SERVICE, settings)
    app = create_app(settings)
    served.start(app)
    try:
        yield SimpleNamespace(url=served.url, database=app.extensions["ceremony"].database)
    finally:
        served.stop()
        app.extensions["ceremony"].database.dispose()


@pytest.fixture
def registration(tmp_path, issuer) -> Iterator[SimpleNamespace]:
    """The registration service with SSO from ``issuer``, served over HTTP."""
    with serve_registration(
        tmp_path,
        oidc_issuer=issuer.url,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
    ) as served:
        yield served


@pytest.fixture
def sso(issuer, registration) -> SimpleNamespace:
    issuer.register_client(CLIENT_ID, CLIENT_SECRET, f"{registration.url}/sign-in/sso/callback")
    return SimpleNamespace(issuer=issuer, registration=registration)


def sign_in(sso, browser: requests.Session, next_path: str = "/") -> requests.Response:
    """Press "Sign in with single sign-on" and follow every redirect, across both servers."""
    query = urlencode({"next": next_path})
    return browser.get(f"{sso.registration.url}/sign-in/sso?{query}", timeout=10)


def account(sso, email: str) -> Account | None:
    with sso.registration.database.transaction() as session:
        found = find_account(session, email)
        if found is not None:
            session.expunge(found)
        return found


def existing_account(sso, email: str, **values) -> uuid.UUID:
    with sso.registration.database.transaction() as session:
        created = create_account(session, email=email, display_name="Helena Marsh")
        for name, value in values.items():
            setattr(created, name, value)
        return created.id


def test_a_new_person_gets_an_account_by_verified_email_and_is_signed_in(sso):
    sso.issuer.person = Person("sub-amina", "Amina.Diallo@example.org", name="Amina Diallo")
    browser = requests.Session()

    landed = sign_in(sso, browser, "/?from=sso")

    assert landed.status_code == 200
    assert landed.url == f"{sso.registration.url}/?from=sso"
    hops = [urlsplit(answer.url).netloc for answer in landed.history]
    assert urlsplit(sso.issuer.url).netloc in hops  # it did go to the issuer
    created = account(sso, "amina.diallo@example.org")
    assert (created.display_name, created.oidc_subject) == ("Amina Diallo", "sub-amina")
    assert created.password_hash is None
    me = browser.get(f"{sso.registration.url}/api/auth/me", timeout=10)
    assert me.status_code == 200
    assert me.json()["account"]["email"] == "Amina.Diallo@example.org"
    assert me.json()["grants"] == []  # no roles until someone grants one


def test_the_session_cookie_names_the_account_and_a_sign_in_by_sso(sso):
    sso.issuer.person = Person("sub-li", "li.wei@example.org")
    browser = requests.Session()
    sign_in(sso, browser)

    principal = Signer(SECRET).verify_token(browser.cookies[SESSION_COOKIE])
    created = account(sso, "li.wei@example.org")
    assert principal.account_id == str(created.id)
    assert created.display_name == "li.wei@example.org"  # no name given: the address
    assert browser.cookies[CSRF_COOKIE] == Signer(SECRET).csrf_token(principal)
    with sso.registration.database.transaction() as session:
        row = session.get(AccountSession, uuid.UUID(principal.credential_id))
        assert row.method == "sso"
        actions = session.execute(
            select(audit.c.action).where(audit.c.subject_id == str(created.id))
        ).scalars()
        assert sorted(actions) == ["account.created", "account.sso_linked"]


def test_an_existing_account_is_matched_by_email_and_linked_to_the_subject(sso):
    account_id = existing_account(sso, "helena.marsh@example.org")
    sso.issuer.person = Person("sub-helena", "HELENA.MARSH@example.org", name="H. Marsh")
    browser = requests.Session()

    landed = sign_in(sso, browser)

    assert landed.status_code == 200
    linked = account(sso, "helena.marsh@example.org")
    assert (linked.id, linked.oidc_subject) == (account_id, "sub-helena")
    assert linked.display_name == "Helena Marsh"  # the account keeps its own name
    principal = Signer(SECRET).verify_token(browser.cookies[SESSION_COOKIE])
    assert principal.account_id == str(account_id)


def test_once_linked_the_subject_signs_in_even_after_the_address_changed(sso):
    account_id = existing_account(sso, "helena.marsh@example.org", oidc_subject="sub-helena")
    sso.issuer.person = Person("sub-helena", "h.marsh@new.example.org")
    browser = requests.Session()

    sign_in(sso, browser)

    principal = Signer(SECRET).verify_token(browser.cookies[SESSION_COOKIE])
    assert principal.account_id == str(account_id)
    assert account(sso, "h.marsh@new.example.org") is None  # no second account


def test_an_account_linked_to_another_subject_is_not_taken_over(sso):
    existing_account(sso, "helena.marsh@example.org", oidc_subject="sub-helena")
    sso.issuer.person = Person("sub-someone-else", "helena.marsh@example.org")
    browser = requests.Session()

    refused = sign_in(sso, browser)

    assert refused.status_code == 403
    assert "another identity" in refused.text
    assert SESSION_COOKIE not in browser.cookies


def test_an_unverified_email_is_refused_with_a_clear_page(sso):
    sso.issuer.person = Person("sub-x", "mallory@example.org", email_verified=False)
    browser = requests.Session()

    refused = sign_in(sso, browser)

    assert refused.status_code == 403
    assert "has not verified your email address" in refused.text
    assert refused.headers["Content-Type"].startswith("text/html")
    assert SESSION_COOKIE not in browser.cookies
    assert account(sso, "mallory@example.org") is None


def test_an_unverified_email_is_refused_even_for_an_existing_account(sso):
    existing_account(sso, "helena.marsh@example.org")
    sso.issuer.person = Person("sub-x", "helena.marsh@example.org", email_verified=False)

    refused = sign_in(sso, requests.Session())

    assert refused.status_code == 403
    assert account(sso, "helena.marsh@example.org").oidc_subject is None


def test_a_disabled_account_is_refused(sso):
    existing_account(sso, "helena.marsh@example.org", disabled_at=datetime.now(UTC))
    sso.issuer.person = Person("sub-helena", "helena.marsh@example.org")
    browser = requests.Session()

    refused = sign_in(sso, browser)

    assert refused.status_code == 403
    assert "This account is disabled" in refused.text
    assert SESSION_COOKIE not in browser.cookies
    assert account(sso, "helena.marsh@example.org").oidc_subject is None


def test_a_wrong_state_is_refused_with_400_not_500(sso):
    sso.issuer.person = Person("sub-amina", "amina@example.org")
    browser = requests.Session()
    to_issuer = browser.get(f"{sso.registration.url}/sign-in/sso", allow_redirects=False)
    back = browser.get(to_issuer.headers["Location"], allow_redirects=False, timeout=10)
    callback = urlsplit(back.headers["Location"])
    query = parse_qs(callback.query)
    assert query["state"] and query["code"]
    forged = urlencode({"code": query["code"][0], "state": "not-the-state-sent"})

    refused = browser.get(urlunsplit(callback._replace(query=forged)), allow_redirects=False)

    assert refused.status_code == 400
    assert "could not be completed" in refused.text
    assert SESSION_COOKIE not in browser.cookies
    assert account(sso, "amina@example.org") is None


def test_a_callback_from_another_browser_is_refused(sso):
    sso.issuer.person = Person("sub-amina", "amina@example.org")
    first = requests.Session()
    to_issuer = first.get(f"{sso.registration.url}/sign-in/sso", allow_redirects=False)
    back = first.get(to_issuer.headers["Location"], allow_redirects=False, timeout=10)

    # The same callback address opened in a browser that never started the sign-in.
    refused = requests.get(back.headers["Location"], allow_redirects=False, timeout=10)

    assert refused.status_code == 400


def test_a_refusal_at_the_issuer_is_a_clear_400(sso):
    sso.issuer.person = None  # nobody consents: the issuer answers access_denied

    refused = sign_in(sso, requests.Session())

    assert refused.status_code == 400
    assert "could not be completed" in refused.text


def test_next_is_kept_only_when_it_is_a_page_of_the_suite(sso):
    sso.issuer.person = Person("sub-amina", "amina@example.org")

    landed = sign_in(sso, requests.Session(), "https://elsewhere.example.org/")

    assert landed.url == f"{sso.registration.url}/console"


def test_the_state_cookie_is_http_only_and_lax(sso):
    answer = requests.get(f"{sso.registration.url}/sign-in/sso", allow_redirects=False)

    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(f"{sso.issuer.url}/authorize?")
    state_cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in state_cookie and "SameSite=Lax" in state_cookie
    assert "Secure" not in state_cookie  # served over http here
    sent = parse_qs(urlsplit(answer.headers["Location"]).query)
    assert sent["scope"] == ["openid email profile"]
    assert sent["nonce"] and sent["state"] and sent["code_challenge_method"] == ["S256"]


@pytest.fixture
def without_sso(tmp_path) -> Iterator[SimpleNamespace]:
    """The registration service with no issuer configured."""
    with serve_registration(tmp_path) as served:
        yield served


@pytest.mark.parametrize("path", ["/sign-in/sso", "/sign-in/sso/callback?code=x&state=y"])
def test_without_sso_configured_both_routes_answer_404(without_sso, path):
    answer = requests.get(f"{without_sso.url}{path}", allow_redirects=False, timeout=10)

    assert answer.status_code == 404
    assert "not set up" in answer.text


def test_an_issuer_that_cannot_be_reached_is_a_clear_502(tmp_path):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing answers there
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    with serve_registration(
        tmp_path, oidc_issuer=url, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET
    ) as registration:
        answer = requests.get(f"{registration.url}/sign-in/sso", allow_redirects=False)

    assert answer.status_code == 502
    assert "cannot be reached" in answer.text


def test_the_refusal_page_is_in_the_language_the_sign_in_started_in(sso):
    sso.issuer.person = Person("sub-x", "mallory@example.org", email_verified=False)
    browser = requests.Session()

    refused = browser.get(f"{sso.registration.url}/sign-in/sso?lang=fr", timeout=10)

    assert refused.status_code == 403
    assert '<html lang="fr">' in refused.text
    assert "n&#39;a pas vérifié votre adresse" in refused.text


@pytest.mark.parametrize("stale", ["s.forged-or-expired", "valid-session-of-someone-else"])
def test_the_new_session_replaces_whatever_cookie_the_browser_had(sso, stale):
    browser = requests.Session()
    if stale.startswith("valid"):
        sso.issuer.person = Person("sub-li", "li.wei@example.org")
        sign_in(sso, browser)
    else:
        browser.cookies.set(SESSION_COOKIE, stale, domain="127.0.0.1", path="/")
    sso.issuer.person = Person("sub-amina", "amina@example.org")

    landed = sign_in(sso, browser)

    assert landed.status_code == 200
    principal = Signer(SECRET).verify_token(browser.cookies[SESSION_COOKIE])
    assert principal.account_id == str(account(sso, "amina@example.org").id)
