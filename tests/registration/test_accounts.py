"""Accounts over HTTP: sign-in and its lock-out, the second factor, sessions and signing out,
password links, and the bad input each endpoint refuses by name.

Argon2 and pyotp run for real; each test hashes few passwords.
"""

from __future__ import annotations

import base64
import json
import time
import types
from datetime import datetime

import pyotp
import pytest
from sqlalchemy import func, select

import shared.auth
from services.registration.app import create_app
from services.registration.models import Account, outbox
from shared.links import PASSWORD_LINK, password_link
from shared.request_limits import MAX_JSON_DEPTH
from shared.sessions import CSRF_COOKIE, SESSION_COOKIE

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a quite different passphrase"
EMAIL = "ada@example.org"


# -- helpers --------------------------------------------------------------------------------


def create_account(client, headers, email=EMAIL, **fields) -> dict:
    """An account made by the suite admin's API key."""
    body = {"email": email, "display_name": fields.pop("display_name", "Ada Lovelace"), **fields}
    response = client.post("/api/accounts", json=body, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def sign_in(client, email=EMAIL, password=PASSWORD, **extra):
    return client.post("/api/auth/sign-in", json={"email": email, "password": password, **extra})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def events(app, event_type: str) -> list[dict]:
    """The ``data`` of each event of this type in the outbox, oldest first."""
    with app.extensions["ceremony"].database.transaction() as session:
        bodies = session.scalars(
            select(outbox.c.body).where(outbox.c.event_type == event_type).order_by(outbox.c.id)
        ).all()
    return [json.loads(body)["data"] for body in bodies]


def link_of(app, data: dict) -> str:
    """The path of the link an email built from this event carries."""
    context = app.extensions["ceremony"]
    url = password_link(
        context.signer,
        context.settings.public_url,
        data["account_id"],
        datetime.fromisoformat(data["requested_at"]),
    )
    return "/" + url.split("/", 3)[3]


def token_of(path: str) -> str:
    return path.rsplit("/", 1)[1]


def totp_codes(secret: str) -> tuple[str, str]:
    """The previous and the current step's codes, with at least two seconds of the step left
    (a code read at the very end of a step would be two steps old when checked)."""
    if time.time() % 30 > 28:
        time.sleep(30 - time.time() % 30)
    totp = pyotp.TOTP(secret)
    now = time.time()
    return totp.at(now - 30), totp.at(now)


@pytest.fixture
def account(client, organiser_headers) -> dict:
    return create_account(client, organiser_headers, password=PASSWORD)


@pytest.fixture
def token(client, account) -> str:
    response = sign_in(client)
    assert response.status_code == 200, response.json
    return response.json["token"]


def enrol_totp(client, token: str) -> tuple[str, list[str]]:
    """Turn TOTP on (confirmed with the previous step's code); returns the secret and the
    recovery codes."""
    started = client.post("/api/auth/totp", headers=bearer(token))
    assert started.status_code == 200, started.json
    secret = started.json["secret"]
    previous, _ = totp_codes(secret)
    confirmed = client.post(
        "/api/auth/totp/confirm", json={"code": previous}, headers=bearer(token)
    )
    assert confirmed.status_code == 200, confirmed.json
    return secret, confirmed.json["recovery_codes"]


# -- signing in -----------------------------------------------------------------------------


def test_signing_in_answers_a_session_and_sets_its_cookies(app, client, account, signer):
    response = sign_in(client)
    assert response.status_code == 200
    body = response.json
    assert body["account"]["email"] == EMAIL and body["account"]["totp_enabled"] is False
    principal = signer.verify_token(body["token"])
    assert (principal.kind, principal.account_id, principal.name) == (
        "session",
        account["id"],
        "Ada Lovelace",
    )
    assert body["csrf_token"] == signer.csrf_token(principal)
    cookies = {c.split("=", 1)[0]: c for c in response.headers.getlist("Set-Cookie")}
    assert f"{SESSION_COOKIE}={body['token']}" in cookies[SESSION_COOKIE]
    assert "HttpOnly" in cookies[SESSION_COOKIE] and "SameSite=Lax" in cookies[SESSION_COOKIE]
    assert "HttpOnly" not in cookies[CSRF_COOKIE]
    # The credential's id is the session row's: the account's session list shows it.
    sessions = client.get("/api/auth/sessions", headers=bearer(body["token"])).json
    assert [(s["id"], s["method"], s["current"]) for s in sessions] == [
        (principal.credential_id, "password", True)
    ]
    me = client.get("/api/auth/me")  # by the cookie alone
    assert me.status_code == 200 and me.json["account"]["id"] == account["id"]


def test_the_address_is_matched_in_any_case_and_is_one_account(client, account, organiser_headers):
    assert sign_in(client, email="ADA@Example.ORG").status_code == 200
    again = client.post(
        "/api/accounts",
        json={"email": "Ada@EXAMPLE.org", "display_name": "Ada Again"},
        headers=organiser_headers,
    )
    assert (again.status_code, again.json["code"]) == (409, "account_exists")


def test_a_wrong_password_and_an_unknown_address_get_the_same_refusal(client, account):
    wrong = sign_in(client, password="not the right password")
    unknown = sign_in(client, email="nobody@example.org")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json
    assert wrong.json["code"] == "invalid_credentials"


def test_failures_in_a_row_lock_the_account_with_retry_after(client, account):
    for _ in range(5):
        assert sign_in(client, password="not the right password").status_code == 401
    locked = sign_in(client)  # even the right password waits
    assert (locked.status_code, locked.json["code"]) == (429, "locked_out")
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60


def test_a_success_resets_the_count_of_failures(client, account):
    for _ in range(4):
        assert sign_in(client, password="not the right password").status_code == 401
    assert sign_in(client).status_code == 200
    for _ in range(4):
        assert sign_in(client, password="not the right password").status_code == 401
    assert sign_in(client).status_code == 200


def test_an_account_without_a_password_cannot_sign_in(client, organiser_headers):
    create_account(client, organiser_headers, email="new@example.org")
    response = sign_in(client, email="new@example.org", password="")
    assert response.status_code == 422  # an empty password: named, before any check
    response = sign_in(client, email="new@example.org")
    assert (response.status_code, response.json["code"]) == (401, "invalid_credentials")


def test_with_local_passwords_off_sign_in_and_resets_are_refused(settings, account):
    app = create_app(settings.with_overrides(local_passwords=False))
    client = app.test_client()
    try:
        refused = sign_in(client)
        assert (refused.status_code, refused.json["code"]) == (403, "local_passwords_disabled")
        reset = client.post("/api/auth/password-reset", json={"email": EMAIL})
        assert (reset.status_code, reset.json["code"]) == (403, "local_passwords_disabled")
    finally:
        app.extensions["ceremony"].database.dispose()


def test_a_disabled_account_is_refused_at_once_and_after(client, account, token, organiser_headers):
    disabled = client.post(f"/api/accounts/{account['id']}/disable", headers=organiser_headers)
    assert disabled.status_code == 200 and disabled.json["disabled_at"]
    me = client.get("/api/auth/me", headers=bearer(token))
    assert (me.status_code, me.json["code"]) == (401, "account_disabled")
    refused = sign_in(client)
    assert (refused.status_code, refused.json["code"]) == (403, "account_disabled")
    # A wrong password says nothing of the account's state.
    assert sign_in(client, password="not the right password").json["code"] == "invalid_credentials"
    enabled = client.post(f"/api/accounts/{account['id']}/enable", headers=organiser_headers)
    assert enabled.status_code == 200 and enabled.json["disabled_at"] is None
    fresh = sign_in(client)
    assert fresh.status_code == 200
    assert client.get("/api/auth/me", headers=bearer(fresh.json["token"])).status_code == 200
    old = client.get("/api/auth/me", headers=bearer(token))
    assert (old.status_code, old.json["code"]) == (401, "signed_out")


# -- the second factor ----------------------------------------------------------------------


def test_totp_enrolment_gives_a_secret_a_link_and_a_qr_code(client, token):
    started = client.post("/api/auth/totp", headers=bearer(token))
    assert started.status_code == 200
    assert started.json["otpauth_uri"].startswith("otpauth://totp/")
    assert started.json["secret"] in started.json["otpauth_uri"]
    prefix, _, data = started.json["qr_code"].partition(",")
    assert prefix == "data:image/png;base64"
    assert base64.b64decode(data).startswith(b"\x89PNG")
    # Until confirmed, sign-in asks for no code.
    assert sign_in(client).status_code == 200


def test_a_wrong_first_code_does_not_turn_totp_on(client, token):
    client.post("/api/auth/totp", headers=bearer(token))
    wrong = client.post("/api/auth/totp/confirm", json={"code": "000000"}, headers=bearer(token))
    # 000000 may be right once in a million steps: then the test sees 200, very rarely.
    assert (wrong.status_code, wrong.json["code"], list(wrong.json["errors"])) == (
        422,
        "invalid_code",
        ["code"],
    )
    assert sign_in(client).status_code == 200


def test_totp_sign_in_accepts_each_code_once(client, token):
    secret, recovery = enrol_totp(client, token)
    assert len(recovery) == 10 and len(set(recovery)) == 10
    again = client.post("/api/auth/totp", headers=bearer(token))
    assert (again.status_code, again.json["code"]) == (409, "totp_enabled")

    asked = sign_in(client)
    assert (asked.status_code, asked.json["code"]) == (401, "second_factor_required")
    assert list(asked.json["errors"]) == ["code"]
    _, current = totp_codes(secret)
    signed_in = sign_in(client, code=current)
    assert signed_in.status_code == 200
    assert signed_in.json["account"]["totp_enabled"] is True
    # The same code again, within its window: refused.
    replayed = sign_in(client, code=current)
    assert (replayed.status_code, replayed.json["code"]) == (401, "invalid_code")

    recovered = sign_in(client, code=recovery[0].upper())
    assert recovered.status_code == 200
    sessions = client.get("/api/auth/sessions", headers=bearer(recovered.json["token"])).json
    assert sessions[0]["method"] == "recovery_code"
    used = sign_in(client, code=recovery[0])
    assert (used.status_code, used.json["code"]) == (401, "invalid_code")


def test_turning_totp_off_takes_the_password(client, token):
    enrol_totp(client, token)
    wrong = client.delete(
        "/api/auth/totp", json={"password": "not the right password"}, headers=bearer(token)
    )
    assert (wrong.status_code, wrong.json["code"], list(wrong.json["errors"])) == (
        422,
        "wrong_password",
        ["password"],
    )
    off = client.delete("/api/auth/totp", json={"password": PASSWORD}, headers=bearer(token))
    assert off.status_code == 204
    assert sign_in(client).status_code == 200


# -- signing out ----------------------------------------------------------------------------


def test_signing_out_refuses_the_token_at_once(client, token):
    other = sign_in(client).json["token"]
    assert client.post("/api/auth/sign-out", headers=bearer(token)).status_code == 204
    refused = client.get("/api/auth/me", headers=bearer(token))
    assert (refused.status_code, refused.json["code"]) == (401, "credential_revoked")
    assert client.get("/api/auth/me", headers=bearer(other)).status_code == 200


def test_signing_out_everywhere_refuses_every_session_and_a_new_one_works(client, token):
    other = sign_in(client).json["token"]
    assert client.post("/api/auth/sign-out-everywhere", headers=bearer(other)).status_code == 204
    for old in (token, other):
        refused = client.get("/api/auth/me", headers=bearer(old))
        assert (refused.status_code, refused.json["code"]) == (401, "signed_out")
    # Signed in again within the same second: the new session is not caught by the sign-out.
    fresh = sign_in(client).json["token"]
    assert client.get("/api/auth/me", headers=bearer(fresh)).status_code == 200


def test_an_account_revokes_its_own_other_sessions_only(client, token, organiser_headers):
    other = sign_in(client).json["token"]
    listed = client.get("/api/auth/sessions", headers=bearer(token)).json
    [elsewhere] = [s for s in listed if not s["current"]]
    revoked = client.post(f"/api/auth/sessions/{elsewhere['id']}/revoke", headers=bearer(token))
    assert revoked.status_code == 204
    assert client.get("/api/auth/me", headers=bearer(other)).json["code"] == "credential_revoked"
    create_account(client, organiser_headers, email="bo@example.org", password=PASSWORD)
    bo = sign_in(client, email="bo@example.org").json["token"]
    [bos] = client.get("/api/auth/sessions", headers=bearer(bo)).json
    theirs = client.post(f"/api/auth/sessions/{bos['id']}/revoke", headers=bearer(token))
    assert (theirs.status_code, theirs.json["code"]) == (404, "session_not_found")


def test_an_api_key_has_no_session_to_sign_out(client, organiser_headers):
    refused = client.post("/api/auth/sign-out", headers=organiser_headers)
    assert (refused.status_code, refused.json["code"]) == (403, "not_a_session")


def test_a_change_by_cookie_needs_the_csrf_header(app, account):
    browser = app.test_client()
    csrf = sign_in(browser).json["csrf_token"]
    refused = browser.post("/api/auth/sign-out")
    assert (refused.status_code, refused.json["code"]) == (403, "csrf_token_missing")
    done = browser.post("/api/auth/sign-out", headers={"X-CSRF-Token": csrf})
    assert done.status_code == 204
    cleared = [c for c in done.headers.getlist("Set-Cookie") if c.startswith(SESSION_COOKIE)]
    assert cleared and all("Max-Age=0" in c or "Expires=Thu, 01 Jan 1970" in c for c in cleared)
    assert browser.get("/api/auth/me").status_code == 401


def test_a_session_cookie_in_use_is_renewed(app, account, signer, monkeypatch):
    browser = app.test_client()
    signed_in = signer.verify_token(sign_in(browser).json["token"])
    # The same session as it was signed ten minutes ago: old enough to be renewed.
    ten_minutes_ago = time.time() - 600
    monkeypatch.setattr(shared.auth, "time", types.SimpleNamespace(time=lambda: ten_minutes_ago))
    older = signer.issue_session(
        signed_in.account_id,
        session_id=signed_in.credential_id,
        started_at=ten_minutes_ago,
        name=signed_in.name,
    )
    monkeypatch.undo()
    browser.set_cookie(SESSION_COOKIE, older)
    response = browser.get("/api/auth/me")
    assert response.status_code == 200
    [renewed] = [c for c in response.headers.getlist("Set-Cookie") if c.startswith(SESSION_COOKIE)]
    token = renewed.split(";", 1)[0].split("=", 1)[1]
    assert token != older
    principal = signer.verify_token(token)
    assert principal.credential_id == signed_in.credential_id
    assert principal.issued_at > ten_minutes_ago + 500
    assert abs(principal.started_at - ten_minutes_ago) < 0.002  # the session's own start


# -- password links -------------------------------------------------------------------------


def test_a_password_reset_goes_from_its_event_to_a_new_password(app, client, account, token):
    answered = client.post("/api/auth/password-reset", json={"email": "ADA@example.org"})
    unknown = client.post("/api/auth/password-reset", json={"email": "nobody@example.org"})
    assert answered.status_code == unknown.status_code == 202
    assert answered.json == unknown.json
    [data] = events(app, "account.password_reset_requested")
    assert (data["account_id"], data["email"], data["language"]) == (account["id"], EMAIL, "en")
    path = link_of(app, data)
    assert path.startswith("/account/password/")

    body = {"token": token_of(path), "password": NEW_PASSWORD}
    done = client.post("/api/auth/password-reset/complete", json=body)
    assert done.status_code == 200
    assert any(c.startswith(SESSION_COOKIE) for c in done.headers.getlist("Set-Cookie"))
    assert client.get("/api/auth/me", headers=bearer(done.json["token"])).status_code == 200
    # Every session from before the reset is signed out.
    assert client.get("/api/auth/me", headers=bearer(token)).json["code"] == "signed_out"
    assert sign_in(client).json["code"] == "invalid_credentials"
    assert sign_in(client, password=NEW_PASSWORD).status_code == 200
    used = client.post("/api/auth/password-reset/complete", json=body)
    assert (used.status_code, used.json["code"]) == (410, "link_used")


def test_a_newer_link_closes_the_older_one(app, client, account):
    for _ in range(2):
        client.post("/api/auth/password-reset", json={"email": EMAIL})
    first, second = (
        token_of(link_of(app, data)) for data in events(app, "account.password_reset_requested")
    )
    old = client.post(
        "/api/auth/password-reset/complete", json={"token": first, "password": NEW_PASSWORD}
    )
    assert (old.status_code, old.json["code"]) == (410, "link_used")
    new = client.post(
        "/api/auth/password-reset/complete", json={"token": second, "password": NEW_PASSWORD}
    )
    assert new.status_code == 200


def test_an_expired_link_gets_410_and_a_forged_one_404(app, client, account, signer):
    client.post("/api/auth/password-reset", json={"email": EMAIL})
    [data] = events(app, "account.password_reset_requested")
    millis = int(datetime.fromisoformat(data["requested_at"]).timestamp() * 1000)
    expired = signer.issue_capability(PASSWORD_LINK, f"{account['id']}.{millis}", ttl_seconds=-5)
    answer = client.post(
        "/api/auth/password-reset/complete", json={"token": expired, "password": NEW_PASSWORD}
    )
    assert (answer.status_code, answer.json["code"]) == (410, "link_expired")
    forged = client.post(
        "/api/auth/password-reset/complete", json={"token": "forged.link", "password": NEW_PASSWORD}
    )
    assert (forged.status_code, forged.json["code"]) == (404, "link_invalid")


def test_setting_a_password_from_a_link_ends_a_lock_out(app, client, account):
    for _ in range(5):
        sign_in(client, password="not the right password")
    assert sign_in(client).status_code == 429
    client.post("/api/auth/password-reset", json={"email": EMAIL})
    [data] = events(app, "account.password_reset_requested")
    body = {"token": token_of(link_of(app, data)), "password": NEW_PASSWORD}
    assert client.post("/api/auth/password-reset/complete", json=body).status_code == 200
    assert sign_in(client, password=NEW_PASSWORD).status_code == 200


def test_a_disabled_account_is_sent_no_link(app, client, account, organiser_headers):
    client.post(f"/api/accounts/{account['id']}/disable", headers=organiser_headers)
    assert client.post("/api/auth/password-reset", json={"email": EMAIL}).status_code == 202
    assert events(app, "account.password_reset_requested") == []


# -- bad input ------------------------------------------------------------------------------

DEEP = b"[" * (MAX_JSON_DEPTH + 10) + b"]" * (MAX_JSON_DEPTH + 10)
LONG_EMAIL = "a" * 64 + "@" + ("b" * 60 + ".") * 3 + "example.org"
ACCOUNTS = "/api/accounts"
SIGN_IN = "/api/auth/sign-in"
COMPLETE = "/api/auth/password-reset/complete"
GOOD = {"email": "new@example.org", "display_name": "Grace Hopper"}

#: (case, path, body, status, code, field): what each bad input gets.
BAD_INPUTS = [
    ("sign-in nested too deep: 400", SIGN_IN, DEEP, 400, "invalid_json", "json"),
    ("account nested too deep: 400", ACCOUNTS, DEEP, 400, "invalid_json", "json"),
    (
        "name with a lone surrogate: 422",
        ACCOUNTS,
        {**GOOD, "display_name": "Grace \ud800"},
        422,
        "validation_error",
        "display_name",
    ),
    (
        "name of invisible characters: 422",
        ACCOUNTS,
        {**GOOD, "display_name": "\u200b\u200b"},
        422,
        "validation_error",
        "display_name",
    ),
    (
        "name with a bidi override: 422",
        ACCOUNTS,
        {**GOOD, "display_name": "Grace \u202eHopper"},
        422,
        "validation_error",
        "display_name",
    ),
    (
        "name with a line break: 422",
        ACCOUNTS,
        {**GOOD, "display_name": "Grace\r\nBcc: x@example.org"},
        422,
        "validation_error",
        "display_name",
    ),
    (
        "overlong email: 422",
        ACCOUNTS,
        {**GOOD, "email": LONG_EMAIL},
        422,
        "validation_error",
        "email",
    ),
    ("not an email: 422", ACCOUNTS, {**GOOD, "email": "grace"}, 422, "validation_error", "email"),
    (
        "password too short: 422",
        ACCOUNTS,
        {**GOOD, "password": "short"},
        422,
        "validation_error",
        "password",
    ),
    (
        "language not a tag: 422",
        ACCOUNTS,
        {**GOOD, "language": "english!"},
        422,
        "validation_error",
        "language",
    ),
    (
        "admin not a boolean: 422",
        ACCOUNTS,
        {**GOOD, "admin": "perhaps"},
        422,
        "validation_error",
        "admin",
    ),
    (
        "sign-in without an email: 422",
        SIGN_IN,
        {"password": PASSWORD},
        422,
        "validation_error",
        "email",
    ),
    (
        "sign-in with an overlong email: 422",
        SIGN_IN,
        {"email": LONG_EMAIL, "password": PASSWORD},
        422,
        "validation_error",
        "email",
    ),
    (
        "sign-in password with a lone surrogate: 422",
        SIGN_IN,
        {"email": EMAIL, "password": "pass \udfff word"},
        422,
        "validation_error",
        "password",
    ),
    (
        "sign-in password over 1024 characters: 422",
        SIGN_IN,
        {"email": EMAIL, "password": "x" * 1025},
        422,
        "validation_error",
        "password",
    ),
    (
        "sign-in code of 40 characters: 422",
        SIGN_IN,
        {"email": EMAIL, "password": PASSWORD, "code": "1" * 40},
        422,
        "validation_error",
        "code",
    ),
    (
        "reset with a short new password: 422",
        COMPLETE,
        {"token": "x", "password": "short"},
        422,
        "validation_error",
        "password",
    ),
    (
        "reset without a token: 422",
        COMPLETE,
        {"password": NEW_PASSWORD},
        422,
        "validation_error",
        "token",
    ),
]


def _counts(app) -> tuple[int, int]:
    with app.extensions["ceremony"].database.transaction() as session:
        return (
            session.execute(select(func.count()).select_from(Account)).scalar_one(),
            session.execute(select(func.count()).select_from(outbox)).scalar_one(),
        )


@pytest.mark.parametrize(
    ("path", "body", "status", "code", "field"),
    [case[1:] for case in BAD_INPUTS],
    ids=[case[0] for case in BAD_INPUTS],
)
def test_bad_input_is_refused_by_name(
    app, client, organiser_headers, path, body, status, code, field
):
    before = _counts(app)
    if isinstance(body, bytes):
        headers = {**organiser_headers, "Content-Type": "application/json"}
        response = client.post(path, data=body, headers=headers)
    else:
        response = client.post(path, json=body, headers=organiser_headers)
    assert response.status_code == status, response.json
    assert response.json["code"] == code
    errors = response.json["errors"]
    assert field in errors or field in errors.get("json", {}), errors
    assert _counts(app) == before
