"""Names in parts: given and family name kept apart, family-first order, a Latin
transliteration; through the API, the events, corrections, imports and acceptance."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from services.registration.models import Registration, outbox
from tests.registration.conftest import register


def events_of(app, event_type: str) -> list[dict]:
    with app.extensions["ceremony"].database.transaction() as session:
        rows = session.execute(select(outbox.c.body).where(outbox.c.event_type == event_type))
        return [json.loads(row.body)["data"] for row in rows]


def stored(app, registration_id: str) -> Registration:
    with app.extensions["ceremony"].database.transaction() as session:
        registration = session.get(Registration, uuid.UUID(registration_id))
        session.expunge(registration)
        return registration


PARTS = ("full_name", "given_name", "family_name", "family_first", "name_latin")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (
            {"given_name": "Helen", "family_name": "Marsh"},
            ("Helen Marsh", "Helen", "Marsh", False, None),
        ),
        (
            {"given_name": "建国", "family_name": "王", "family_first": True},
            ("王建国", "建国", "王", True, None),
        ),
        (
            {"given_name": "Anna", "family_name": "Kovács", "family_first": True},
            ("Kovács Anna", "Anna", "Kovács", True, None),
        ),
        (
            {"full_name": "محمد بن راشد", "name_latin": "Mohammed bin Rashid"},
            ("محمد بن راشد", None, None, False, "Mohammed bin Rashid"),
        ),
        # Both given: each is kept as typed.
        (
            {"full_name": "Dr. Helen  Marsh", "given_name": " Helen ", "family_name": "Marsh"},
            ("Dr. Helen  Marsh", "Helen", "Marsh", False, None),
        ),
        # A blank part is no part.
        ({"full_name": "Ada Guest", "given_name": "  "}, ("Ada Guest", None, None, False, None)),
    ],
    ids=["given-family", "chinese", "hungarian", "transliterated", "both", "blank-part"],
)
def test_the_name_is_stored_published_and_shown_in_its_parts(
    app, client, ceremony, given, expected
):
    body = {"email": "p@example.org", **given}
    answer = client.post(f"/api/ceremonies/{ceremony['id']}/registrations", json=body)

    assert answer.status_code == 201, answer.json
    assert tuple(answer.json[name] for name in PARTS) == expected
    (event,) = events_of(app, "registration.confirmed")
    assert tuple(event.get(name) for name in PARTS) == expected


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "full_name", "Missing data for required field."),
        ({"given_name": "", "family_name": " "}, "full_name", "Missing data for required field."),
        ({"family_name": "1234"}, "family_name", "Must contain a letter."),
        ({"given_name": "Ann\u202e", "family_name": "Lee"}, "given_name", "single line"),
        (
            {"full_name": "محمد", "name_latin": "محمد"},
            "name_latin",
            "Must be written in Latin letters",
        ),
        (
            {"full_name": "王建国", "name_latin": "Wang 建国"},
            "name_latin",
            "Must be written in Latin letters",
        ),
        ({"given_name": "a" * 101, "family_name": "Lee"}, "given_name", "Length"),
        (
            {"given_name": "a" * 100, "family_name": "b" * 100},
            "family_name",
            "longer than 200 characters",
        ),
        ({"full_name": "Ada", "family_first": "sometimes"}, "family_first", "Not a valid"),
    ],
    ids=[
        "no-name",
        "blank-parts",
        "no-letter",
        "bidi-override",
        "latin-in-arabic",
        "latin-mixed",
        "part-too-long",
        "whole-too-long",
        "order-not-boolean",
    ],
)
def test_a_bad_name_is_refused_naming_its_field(app, client, ceremony, body, field, message):
    answer = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations", json={"email": "p@example.org", **body}
    )

    assert answer.status_code == 422
    assert message in " ".join(answer.json["errors"]["json"][field])
    assert events_of(app, "registration.confirmed") == []


def test_correcting_a_part_writes_the_whole_name_again(app, client, ceremony, organiser_headers):
    created = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations",
        json={"given_name": "Helen", "family_name": "Marsh", "email": "h@example.org"},
    ).json
    path = f"/api/registrations/{created['id']}"

    renamed = client.patch(path, json={"family_name": "Marsh-Hale"}, headers=organiser_headers)
    reordered = client.patch(path, json={"family_first": True}, headers=organiser_headers)
    typed = client.patch(path, json={"full_name": "Helen M. Hale"}, headers=organiser_headers)

    assert [r.status_code for r in (renamed, reordered, typed)] == [200, 200, 200]
    assert [e["full_name"] for e in events_of(app, "registration.updated")] == [
        "Helen Marsh-Hale",
        "Marsh-Hale Helen",
        "Helen M. Hale",
    ]
    assert [sorted(e["changed"]) for e in events_of(app, "registration.updated")] == [
        ["family_name", "full_name"],
        ["family_first", "full_name"],
        ["full_name"],
    ]


def test_a_transliteration_is_corrected_and_found_by_search(
    app, client, ceremony, organiser_headers
):
    created = register(client, ceremony["id"], "r@example.ae", full_name="محمد بن راشد").json
    answer = client.patch(
        f"/api/registrations/{created['id']}",
        json={"name_latin": "Mohammed bin Rashid"},
        headers=organiser_headers,
    )

    assert answer.status_code == 200 and answer.json["name_latin"] == "Mohammed bin Rashid"
    assert stored(app, created["id"]).search_key == "محمد بن راشد mohammed bin rashid r@example.ae"


def test_an_accepted_invitation_gives_its_registration_the_name_in_parts(
    app, client, ceremony, organiser_headers
):
    invitee = {
        "given_name": "建国",
        "family_name": "王",
        "family_first": True,
        "name_latin": "Wang Jianguo",
        "honorific": "H.E.",
        "email": "wang@example.cn",
        "language": "zh",
    }
    (invitation,) = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={"invitees": [invitee]},
        headers=organiser_headers,
    ).json
    assert (invitation["full_name"], invitation["name_latin"]) == ("王建国", "Wang Jianguo")

    answer = client.post(
        f"/api/invitations/{invitation['id']}/answer",
        json={"answer": "accept"},
        headers=organiser_headers,
    )

    assert answer.status_code == 200, answer.json
    (confirmed,) = events_of(app, "registration.confirmed")
    assert tuple(confirmed[name] for name in PARTS) == (
        "王建国",
        "建国",
        "王",
        True,
        "Wang Jianguo",
    )
    (accepted,) = events_of(app, "invitation.accepted")
    assert (accepted["given_name"], accepted["family_name"]) == ("建国", "王")


def test_an_import_keeps_given_and_family_names_apart(client, ceremony, organiser_headers):
    book = Workbook()
    book.active.append(["Prénom", "Nom", "Courriel", "Translittération", "Nom en premier"])
    book.active.append(["Helen", "Marsh", "helen@example.org", "", ""])
    book.active.append(["建国", "王", "wang@example.cn", "Wang Jianguo", "yes"])
    buffer = io.BytesIO()
    book.save(buffer)

    answer = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations/import",
        query_string={"send": "false"},
        data={"file": (io.BytesIO(buffer.getvalue()), "invitees.xlsx")},
        content_type="multipart/form-data",
        headers=organiser_headers,
    )

    assert answer.status_code == 201, answer.json
    assert [tuple(i[name] for name in PARTS) for i in answer.json] == [
        ("Helen Marsh", "Helen", "Marsh", False, None),
        ("王建国", "建国", "王", True, "Wang Jianguo"),
    ]


def test_an_import_row_with_a_transliteration_in_another_script_is_named(
    client, ceremony, organiser_headers
):
    content = "name,email,transliteration\nمحمد,m@example.ae,محمد\n".encode()
    answer = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations/import",
        data={"file": (io.BytesIO(content), "invitees.csv")},
        content_type="multipart/form-data",
        headers=organiser_headers,
    )

    assert answer.status_code == 422
    assert "name_latin" in json.dumps(answer.json)
