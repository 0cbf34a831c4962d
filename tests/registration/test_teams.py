"""Accounts made by the suite admin, and each ceremony's team: inviting, changing and
withdrawing roles, the last owner, what each role may then do, and the audit trail."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from services.registration.models import audit
from tests.registration.test_accounts import (
    PASSWORD,
    bearer,
    create_account,
    events,
    link_of,
    sign_in,
    token_of,
)

OWNER = "owner@example.org"


def team_path(ceremony: dict, account_id: str | None = None) -> str:
    path = f"/api/ceremonies/{ceremony['id']}/team"
    return f"{path}/{account_id}" if account_id else path


def invite(client, headers, ceremony, email, role="organiser", **fields):
    return client.post(
        team_path(ceremony), json={"email": email, "role": role, **fields}, headers=headers
    )


@pytest.fixture
def owner(client, ceremony, organiser_headers) -> dict:
    """An account that owns the ceremony, signed in: its account and its bearer headers."""
    account = create_account(
        client, organiser_headers, email=OWNER, display_name="Olu Owner", password=PASSWORD
    )
    assert invite(client, organiser_headers, ceremony, OWNER, role="owner").status_code == 201
    token = sign_in(client, email=OWNER).json["token"]
    return {"account": account, "headers": bearer(token)}


def test_an_owner_invites_a_teammate_who_sets_a_password_and_works(app, client, ceremony, owner):
    invited = invite(
        client, owner["headers"], ceremony, "Bo@Example.org", display_name="Bo Builder"
    )
    assert invited.status_code == 201, invited.json
    assert (invited.json["role"], invited.json["account"]["password_set"]) == ("organiser", False)
    [data] = [e for e in events(app, "account.invited") if e["email"] == "Bo@Example.org"]
    assert (data["ceremony_id"], data["ceremony_title"], data["role"], data["invited_by"]) == (
        ceremony["id"],
        ceremony["title"],
        "organiser",
        "Olu Owner",
    )
    team = client.get(team_path(ceremony), headers=owner["headers"]).json
    assert sorted((m["account"]["email"], m["role"]) for m in team) == [
        ("Bo@Example.org", "organiser"),
        (OWNER, "owner"),
    ]
    # The welcome link sets the first password and signs in.
    body = {"token": token_of(link_of(app, data)), "password": "bo's own passphrase"}
    signed_in = client.post("/api/auth/password-reset/complete", json=body)
    assert signed_in.status_code == 200
    bo = bearer(signed_in.json["token"])
    grants = client.get("/api/auth/me", headers=bo).json["grants"]
    assert grants == [{"scope": ceremony["id"], "role": "organiser", "gates": []}]
    changed = client.patch(f"/api/ceremonies/{ceremony['id']}", json={"capacity": 9}, headers=bo)
    assert changed.status_code == 200
    # An organiser manages the ceremony but grants no roles.
    refused = invite(client, bo, ceremony, "cy@example.org", display_name="Cy")
    assert (refused.status_code, refused.json["code"]) == (403, "forbidden")


def test_an_address_with_a_password_is_given_the_role_without_an_email(
    app, client, ceremony, owner, organiser_headers
):
    create_account(client, organiser_headers, email="bo@example.org", password=PASSWORD)
    before = len(events(app, "account.invited"))
    assert invite(client, owner["headers"], ceremony, "bo@example.org").status_code == 201
    assert len(events(app, "account.invited")) == before


def test_inviting_the_same_address_twice_gets_409(client, ceremony, owner):
    assert (
        invite(client, owner["headers"], ceremony, "bo@example.org", display_name="Bo").status_code
        < 300
    )
    again = invite(client, owner["headers"], ceremony, "BO@example.org", role="viewer")
    assert (again.status_code, again.json["code"], list(again.json["errors"])) == (
        409,
        "already_in_team",
        ["email"],
    )


def test_a_new_address_needs_a_name(client, ceremony, owner):
    response = invite(client, owner["headers"], ceremony, "bo@example.org")
    assert (response.status_code, response.json["code"], list(response.json["errors"])) == (
        422,
        "display_name_required",
        ["display_name"],
    )


def test_an_unknown_role_gets_422_naming_it(client, ceremony, owner):
    response = invite(client, owner["headers"], ceremony, "bo@example.org", role="admin")
    assert (response.status_code, response.json["code"]) == (422, "validation_error")
    assert "role" in response.json["errors"]["json"]


def test_gates_belong_to_the_door_role_only(client, ceremony, owner):
    wrong = invite(
        client, owner["headers"], ceremony, "bo@example.org", display_name="Bo", gates=["North"]
    )
    assert (wrong.status_code, wrong.json["code"], list(wrong.json["errors"])) == (
        422,
        "gates_for_door_only",
        ["gates"],
    )
    door = invite(
        client,
        owner["headers"],
        ceremony,
        "bo@example.org",
        role="door",
        display_name="Bo",
        gates=["North", "North", "South"],
    )
    assert (door.status_code, door.json["role"], door.json["gates"]) == (
        201,
        "door",
        ["North", "South"],
    )


def test_a_ceremony_keeps_its_last_owner(client, ceremony, owner, organiser_headers):
    me = owner["account"]["id"]
    demoted = client.put(
        team_path(ceremony, me), json={"role": "organiser"}, headers=owner["headers"]
    )
    assert (demoted.status_code, demoted.json["code"]) == (409, "last_owner")
    removed = client.delete(team_path(ceremony, me), headers=owner["headers"])
    assert (removed.status_code, removed.json["code"]) == (409, "last_owner")
    # Even the suite admin makes another owner first.
    assert client.delete(team_path(ceremony, me), headers=organiser_headers).status_code == 409
    second = invite(
        client, owner["headers"], ceremony, "bo@example.org", role="owner", display_name="Bo"
    )
    assert second.status_code == 201
    assert client.delete(team_path(ceremony, me), headers=owner["headers"]).status_code == 204
    # The owner's role is gone at once: the same session may no longer read the team.
    gone = client.get(team_path(ceremony), headers=owner["headers"])
    assert (gone.status_code, gone.json["code"]) == (403, "forbidden")


def test_a_changed_role_applies_at_once(client, ceremony, owner, organiser_headers):
    viewer = create_account(client, organiser_headers, email="vi@example.org", password=PASSWORD)
    assert (
        invite(client, owner["headers"], ceremony, "vi@example.org", role="viewer").status_code
        < 300
    )
    headers = bearer(sign_in(client, email="vi@example.org").json["token"])
    assert client.get(team_path(ceremony), headers=headers).status_code == 200
    patch = {"json": {"capacity": 9}, "headers": headers}
    assert client.patch(f"/api/ceremonies/{ceremony['id']}", **patch).status_code == 403
    changed = client.put(
        team_path(ceremony, viewer["id"]), json={"role": "organiser"}, headers=owner["headers"]
    )
    assert changed.status_code == 200 and changed.json["role"] == "organiser"
    assert client.patch(f"/api/ceremonies/{ceremony['id']}", **patch).status_code == 200
    assert (
        client.delete(team_path(ceremony, viewer["id"]), headers=owner["headers"]).status_code < 300
    )
    assert client.get(team_path(ceremony), headers=headers).status_code == 403
    missing = client.delete(team_path(ceremony, viewer["id"]), headers=owner["headers"])
    assert (missing.status_code, missing.json["code"]) == (404, "not_in_team")


def test_every_change_is_in_the_audit_trail(app, client, ceremony, owner):
    member = invite(client, owner["headers"], ceremony, "bo@example.org", display_name="Bo").json
    bo = member["account"]["id"]
    client.put(team_path(ceremony, bo), json={"role": "viewer"}, headers=owner["headers"])
    client.delete(team_path(ceremony, bo), headers=owner["headers"])
    with app.extensions["ceremony"].database.transaction() as session:
        rows = session.execute(
            select(audit).where(audit.c.subject_id == bo).order_by(audit.c.at)
        ).all()
    assert [row.action for row in rows] == [
        "account.created",
        "role.granted",
        "role.changed",
        "role.withdrawn",
    ]
    assert {(row.actor_kind, row.actor_id, row.actor_name) for row in rows} == {
        ("session", owner["account"]["id"], "Olu Owner")
    }
    assert str(rows[0].ceremony_id) == ceremony["id"]
    assert (rows[2].before, rows[2].after) == (
        {"role": "organiser", "gates": []},
        {"role": "viewer", "gates": []},
    )


def test_only_a_suite_admin_lists_and_makes_accounts(app, client, owner, organiser_headers):
    refused = client.get("/api/accounts", headers=owner["headers"])
    assert (refused.status_code, refused.json["code"]) == (403, "forbidden")
    made = client.post(
        "/api/accounts",
        json={"email": "ad@example.org", "display_name": "Ad Admin", "admin": True},
        headers=organiser_headers,
    )
    assert made.status_code == 201 and made.json["admin"] is True
    [welcome] = [e for e in events(app, "account.invited") if e["email"] == "ad@example.org"]
    assert welcome.get("ceremony_id") is None
    listed = client.get("/api/accounts", headers=organiser_headers).json
    assert sorted((a["email"], a["admin"]) for a in listed) == [
        ("ad@example.org", True),
        (OWNER, False),
    ]
    # The new admin, once their password is set, makes accounts too.
    body = {"token": token_of(link_of(app, welcome)), "password": "the admin's passphrase"}
    admin = bearer(client.post("/api/auth/password-reset/complete", json=body).json["token"])
    assert client.get("/api/accounts", headers=admin).status_code == 200
    own = client.post(f"/api/accounts/{made.json['id']}/disable", headers=admin)
    assert (own.status_code, own.json["code"]) == (409, "cannot_disable_self")


#: (case, body, field): each bad invitation gets 422 naming the field.
BAD_TEAMMATES = [
    ("name with a lone surrogate", {"display_name": "Bo \ud800"}, "display_name"),
    ("name of zero-width spaces", {"display_name": "\u200b\u200b"}, "display_name"),
    ("overlong email", {"email": "b" * 250 + "@example.org"}, "email"),
    ("email with a line break", {"email": "bo@example.org\r\nBcc: x@y.org"}, "email"),
    ("no role", {"role": None}, "role"),
    ("gate with a line break", {"role": "door", "gates": ["North\nGate"]}, "gates"),
    ("gate of 65 characters", {"role": "door", "gates": ["G" * 65]}, "gates"),
    ("21 gates", {"role": "door", "gates": [f"Gate {n}" for n in range(21)]}, "gates"),
    ("gates not a list", {"role": "door", "gates": "North"}, "gates"),
]


@pytest.mark.parametrize(
    ("body", "field"), [c[1:] for c in BAD_TEAMMATES], ids=[c[0] for c in BAD_TEAMMATES]
)
def test_a_bad_invitation_gets_422_naming_the_field(
    client, ceremony, organiser_headers, body, field
):
    full = {"email": "bo@example.org", "display_name": "Bo", "role": "organiser", **body}
    response = client.post(team_path(ceremony), json=full, headers=organiser_headers)
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"], response.json
    assert client.get(team_path(ceremony), headers=organiser_headers).json == []
