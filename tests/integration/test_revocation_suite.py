"""Roles and revocations made in the registration service reach badges and notifications over
RabbitMQ: each service decides alone, from its own tables, and refuses what was revoked.

How fast is measured by ``benchmarks/revocation.py``; here, that it happens at all, in each
service, for each kind of change.
"""

from __future__ import annotations

import uuid

import pytest

from services.registration.credential_events import (
    revoke_credential,
    set_role,
    sign_out_account,
    withdraw_role,
)
from tests.conftest import wait_for
from tests.integration.suite import LiveSuite
from tests.registration.conftest import ceremony_body

pytestmark = pytest.mark.integration


@pytest.fixture
def suite(tmp_path, amqp_url, postgres_databases, smtp_server):
    suite = LiveSuite(tmp_path / "var", amqp_url, postgres_databases, smtp_server.url)
    yield suite
    suite.close()


@pytest.fixture
def ceremony_id(suite) -> str:
    created = suite.call(
        "POST", "registration", "/api/ceremonies", json=ceremony_body(), headers=suite.organiser()
    )
    assert created.status_code == 201, created.text
    ceremony_id = created.json()["id"]
    # Known to badges (its attendance answers) and notifications (its ceremonies projection).
    admin = suite.organiser()
    wait_for(
        lambda: (
            suite.call(
                "GET", "badges", f"/api/ceremonies/{ceremony_id}/attendance", headers=admin
            ).status_code
            == 200
        )
    )
    return ceremony_id


def in_registration(suite, change) -> None:
    """Make a change in the registration service's database, as its API does."""
    with suite.apps["registration"].extensions["ceremony"].database.transaction() as session:
        change(session)


def answers(suite, headers, ceremony_id) -> dict[str, tuple[int, str | None]]:
    """What each service answers this credential on a ceremony's data: status and error code."""
    calls = {
        "registration": f"/api/ceremonies/{ceremony_id}/registrations",
        "badges": f"/api/ceremonies/{ceremony_id}/attendance",
        "notifications": f"/api/deliveries?ceremony={ceremony_id}",
    }
    seen = {}
    for service, path in calls.items():
        response = suite.call("GET", service, path, headers=headers)
        body = (
            response.json()
            if response.headers.get("Content-Type", "").startswith("application/json")
            else {}
        )
        seen[service] = (response.status_code, body.get("code") if isinstance(body, dict) else None)
    return seen


def everywhere(status: int, code: str | None = None) -> dict[str, tuple[int, str | None]]:
    return {service: (status, code) for service in ("registration", "badges", "notifications")}


def test_a_revoked_api_key_is_refused_by_every_service(suite, ceremony_id):
    key_id = str(uuid.uuid4())
    key = suite.signer.issue_token("viewer", ceremony_id=ceremony_id, credential_id=key_id)
    headers = {"Authorization": f"Bearer {key}"}
    assert answers(suite, headers, ceremony_id) == everywhere(200)

    in_registration(
        suite, lambda session: revoke_credential(session, key_id, "apikey", expires_at=None)
    )

    wait_for(
        lambda: answers(suite, headers, ceremony_id) == everywhere(401, "credential_revoked"),
        timeout=15,
    )


def test_a_role_granted_then_withdrawn_opens_then_closes_every_service(suite, ceremony_id):
    account = str(uuid.uuid4())
    session_token = suite.signer.issue_session(account, name="Ada Lovelace")
    headers = {"Authorization": f"Bearer {session_token}"}
    # No role yet: every service refuses, and says why.
    assert answers(suite, headers, ceremony_id) == everywhere(403, "forbidden")

    in_registration(suite, lambda session: set_role(session, account, ceremony_id, "viewer"))
    wait_for(lambda: answers(suite, headers, ceremony_id) == everywhere(200), timeout=15)

    in_registration(suite, lambda session: withdraw_role(session, account, ceremony_id))
    wait_for(
        lambda: answers(suite, headers, ceremony_id) == everywhere(403, "forbidden"), timeout=15
    )


def test_sign_out_everywhere_ends_the_sessions_signed_in_before_it(suite, ceremony_id):
    account = str(uuid.uuid4())
    in_registration(suite, lambda session: set_role(session, account, ceremony_id, "organiser"))
    earlier = {"Authorization": f"Bearer {suite.signer.issue_session(account)}"}
    wait_for(lambda: answers(suite, earlier, ceremony_id) == everywhere(200), timeout=15)

    in_registration(suite, lambda session: sign_out_account(session, account))
    wait_for(
        lambda: answers(suite, earlier, ceremony_id) == everywhere(401, "signed_out"), timeout=15
    )


def test_a_disabled_account_is_refused_even_with_a_new_session(suite, ceremony_id):
    account = str(uuid.uuid4())
    in_registration(suite, lambda session: set_role(session, account, ceremony_id, "organiser"))
    in_registration(suite, lambda session: sign_out_account(session, account, disabled=True))
    wait_for(
        lambda: (
            answers(
                suite,
                {"Authorization": f"Bearer {suite.signer.issue_session(account)}"},
                ceremony_id,
            )
            == everywhere(401, "account_disabled")
        ),
        timeout=15,
    )
