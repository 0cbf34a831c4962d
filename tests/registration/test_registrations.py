"""Registration rules through the API: seats, waitlist, cancellation, promotion, access."""

from __future__ import annotations

import csv
import io
import json
import uuid

from sqlalchemy import select

from services.registration.models import outbox
from tests.registration.conftest import register


def event_types(app) -> list[str]:
    with app.extensions["ceremony"].database.transaction() as session:
        return [
            json.loads(body)["type"]
            for body in session.execute(select(outbox.c.body).order_by(outbox.c.id)).scalars()
        ]


def capability(created: dict) -> dict[str, str]:
    return {"Authorization": f"Bearer {created['manage_url'].rsplit('/', 1)[1]}"}


def test_first_guests_are_confirmed_then_waitlisted(client, ceremony):
    statuses = [
        register(client, ceremony["id"], f"g{n}@example.org").json["status"] for n in range(3)
    ]
    assert statuses == ["confirmed", "confirmed", "waitlisted"]


def test_registration_stores_its_event_in_the_same_transaction(app, client, ceremony):
    register(client, ceremony["id"], "a@example.org")
    register(client, ceremony["id"], "b@example.org")
    register(client, ceremony["id"], "c@example.org")
    assert event_types(app) == [
        "ceremony.created",
        "registration.confirmed",
        "registration.confirmed",
        "registration.waitlisted",
    ]


def test_same_email_in_other_case_is_already_registered(client, ceremony):
    register(client, ceremony["id"], "ada@example.org")
    response = register(client, ceremony["id"], "ADA@Example.org")
    assert response.status_code == 409
    assert response.json["code"] == "already_registered"
    assert "email" in response.json["errors"]


def test_cancelling_frees_the_seat_for_the_first_waitlisted(app, client, ceremony):
    first = register(client, ceremony["id"], "a@example.org").json
    register(client, ceremony["id"], "b@example.org")
    waiting = register(client, ceremony["id"], "c@example.org").json
    register(client, ceremony["id"], "d@example.org")
    response = client.post(f"/api/registrations/{first['id']}/cancel", headers=capability(first))
    assert response.status_code == 200
    assert response.json["status"] == "cancelled"
    promoted = client.get(f"/api/registrations/{waiting['id']}", headers=capability(waiting)).json
    assert promoted["status"] == "confirmed"
    assert event_types(app)[-2:] == ["registration.cancelled", "registration.confirmed"]


def test_cancelling_twice_changes_nothing_the_second_time(app, client, ceremony):
    created = register(client, ceremony["id"], "a@example.org").json
    client.post(f"/api/registrations/{created['id']}/cancel", headers=capability(created))
    before = event_types(app)
    again = client.post(f"/api/registrations/{created['id']}/cancel", headers=capability(created))
    assert again.status_code == 200
    assert event_types(app) == before


def test_a_cancelled_guest_may_register_again(client, ceremony):
    created = register(client, ceremony["id"], "a@example.org").json
    client.post(f"/api/registrations/{created['id']}/cancel", headers=capability(created))
    assert register(client, ceremony["id"], "a@example.org").status_code == 201


def test_guests_may_not_choose_protocol_categories(client, ceremony):
    response = register(client, ceremony["id"], "a@example.org", category="dignitary")
    assert response.status_code == 422
    assert response.json["code"] == "category_not_allowed"
    assert "category" in response.json["errors"]


def test_organisers_register_dignitaries_on_protocol_seats(client, ceremony, organiser_headers):
    for n in range(2):
        register(client, ceremony["id"], f"g{n}@example.org")
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations",
        json={
            "full_name": "Amina Diallo",
            "email": "sg@example.org",
            "honorific": "H.E.",
            "category": "dignitary",
            "precedence": 1,
        },
        headers=organiser_headers,
    )
    assert response.status_code == 201
    assert response.json["status"] == "confirmed"
    assert response.json["reserved"] is True


def test_a_capability_never_reveals_another_guest(client, ceremony):
    mine = register(client, ceremony["id"], "a@example.org").json
    theirs = register(client, ceremony["id"], "b@example.org").json
    response = client.get(f"/api/registrations/{theirs['id']}", headers=capability(mine))
    assert response.status_code == 403
    assert "b@example.org" not in response.get_data(as_text=True)


def test_reading_a_registration_needs_a_token(client, ceremony):
    created = register(client, ceremony["id"], "a@example.org").json
    assert client.get(f"/api/registrations/{created['id']}").status_code == 401
    forged = {"Authorization": "Bearer not-a-token"}
    assert client.get(f"/api/registrations/{created['id']}", headers=forged).status_code == 401


