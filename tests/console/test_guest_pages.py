"""The guests pages: the table (search in any script, filters, sorts, pages), a guest's page
with its correction (the badge redrawn, the event published), cancel, resend, history, and
registering a guest by hand."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import select

from services.registration.models import outbox
from tests.console.harness import ConsoleWorld, error_beside, text_of

GUESTS = [
    {
        "full_name": "Élise Fernández",
        "email": "elise@example.org",
        "organisation": "Université de Genève",
    },
    {
        "full_name": "王小明",
        "email": "wang@example.cn",
        "organisation": "外交部",
        "category": "press",
    },
    {"full_name": "Amina Diallo", "email": "amina@example.sn", "organisation": "Ministère"},
]


@pytest.fixture
def world(tmp_path):
    world = ConsoleWorld(tmp_path, capacity=500)
    world.ids = {}
    for guest in GUESTS:
        answer = world.api("POST", f"/api/ceremonies/{world.ceremony_id}/registrations", json=guest)
        world.ids[guest["email"]] = answer.json["id"]
    yield world
    world.close()


def guests_page(world, **query):
    return world.browser("registration").get(
        f"/console/ceremonies/{world.ceremony_id}/guests", query_string=query
    )


def events_of(world, event_type: str) -> list[dict]:
    database = world.apps["registration"].extensions["ceremony"].database
    with database.transaction() as session:
        rows = session.execute(select(outbox.c.body).where(outbox.c.event_type == event_type))
        return [json.loads(row.body)["data"] for row in rows]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("universite", "Élise Fernández"),  # accents and case folded
        ("fernandez", "Élise Fernández"),
        ("小明", "王小明"),
        ("外交", "王小明"),
        ("amina@example", "Amina Diallo"),
    ],
)
def test_the_search_finds_names_organisations_and_emails_in_any_script(world, query, found):
    page = text_of(guests_page(world, q=query).text)
    assert found in page and "1 result" in page


def test_filters_and_the_htmx_fragment(world):
    press = guests_page(world, category="press").text
    fragment = world.browser("registration").get(
        f"/console/ceremonies/{world.ceremony_id}/guests",
        query_string={"q": "amina"},
        headers={"HX-Request": "true"},
    )
    assert "王小明" in press and "Amina" not in press
    assert "<html" not in fragment.text and "Amina Diallo" in fragment.text


def test_the_table_is_paginated_on_the_server(tmp_path):
    world = ConsoleWorld(tmp_path, capacity=500)
    try:
        for number in range(53):
            world.api(
                "POST",
                f"/api/ceremonies/{world.ceremony_id}/registrations",
                json={"full_name": f"Guest {number:02}", "email": f"g{number}@example.org"},
            )
        first = text_of(guests_page(world, sort="name").text)
        second = text_of(guests_page(world, sort="name", page=2).text)
        assert "Page 1 of 2" in first and "53 results" in first
        assert "Guest 00" in first and "Guest 52" not in first and "Guest 52" in second
    finally:
        world.close()


def test_correcting_a_name_publishes_the_update_and_redraws_the_badge(world):
    guest = world.ids["amina@example.sn"]
    path = f"/console/ceremonies/{world.ceremony_id}/guests/{guest}"
    answer = world.browser("registration").post(
        path, data=world.form(full_name="Amina Diallo Sow", honorific="Dr", category="guest")
    )
    assert answer.status_code == 303
    page = world.browser("registration").get(answer.headers["Location"]).text
    assert "the guest is emailed the updated badge" in text_of(page)
    updated = events_of(world, "registration.updated")
    assert [(e["full_name"], e["revision"], sorted(e["changed"])) for e in updated] == [
        ("Amina Diallo Sow", 1, ["full_name", "honorific"])
    ]
    world.pump()
    badge = world.client("badges").get(f"/api/registrations/{guest}/badge", headers=world.admin)
    assert badge.status_code == 200
    history = text_of(world.browser("registration").get(path).text)
    assert "registration.corrected" in history and "Olga Organiser" in history


def test_saving_unchanged_details_publishes_nothing(world):
    guest = world.ids["elise@example.org"]
    path = f"/console/ceremonies/{world.ceremony_id}/guests/{guest}"
    form = dict(full_name="Élise Fernández", organisation="Université de Genève", category="guest")
    answer = world.browser("registration").post(path, data=world.form(**form))
    assert answer.status_code == 303 and "done=unchanged" in answer.headers["Location"]
    assert events_of(world, "registration.updated") == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("full_name", "", "Must not be blank."),
        ("precedence", "first", "Not a valid integer."),
        ("category", "dignitary", "Moves the guest between protocol and public seats."),
        ("honorific", "Dr\u202e", "Must be a single line"),
    ],
)
def test_a_bad_correction_is_named_beside_its_field_and_saves_nothing(world, field, value, message):
    guest = world.ids["amina@example.sn"]
    form = {"full_name": "Amina Diallo", "category": "guest", field: value}
    answer = world.browser("registration").post(
        f"/console/ceremonies/{world.ceremony_id}/guests/{guest}", data=world.form(**form)
    )
    assert answer.status_code == 422
    assert message in (error_beside(answer.text, field) or "")
    assert f'value="{value}"' in answer.text or value == ""
    assert events_of(world, "registration.updated") == []


def test_cancel_resend_and_link_from_the_guests_page(world):
    guest = world.ids["elise@example.org"]
    base = f"/console/ceremonies/{world.ceremony_id}/guests/{guest}"
    browser = world.browser("registration")
    resent = browser.post(f"{base}/resend", data=world.form())
    linked = browser.post(f"{base}/link", data=world.form())
    cancelled = browser.post(f"{base}/cancel", data=world.form())
    assert [r.status_code for r in (resent, linked, cancelled)] == [303, 303, 303]
    assert len(events_of(world, "registration.confirmation_resent")) == 1
    assert len(events_of(world, "registration.link_requested")) == 1
    assert [e["registration_id"] for e in events_of(world, "registration.cancelled")] == [guest]
    again = browser.post(f"{base}/resend", data=world.form())
    assert again.status_code == 409


def test_registering_a_guest_by_hand_seats_a_dignitary(world):
    answer = world.browser("registration").post(
        f"/console/ceremonies/{world.ceremony_id}/guests/new",
        data=world.form(
            full_name="H.E. Li Wei", email="li@example.cn", category="dignitary", precedence="1"
        ),
    )
    assert answer.status_code == 303
    page = text_of(world.browser("registration").get(answer.headers["Location"]).text)
    assert "protocol seat" in page and "The guest is registered." in page


def test_registering_by_hand_with_a_bad_email_keeps_what_was_typed(world):
    answer = world.browser("registration").post(
        f"/console/ceremonies/{world.ceremony_id}/guests/new",
        data=world.form(full_name="Grace Hopper", email="grace@", organisation="Navy"),
    )
    assert answer.status_code == 422 and error_beside(answer.text, "email")
    assert 'value="Grace Hopper"' in answer.text and 'value="Navy"' in answer.text


def test_a_viewer_reads_the_guests_but_cannot_correct_them(world):
    account = str(uuid.uuid4())
    world.grant(account, "viewer")
    viewer = world.signer.issue_session(account)
    csrf = world.signer.csrf_token(world.signer.verify_token(viewer))
    guest = world.ids["amina@example.sn"]
    browser = world.browser("registration", viewer)
    path = f"/console/ceremonies/{world.ceremony_id}/guests/{guest}"
    assert browser.get(path).status_code == 200
    refused = browser.post(path, data={"csrf_token": csrf, "full_name": "X"})
    assert refused.status_code == 403 and events_of(world, "registration.updated") == []
    assert 'name="full_name"' not in browser.get(path).text


def test_an_unknown_guest_or_one_of_another_ceremony_is_not_found(world):
    path = f"/console/ceremonies/{world.ceremony_id}/guests/{uuid.uuid4()}"
    assert world.browser("registration").get(path).status_code == 404


def test_an_admission_at_the_door_shows_as_the_arrival_and_sorts_the_table(world):
    from datetime import UTC, datetime

    from services.registration.handlers import on_checkin_recorded
    from shared.events import make_envelope, parse_envelope

    guest = world.ids["amina@example.sn"]
    at = datetime(2026, 12, 16, 8, 5, tzinfo=UTC)
    data = {
        "checkin_id": uuid.uuid4(),
        "ceremony_id": world.ceremony_id,
        "registration_id": guest,
        "gate": "North",
        "direction": "in",
        "at": at,
        "guest": {"full_name": "Amina Diallo", "category": "guest"},
    }
    event = parse_envelope(make_envelope("checkin.recorded", data, "badges"))
    database = world.apps["registration"].extensions["ceremony"].database
    for _ in range(2):  # a redelivery keeps the first time
        with database.transaction() as session:
            on_checkin_recorded(session, event)
    rows = text_of(guests_page(world, sort="arrival").text).split("Arrived", 1)[1]
    assert rows.index("Amina Diallo") < rows.index("Élise")
    assert "Dec 16, 2026 09:05" in rows  # Europe/Paris


def test_the_guests_export_as_csv_with_a_bom_and_as_xlsx(world):
    import csv
    import io

    from openpyxl import load_workbook

    world.api(
        "POST",
        f"/api/ceremonies/{world.ceremony_id}/registrations",
        json={"full_name": "=HYPERLINK(1)", "email": "formula@example.org"},
    )
    base = f"/console/ceremonies/{world.ceremony_id}/exports/guests"
    answer = world.browser("registration").get(base + ".csv")
    assert answer.data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    names = [row[1] for row in rows[1:]]
    assert rows[0][:3] == ["Honorific", "Full name", "Email"]
    assert {"Élise Fernández", "王小明", "'=HYPERLINK(1)"} <= set(names)
    disposition = answer.headers["Content-Disposition"]
    assert "closing-ceremony-" in disposition and disposition.endswith("-guests.csv")
    workbook = world.browser("registration").get(base + ".xlsx", query_string={"category": "press"})
    sheet = load_workbook(io.BytesIO(workbook.data), read_only=True).worksheets[0]
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert len(values) == 2 and values[1][1] == "王小明"


def test_approvals_approve_and_decline_the_ticked_requests(tmp_path):
    world = ConsoleWorld(tmp_path / "approval", registration_mode="approval", capacity=10)
    try:
        public = world.client("registration")
        for name in ("Ada Lovelace", "Alan Turing", "Grace Hopper"):
            asked = public.post(
                f"/api/ceremonies/{world.ceremony_id}/registrations",
                json={"full_name": name, "email": f"{name.split()[0].lower()}@example.org"},
            )
            assert asked.status_code == 202, asked.json
        path = f"/console/ceremonies/{world.ceremony_id}/approvals"
        page = world.browser("registration").get(path).text
        ids = re.findall(r'name="request_id" value="([^"]+)"', page)
        assert len(ids) == 3
        approved = world.browser("registration").post(
            path, data=world.form(decision="approve", request_id=ids[:2])
        )
        declined = world.browser("registration").post(
            path, data=world.form(decision="decline", request_id=ids[2])
        )
        nothing = world.browser("registration").post(path, data=world.form(decision="approve"))
        assert "2 requests decided." in text_of(approved.text)
        assert declined.status_code == 200 and nothing.status_code == 422
        assert len(events_of(world, "registration.confirmed")) == 2
        assert len(events_of(world, "registration.request_declined")) == 1
        assert "No request is waiting." in text_of(world.browser("registration").get(path).text)
    finally:
        world.close()
