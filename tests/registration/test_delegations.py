"""Delegations and invitation details: companions, a representative, regrets, the reply-by
date; through the API, the events and the RSVP page."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from services.registration.models import Registration, outbox
from tests.registration.conftest import register
from tests.registration.test_invitations import rsvp_path

HEAD = {
    "full_name": "Amina Diallo",
    "email": "sg@example.org",
    "honorific": "H.E.",
    "language": "fr",
    "precedence": 2,
}
COMPANIONS = [
    {
        "honorific": "M.",
        "given_name": "Karim",
        "family_name": "Diallo",
        "email": "karim@example.org",
        "language": "fr",
    },
    {"given_name": "Helen", "family_name": "Marsh", "email": "helen@example.org", "language": "en"},
]


def events_of(app, event_type: str) -> list[dict]:
    with app.extensions["ceremony"].database.transaction() as session:
        rows = session.execute(
            select(outbox.c.body).where(outbox.c.event_type == event_type).order_by(outbox.c.id)
        )
        return [json.loads(row.body)["data"] for row in rows]


def registrations(app) -> list[Registration]:
    with app.extensions["ceremony"].database.transaction() as session:
        found = list(session.scalars(select(Registration).order_by(Registration.created_at)))
        session.expunge_all()
        return found


def invite(client, ceremony, headers, **details) -> dict:
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={"invitees": [{**HEAD, **details}]},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    return response.json[0]


def answer(client, invitation, headers, **body):
    return client.post(f"/api/invitations/{invitation['id']}/answer", json=body, headers=headers)


def day_of(ceremony: dict) -> date:
    return datetime.fromisoformat(ceremony["starts_at"]).date()


# Invitation details


def test_the_details_are_stored_shown_and_published(app, client, ceremony, organiser_headers):
    reply_by = (day_of(ceremony) - timedelta(days=3)).isoformat()
    created = invite(
        client,
        ceremony,
        organiser_headers,
        companions_allowed=2,
        representative_allowed=True,
        host="The Director General of the Institute",
        reply_by=reply_by,
        dress_code="Business attire",
        arrival_instructions="Gate B, from 17:30",
    )

    expected = {
        "companions_allowed": 2,
        "representative_allowed": True,
        "host": "The Director General of the Institute",
        "reply_by": reply_by,
        "dress_code": "Business attire",
        "arrival_instructions": "Gate B, from 17:30",
    }
    assert {name: created[name] for name in expected} == expected
    assert created["answered_late"] is False and created["companions"] == []
    (event,) = events_of(app, "invitation.created")
    assert {name: event[name] for name in expected} == expected


def test_the_details_default_to_none_allowed(client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers)

    assert created["companions_allowed"] == 0
    assert created["representative_allowed"] is False
    assert created["reply_by"] is None and created["host"] is None


@pytest.mark.parametrize(
    ("details", "field"),
    [
        ({"companions_allowed": 21}, "companions_allowed"),
        ({"companions_allowed": -1}, "companions_allowed"),
        ({"companions_allowed": "2"}, "companions_allowed"),
        ({"reply_by": "next Friday"}, "reply_by"),
        ({"reply_by": "2027-02-30"}, "reply_by"),
        ({"host": "The Director\nGeneral"}, "host"),
        ({"dress_code": "x" * 201}, "dress_code"),
        ({"arrival_instructions": "y" * 501}, "arrival_instructions"),
        ({"representative_allowed": "perhaps"}, "representative_allowed"),
    ],
    ids=[
        "too-many",
        "negative",
        "text-number",
        "unparsable-date",
        "no-such-day",
        "two-line-host",
        "long-dress-code",
        "long-arrival",
        "not-boolean",
    ],
)
def test_bad_details_are_refused_naming_the_field(
    app, client, ceremony, organiser_headers, details, field
):
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={"invitees": [{**HEAD, **details}]},
        headers=organiser_headers,
    )

    assert response.status_code == 422
    assert field in response.json["errors"]["json"]["invitees"]["0"]
    assert events_of(app, "invitation.created") == []


def test_a_reply_by_date_after_the_ceremony_is_refused(app, client, ceremony, organiser_headers):
    late = (day_of(ceremony) + timedelta(days=1)).isoformat()
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={"invitees": [{**HEAD, "reply_by": late}]},
        headers=organiser_headers,
    )

    assert response.status_code == 422
    assert response.json["code"] == "invalid_reply_by"
    assert "reply_by" in response.json["errors"]["invitees"]["0"]
    assert events_of(app, "invitation.created") == []


# Companions


def test_accepting_with_companions_registers_each_in_the_delegation(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers, companions_allowed=2)

    response = answer(
        client, created, organiser_headers, answer="accept", companions=COMPANIONS, via="phone"
    )

    assert response.status_code == 200, response.json
    head_id = response.json["registration_id"]
    assert [c["full_name"] for c in response.json["companions"]] == [
        "Karim Diallo",
        "Helen Marsh",
    ]
    head, *companions = registrations(app)
    assert str(head.id) == head_id and head.delegation_of is None
    for companion in companions:
        assert companion.delegation_of == head.id
        assert (companion.category, companion.precedence) == ("dignitary", 2)
        assert companion.status == "confirmed" and companion.reserved
    confirmed = events_of(app, "registration.confirmed")
    assert [(e["email"], e["language"], e.get("delegation_of")) for e in confirmed] == [
        ("sg@example.org", "fr", None),
        ("karim@example.org", "fr", head_id),
        ("helen@example.org", "en", head_id),
    ]
    assert confirmed[1]["given_name"] == "Karim" and confirmed[1]["honorific"] == "M."


def test_a_companion_without_a_language_reads_the_invitations(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers, companions_allowed=1)
    companion = {"full_name": "Karim Diallo", "email": "karim@example.org"}

    answer(client, created, organiser_headers, answer="accept", companions=[companion])

    assert events_of(app, "registration.confirmed")[1]["language"] == "fr"


def test_answering_again_keeps_those_still_named_and_cancels_the_others(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers, companions_allowed=2)
    answer(client, created, organiser_headers, answer="accept", companions=COMPANIONS)

    same = answer(client, created, organiser_headers, answer="accept", companions=COMPANIONS)
    fewer = answer(client, created, organiser_headers, answer="accept", companions=COMPANIONS[:1])

    assert same.status_code == fewer.status_code == 200
    assert len(events_of(app, "registration.confirmed")) == 3
    (cancelled,) = events_of(app, "registration.cancelled")
    assert cancelled["email"] == "helen@example.org"
    assert [c["email"] for c in fewer.json["companions"]] == ["karim@example.org"]
    # Accepting without naming anyone (an answer by phone) keeps the companions.
    kept = answer(client, created, organiser_headers, answer="accept")
    assert [c["email"] for c in kept.json["companions"]] == ["karim@example.org"]


def test_declining_after_accepting_cancels_the_whole_delegation(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers, companions_allowed=2)
    answer(client, created, organiser_headers, answer="accept", companions=COMPANIONS)

    response = answer(client, created, organiser_headers, answer="decline", regrets="Travelling.")

    assert response.status_code == 200
    assert response.json["regrets"] == "Travelling." and response.json["companions"] == []
    assert {r.status for r in registrations(app)} == {"cancelled"}
    assert len(events_of(app, "registration.cancelled")) == 3


def test_withdrawing_cancels_the_companions_too(app, client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers, companions_allowed=1)
    answer(client, created, organiser_headers, answer="accept", companions=COMPANIONS[:1])

    client.post(f"/api/invitations/{created['id']}/withdraw", headers=organiser_headers)

    assert {r.status for r in registrations(app)} == {"cancelled"}


@pytest.mark.parametrize(
    ("allowed", "count", "message"),
    [(0, 1, "allows no companions"), (1, 2, "up to 1 companions")],
    ids=["none-allowed", "one-too-many"],
)
def test_more_companions_than_allowed_are_refused(
    app, client, ceremony, organiser_headers, allowed, count, message
):
    created = invite(client, ceremony, organiser_headers, companions_allowed=allowed)

    response = answer(
        client, created, organiser_headers, answer="accept", companions=COMPANIONS[:count]
    )

    assert response.status_code == 422
    assert response.json["code"] == "too_many_companions"
    assert message in response.json["errors"]["companions"][0]
    assert registrations(app) == []
    assert events_of(app, "invitation.accepted") == []


@pytest.mark.parametrize(
    ("companion", "field"),
    [
        ({"full_name": "Karim Diallo", "email": "not-an-address"}, "email"),
        ({"full_name": "Karim Diallo"}, "email"),
        ({"email": "karim@example.org"}, "full_name"),
        ({"given_name": " ", "family_name": "", "email": "karim@example.org"}, "full_name"),
        ({"full_name": "Karim\nDiallo", "email": "karim@example.org"}, "full_name"),
        ({"full_name": "Karim", "email": "karim@example.org", "language": "??"}, "language"),
    ],
    ids=["bad-email", "no-email", "no-name", "blank-name", "two-line-name", "bad-language"],
)
def test_a_bad_companion_is_refused_naming_the_field(
    app, client, ceremony, organiser_headers, companion, field
):
    created = invite(client, ceremony, organiser_headers, companions_allowed=2)

    response = answer(client, created, organiser_headers, answer="accept", companions=[companion])

    assert response.status_code == 422
    assert field in response.json["errors"]["json"]["companions"]["0"]
    assert registrations(app) == []


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("other@example.org", "Already invited"),
        ("public@example.org", "Already registered"),
        ("SG@example.org", "invitee's own address"),
        ("helen@example.org", "Same email as companion 0"),
    ],
    ids=["invited", "registered", "the-heads-own", "twice"],
)
def test_a_companion_whose_address_is_taken_is_refused(
    app, client, ceremony, organiser_headers, email, message
):
    created = invite(client, ceremony, organiser_headers, companions_allowed=2)
    client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={"invitees": [{"full_name": "Li Wei", "email": "other@example.org"}]},
        headers=organiser_headers,
    )
    assert register(client, ceremony["id"], "public@example.org").status_code == 201
    companions = [COMPANIONS[1], {**COMPANIONS[0], "email": email}]

    response = answer(client, created, organiser_headers, answer="accept", companions=companions)

    assert response.status_code == 422
    assert response.json["code"] == "delegate_email_taken"
    assert message in response.json["errors"]["companions"]["1"]["email"][0]
    assert [r.email for r in registrations(app)] == ["public@example.org"]


def test_companions_come_with_accept_only(client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers, companions_allowed=2)

    response = answer(client, created, organiser_headers, answer="decline", companions=COMPANIONS)

    assert response.status_code == 422
    assert "companions" in response.json["errors"]["json"]


# A representative


def test_a_representative_gets_the_registration_instead_of_the_invitee(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers, representative_allowed=True)
    stand_in = {"honorific": "Dr", "full_name": "Paul Mensah", "email": "paul@example.org"}

    response = answer(
        client, created, organiser_headers, answer="represent", representative=stand_in
    )

    assert response.status_code == 200, response.json
    assert response.json["status"] == "accepted"
    assert response.json["represented_by"] == "Paul Mensah"
    (registration,) = registrations(app)
    assert registration.email == "paul@example.org"
    assert str(registration.id) == response.json["registration_id"]
    assert (registration.category, registration.precedence) == ("dignitary", 2)
    (confirmed,) = events_of(app, "registration.confirmed")
    assert (confirmed["full_name"], confirmed["language"]) == ("Paul Mensah", "fr")
    (accepted,) = events_of(app, "invitation.accepted")
    assert accepted["represented_by"] == "Paul Mensah"


def test_accepting_after_sending_a_representative_seats_the_invitee_instead(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers, representative_allowed=True)
    stand_in = {"full_name": "Paul Mensah", "email": "paul@example.org"}
    answer(client, created, organiser_headers, answer="represent", representative=stand_in)

    response = answer(client, created, organiser_headers, answer="accept")

    assert response.json["represented_by"] is None
    live = [r.email for r in registrations(app) if r.status == "confirmed"]
    assert live == ["sg@example.org"]


def test_a_representative_where_none_is_allowed_is_refused(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers)
    stand_in = {"full_name": "Paul Mensah", "email": "paul@example.org"}

    response = answer(
        client, created, organiser_headers, answer="represent", representative=stand_in
    )

    assert response.status_code == 422
    assert response.json["code"] == "representative_not_allowed"
    assert "representative" in response.json["errors"]
    assert registrations(app) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"answer": "represent"}, "representative"),
        ({"answer": "represent", "representative": {"full_name": "Paul"}}, "representative"),
        (
            {"answer": "accept", "representative": {"full_name": "P", "email": "p@example.org"}},
            "representative",
        ),
        ({"answer": "accept", "regrets": "Sorry."}, "regrets"),
        ({"answer": "maybe"}, "answer"),
    ],
    ids=["none-named", "no-email", "with-accept", "regrets-with-accept", "unknown-answer"],
)
def test_an_answer_that_does_not_fit_is_refused(client, ceremony, organiser_headers, body, field):
    created = invite(client, ceremony, organiser_headers, representative_allowed=True)

    response = answer(client, created, organiser_headers, **body)

    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


def test_a_representative_already_registered_is_refused(app, client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers, representative_allowed=True)
    register(client, ceremony["id"], "paul@example.org")
    stand_in = {"full_name": "Paul Mensah", "email": "paul@example.org"}

    response = answer(
        client, created, organiser_headers, answer="represent", representative=stand_in
    )

    assert response.status_code == 422
    assert "Already registered" in response.json["errors"]["representative"]["email"][0]


# Regrets and the reply-by date


def test_regrets_are_kept_and_published(app, client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers)

    response = answer(
        client, created, organiser_headers, answer="decline", regrets="With my warm regards."
    )

    assert response.json["status"] == "declined"
    assert response.json["regrets"] == "With my warm regards."
    (declined,) = events_of(app, "invitation.declined")
    assert declined["regrets"] == "With my warm regards."


def test_after_the_reply_by_date_no_reminder_goes_out_and_answers_are_late(
    app, client, ceremony, organiser_headers
):
    yesterday = (date.today() - timedelta(days=2)).isoformat()
    late = invite(client, ceremony, organiser_headers, reply_by=yesterday)
    path = f"/api/ceremonies/{ceremony['id']}/invitations"
    on_time = client.post(
        path,
        json={"invitees": [{"full_name": "Li Wei", "email": "cg@example.org"}]},
        headers=organiser_headers,
    ).json[0]

    everyone = client.post(path + "/remind", json={"all_pending": True}, headers=organiser_headers)
    chosen = client.post(
        path + "/remind", json={"invitation_ids": [late["id"]]}, headers=organiser_headers
    )
    one = client.post(f"/api/invitations/{late['id']}/remind", headers=organiser_headers)

    assert everyone.json == {"reminded": 1, "skipped": 1, "invitation_ids": [on_time["id"]]}
    assert chosen.json["reminded"] == 0 and chosen.json["skipped"] == 1
    assert one.status_code == 409 and one.json["code"] == "reply_by_passed"
    assert [e["email"] for e in events_of(app, "invitation.reminded")] == ["cg@example.org"]
    accepted = client.post(rsvp_path(app, late["id"]), data={"answer": "accept"})
    assert accepted.status_code == 303
    shown = client.get(f"/api/invitations/{late['id']}", headers=organiser_headers).json
    assert shown["status"] == "accepted" and shown["answered_late"] is True
    assert events_of(app, "invitation.accepted")[0]["answered_late"] is True
    on_time_answer = answer(client, on_time, organiser_headers, answer="accept")
    assert on_time_answer.json["answered_late"] is False


# The RSVP page (in French)


def test_the_french_rsvp_page_says_what_the_invitation_allows(
    app, client, ceremony, organiser_headers
):
    created = invite(
        client,
        ceremony,
        organiser_headers,
        companions_allowed=2,
        representative_allowed=True,
        host="Le Directeur général de l'Institut",
        dress_code="Tenue de ville",
        arrival_instructions="Porte B, dès 17 h 30",
        reply_by=(day_of(ceremony) - timedelta(days=1)).isoformat(),
    )

    page = client.get(rsvp_path(app, created["id"])).get_data(as_text=True)

    assert '<html lang="fr">' in page
    assert "Vous pouvez venir accompagné(e) de 2 personnes au plus." in page
    assert "vous pouvez vous faire représenter" in page
    assert "Le Directeur général de l&#39;Institut" in page
    assert "Tenue de ville" in page and "Porte B, dès 17 h 30" in page
    assert "Merci de répondre avant le" in page
    assert page.count('name="companions-0-email"') == page.count('name="companions-1-email"') == 1
    assert 'name="companions-2-email"' not in page
    assert 'name="representative-email"' in page
    assert re.search(r'<button class="secondary" type="submit" name="decline"', page)
    assert 'class="danger"' not in page


def test_accepting_with_companions_on_the_french_page(app, client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers, companions_allowed=2)
    path = rsvp_path(app, created["id"])

    response = client.post(
        path,
        data={
            "answer": "accept",
            "companions-0-honorific": "M.",
            "companions-0-given_name": "Karim",
            "companions-0-family_name": "Diallo",
            "companions-0-email": "karim@example.org",
            "companions-0-language": "fr",
            # The second companion's fields are left empty: no one.
            "companions-1-given_name": "",
            "companions-1-email": "",
            "companions-1-language": "fr",
        },
    )

    assert response.status_code == 303
    emails = [e["email"] for e in events_of(app, "registration.confirmed")]
    assert emails == ["sg@example.org", "karim@example.org"]
    page = client.get(path).get_data(as_text=True)
    assert "Vos accompagnants" in page and "M. Karim Diallo" in page
    # The companion named is in the form again, so answering again keeps them.
    assert 'value="karim@example.org"' in page


def test_a_bad_companion_on_the_french_page_is_shown_beside_the_field(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers, companions_allowed=2)
    path = rsvp_path(app, created["id"])

    response = client.post(
        path,
        data={
            "answer": "accept",
            "companions-0-given_name": "Karim",
            "companions-0-email": "pas-une-adresse",
            "companions-1-email": "helen@example.org",
        },
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Veuillez corriger les champs signalés ci-dessous." in page
    assert re.search(r'id="companions-0-email-error">Saisissez une adresse électronique', page)
    assert 'id="companions-1-given_name-error">Veuillez indiquer le prénom' in page
    assert 'value="pas-une-adresse"' in page
    assert registrations(app) == []


def test_a_taken_companion_address_on_the_page_is_shown_beside_it(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers, companions_allowed=2)
    register(client, ceremony["id"], "karim@example.org")

    response = client.post(
        rsvp_path(app, created["id"]),
        data={
            "answer": "accept",
            "companions-1-given_name": "Karim",
            "companions-1-email": "karim@example.org",
        },
    )

    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'id="companions-1-email-error">Cette adresse est déjà invitée' in page


def test_sending_a_representative_and_declining_with_regrets_on_the_page(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers, representative_allowed=True)
    path = rsvp_path(app, created["id"])

    sent = client.post(
        path,
        data={
            "answer": "represent",
            "representative-given_name": "Paul",
            "representative-family_name": "Mensah",
            "representative-email": "paul@example.org",
            "representative-language": "en",
        },
    )
    page = client.get(path).get_data(as_text=True)
    declined = client.post(path, data={"answer": "decline", "regrets": "Avec mes regrets."})

    assert sent.status_code == declined.status_code == 303
    assert "<bdi>Paul Mensah</bdi> vous représentera." in page
    (confirmed,) = events_of(app, "registration.confirmed")
    assert (confirmed["email"], confirmed["language"]) == ("paul@example.org", "en")
    assert "Avec mes regrets." in client.get(path).get_data(as_text=True)
    assert [r.status for r in registrations(app)] == ["cancelled"]


def test_a_representative_without_a_name_on_the_page_is_refused(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers, representative_allowed=True)

    response = client.post(rsvp_path(app, created["id"]), data={"answer": "represent"})

    assert response.status_code == 422
    assert 'id="representative-given_name-error"' in response.get_data(as_text=True)
    assert registrations(app) == []


def test_a_representative_posted_where_none_is_allowed_gets_the_page_again(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers)

    response = client.post(
        rsvp_path(app, created["id"]),
        data={
            "answer": "represent",
            "representative-given_name": "Paul",
            "representative-email": "paul@example.org",
        },
    )

    assert response.status_code == 422
    assert "Cette invitation ne permet pas de se faire représenter." in response.get_data(
        as_text=True
    )
    assert 'name="representative-email"' not in response.get_data(as_text=True)


def test_an_import_gives_each_invitation_its_details(client, ceremony, organiser_headers):
    from datetime import date as day
    from io import BytesIO

    from openpyxl import Workbook

    ceremony_day = day.fromisoformat(ceremony["starts_at"][:10])
    book = Workbook()
    book.active.append(["Name", "Email", "Companions", "Representative", "Reply by", "Dress code"])
    book.active.append(["Amina Diallo", "amina@example.sn", 2, "yes", ceremony_day, "Lounge suit"])
    book.active.append(["Li Wei", "li@example.cn", "", "", "", ""])
    buffer = BytesIO()
    book.save(buffer)

    answer = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations/import",
        query_string={"send": "false"},
        data={"file": (BytesIO(buffer.getvalue()), "invitees.xlsx")},
        content_type="multipart/form-data",
        headers=organiser_headers,
    )

    assert answer.status_code == 201, answer.json
    details = [
        (i["companions_allowed"], i["representative_allowed"], i["reply_by"], i["dress_code"])
        for i in answer.json
    ]
    assert details == [
        (2, True, ceremony_day.isoformat(), "Lounge suit"),
        (0, False, None, None),
    ]