def test_staff_may_not_list_registrations(client, ceremony, staff_headers):
    url = f"/api/ceremonies/{ceremony['id']}/registrations"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=staff_headers).status_code == 403


def test_organiser_list_filters_by_status_and_category(client, ceremony, organiser_headers):
    register(client, ceremony["id"], "a@example.org", category="press")
    register(client, ceremony["id"], "b@example.org")
    register(client, ceremony["id"], "c@example.org")
    url = f"/api/ceremonies/{ceremony['id']}/registrations"
    waitlisted = client.get(url, query_string={"status": "waitlisted"}, headers=organiser_headers)
    assert [r["email"] for r in waitlisted.json] == ["c@example.org"]
    press = client.get(url, query_string={"category": "press"}, headers=organiser_headers)
    assert [r["email"] for r in press.json] == ["a@example.org"]


def test_csv_export_neutralises_formulas(client, ceremony, organiser_headers):
    register(client, ceremony["id"], "a@example.org", full_name='=HYPERLINK("x")')
    response = client.get(
        f"/api/ceremonies/{ceremony['id']}/registrations.csv", headers=organiser_headers
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0]["full_name"] == '\'=HYPERLINK("x")'
    assert rows[0]["email"] == "a@example.org"


def test_csv_export_is_safe_in_a_spreadsheet_that_splits_on_semicolons(
    client, ceremony, organiser_headers
):
    register(client, ceremony["id"], "a@example.org", full_name="Ada;=cmd|' /C calc'!A0")
    register(client, ceremony["id"], "b@example.org", full_name="Bo, +SUM(A1)")
    text = client.get(
        f"/api/ceremonies/{ceremony['id']}/registrations.csv", headers=organiser_headers
    ).get_data(as_text=True)
    for delimiter in (",", ";"):
        # What a spreadsheet ignoring the quotes would make of every line.
        for line in text.splitlines():
            for cell in line.replace('"', "").split(delimiter):
                assert cell.strip()[:1] not in ("=", "+", "-", "@"), (delimiter, cell)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["full_name"] for r in rows] == ["Ada;'=cmd|' /C calc'!A0", "Bo, '+SUM(A1)"]


def test_registration_closes_when_the_ceremony_has_started(client, organiser_headers):
    from datetime import UTC, datetime, timedelta

    from tests.registration.conftest import ceremony_body

    past = datetime.now(UTC) - timedelta(hours=1)
    created = client.post(
        "/api/ceremonies",
        json=ceremony_body(
            starts_at=past.isoformat(), ends_at=(past + timedelta(hours=3)).isoformat()
        ),
        headers=organiser_headers,
    ).json
    response = register(client, created["id"], "late@example.org")
    assert response.status_code == 409
    assert response.json["code"] == "registration_closed"


def count_seats_taken(session, ceremony_id: uuid.UUID) -> int:
    """Confirmed guests on public seats, counted (to check ``Ceremony.seats_taken``)."""
    from sqlalchemy import func, select

    from services.registration.models import Registration

    query = select(func.count()).where(
        Registration.ceremony_id == ceremony_id,
        Registration.status == "confirmed",
        Registration.reserved.is_(False),
    )
    return session.execute(query).scalar_one()


def test_the_seat_counter_matches_the_registrations(app, client, ceremony, organiser_headers):
    from services.registration.ceremonies import get_ceremony

    made = [register(client, ceremony["id"], f"g{n}@example.org").json for n in range(4)]
    client.post(f"/api/registrations/{made[0]['id']}/cancel", headers=capability(made[0]))
    client.post(f"/api/registrations/{made[3]['id']}/cancel", headers=capability(made[3]))
    client.patch(
        f"/api/ceremonies/{ceremony['id']}", json={"capacity": 5}, headers=organiser_headers
    )
    ceremony_id = uuid.UUID(ceremony["id"])
    with app.extensions["ceremony"].database.transaction() as session:
        kept = get_ceremony(session, ceremony_id).seats_taken
        assert kept == count_seats_taken(session, ceremony_id) == 2


def test_names_in_scripts_that_join_with_zero_width_characters_are_accepted(client, ceremony):
    # Persian writes some words with a zero-width non-joiner between letters.
    response = register(client, ceremony["id"], "mehr@example.org", full_name="مهر\u200cآرا")
    assert response.status_code == 201, response.json
    assert response.json["full_name"] == "مهر\u200cآرا"
