"""Delegations in the console: the invite form's details, an invitee's page with companions,
a representative or regrets, and companions listed right after their head."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from tests.console.harness import ConsoleWorld, error_beside, text_of
from tests.console.test_invitation_pages import base, by_email, events, invite


@pytest.fixture
def world(tmp_path):
    world = ConsoleWorld(tmp_path)
    yield world
    world.close()


def ceremony_day(world) -> date:
    ceremony = world.api("GET", f"/api/ceremonies/{world.ceremony_id}").json
    return datetime.fromisoformat(ceremony["starts_at"]).date()


def test_the_invite_form_asks_for_the_details_and_keeps_them(world):
    client = world.browser("registration")
    form = client.get(base(world) + "/new").get_data(as_text=True)
    for name in (
        "host",
        "reply_by",
        "dress_code",
        "arrival_instructions",
        "companions_allowed",
        "representative_allowed",
    ):
        assert f'name="{name}"' in form
    reply_by = ceremony_day(world) - timedelta(days=5)

    response = client.post(
        base(world) + "/new",
        data=world.form(
            full_name="Amina Diallo",
            email="sg@example.org",
            host="The Director General of the Institute",
            reply_by=reply_by.isoformat(),
            dress_code="Business attire",
            arrival_instructions="Gate B, from 17:30",
            companions_allowed="2",
            representative_allowed="on",
            send="1",
        ),
    )

    assert response.status_code == 303
    invitation = by_email(world)["sg@example.org"]
    assert (invitation.companions_allowed, invitation.representative_allowed) == (2, True)
    assert invitation.reply_by == reply_by
    assert invitation.host == "The Director General of the Institute"
    (created,) = events(world, "invitation.created")
    assert created["dress_code"] == "Business attire"
    assert created["arrival_instructions"] == "Gate B, from 17:30"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"companions_allowed": "21"}, "companions_allowed"),
        ({"companions_allowed": "two"}, "companions_allowed"),
        ({"reply_by": "soon"}, "reply_by"),
        ({"reply_by": "after"}, "reply_by"),
    ],
    ids=["too-many", "not-a-number", "unparsable", "after-the-ceremony"],
)
def test_bad_details_in_the_invite_form_are_shown_beside_them(world, fields, field):
    if fields.get("reply_by") == "after":
        fields = {"reply_by": (ceremony_day(world) + timedelta(days=1)).isoformat()}

    response = world.browser("registration").post(
        base(world) + "/new",
        data=world.form(full_name="Amina Diallo", email="sg@example.org", send="1", **fields),
    )

    assert response.status_code == 422
    assert error_beside(response.get_data(as_text=True), field)
    assert by_email(world) == {}


def test_the_invitation_page_shows_the_regrets(world):
    (created,) = invite(world, [{"full_name": "Amina Diallo", "email": "sg@example.org"}])
    world.api(
        "POST",
        f"/api/invitations/{created['id']}/answer",
        json={"answer": "decline", "regrets": "I am abroad that week; my warm regards."},
    )

    page = text_of(world.browser("registration").get(f"{base(world)}/{created['id']}").text)

    assert "Regrets I am abroad that week; my warm regards." in page


def test_regrets_recorded_by_phone_are_kept(world):
    (created,) = invite(world, [{"full_name": "Amina Diallo", "email": "sg@example.org"}])
    client = world.browser("registration")

    response = client.post(
        f"{base(world)}/{created['id']}/answer",
        data=world.form(answer="decline", via="phone", regrets="Unwell, sends regards."),
    )

    assert response.status_code == 303
    assert by_email(world)["sg@example.org"].regrets == "Unwell, sends regards."


def test_the_invitation_page_shows_the_companions_and_the_representative(world):
    invitees = [
        {"full_name": "Amina Diallo", "email": "sg@example.org", "companions_allowed": 1},
        {"full_name": "Li Wei", "email": "cg@example.org", "representative_allowed": True},
    ]
    head, represented = invite(world, invitees)
    world.api(
        "POST",
        f"/api/invitations/{head['id']}/answer",
        json={
            "answer": "accept",
            "companions": [{"full_name": "Karim Diallo", "email": "karim@example.org"}],
        },
    )
    world.api(
        "POST",
        f"/api/invitations/{represented['id']}/answer",
        json={
            "answer": "represent",
            "representative": {"full_name": "Chen Jing", "email": "chen@example.org"},
        },
    )
    client = world.browser("registration")

    head_page = text_of(client.get(f"{base(world)}/{head['id']}").text)
    represented_page = text_of(client.get(f"{base(world)}/{represented['id']}").text)

    assert "Companions Karim Diallo · karim@example.org" in head_page
    assert "Represented by Chen Jing" in represented_page


def test_companions_follow_their_head_in_the_guest_table(world):
    invitees = [
        {
            "full_name": "Zara Head",
            "email": "zh@example.org",
            "precedence": 1,
            "companions_allowed": 2,
        },
        {"full_name": "Bruno Second", "email": "bs@example.org", "precedence": 1},
    ]
    head, second = invite(world, invitees)
    world.api(
        "POST",
        f"/api/invitations/{head['id']}/answer",
        json={
            "answer": "accept",
            "companions": [
                {"full_name": "Anne Companion", "email": "ac@example.org"},
                {"full_name": "Yves Companion", "email": "yc@example.org"},
            ],
        },
    )
    world.api("POST", f"/api/invitations/{second['id']}/answer", json={"answer": "accept"})

    page = text_of(
        world.browser("registration")
        .get(f"/console/ceremonies/{world.ceremony_id}/guests", query_string={"sort": "protocol"})
        .text
    )

    names = ["Bruno Second", "Zara Head", "Anne Companion", "Yves Companion"]
    positions = [page.index(name) for name in names]
    assert positions == sorted(positions)
