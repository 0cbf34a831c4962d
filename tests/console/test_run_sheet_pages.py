"""The printing page, usher charts, place cards and the run sheet in the console: who may open
them, what they show (names as announced, seats, the door's status in the ceremony's time
zone), the live fragment announcing a speaker's arrival, and what bad input gets."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pypdfium2
import pytest

from services.registration.handlers import on_checkin_recorded
from services.registration.models import Ceremony, SeatAssignment
from shared.events import make_envelope, parse_envelope
from tests.console.harness import ConsoleWorld, error_beside, text_of

GUESTS = {
    "amina": {
        "full_name": "Amina Diallo",
        "honorific": "H.E. Ms",
        "job_title": "Director General",
        "category": "speaker",
        "precedence": 1,
        "email": "amina@example.sn",
    },
    "wang": {
        "full_name": "王建国",
        "given_name": "建国",
        "family_name": "王",
        "family_first": True,
        "honorific": "H.E.",
        "name_latin": "Wang Jianguo",
        "language": "zh",
        "category": "dignitary",
        "precedence": 2,
        "email": "wang@example.cn",
    },
    "rashid": {
        "full_name": "محمد بن راشد",
        "given_name": "محمد",
        "family_name": "بن راشد",
        "honorific": "H.E.",
        "name_latin": "Mohammed bin Rashid",
        "job_title": "Consul General",
        "language": "ar",
        "category": "speaker",
        "precedence": 3,
        "email": "rashid@example.ae",
    },
    "elise": {"full_name": "Élise Fernández", "email": "elise@example.org"},
}
LAYOUT = {
    "name": "Grand Hall",
    "stage": "Stage",
    "sections": [{"name": "A", "aisles_after": [2]}, {"name": "B"}],
    "seats": [
        {"section": section, "row": str(row), "number": number, "accessible": number == 1}
        for section in "AB"
        for row in (1, 2)
        for number in (1, 2, 3, 4)
    ],
}
SEATS = {"amina": "A:1:2", "wang": "A:1:3", "rashid": "A:2:1", "elise": "B:1:1"}
BLOCKS = [
    {"name": "Dignitaries", "categories": ["dignitary", "speaker"], "section": "A"},
    {"name": "Guests", "categories": ["guest"], "section": "B"},
]


def build_hall(world: ConsoleWorld) -> None:
    """The guests registered, the hall laid out, everyone seated, and a programme in which
    Amina Diallo and Mohammed bin Rashid speak."""
    path = f"/api/ceremonies/{world.ceremony_id}"
    world.ids = {
        key: world.api("POST", path + "/registrations", json=guest).json["id"]
        for key, guest in GUESTS.items()
    }
    database = world.apps["registration"].extensions["ceremony"].database
    with database.transaction() as session:
        ceremony = session.get(Ceremony, uuid.UUID(world.ceremony_id))
        ceremony.layout, ceremony.blocks = LAYOUT, BLOCKS
        world.starts_at = ceremony.starts_at
        for key, seat in SEATS.items():
            session.add(
                SeatAssignment(
                    ceremony_id=ceremony.id, registration_id=uuid.UUID(world.ids[key]), seat_id=seat
                )
            )
    opening = world.starts_at + timedelta(minutes=10)
    programme = [
        {"title": "Welcome", "speaker": "The master of ceremonies"},
        {
            "title": "Opening address",
            "starts_at": opening.isoformat(),
            "registration_id": world.ids["amina"],
        },
        {
            "title": "Closing remarks",
            "starts_at": (opening + timedelta(minutes=20)).isoformat(),
            "registration_id": world.ids["rashid"],
        },
    ]
    world.api("PATCH", path, json={"programme": programme})


def record_arrival(world: ConsoleWorld, key: str, at: datetime) -> None:
    """The door admits a guest: ``checkin.recorded`` through the registration's handler."""
    data = {
        "checkin_id": uuid.uuid4(),
        "ceremony_id": world.ceremony_id,
        "registration_id": world.ids[key],
        "gate": "North",
        "direction": "in",
        "at": at,
        "guest": {"full_name": GUESTS[key]["full_name"], "category": "speaker"},
    }
    event = parse_envelope(make_envelope("checkin.recorded", data, "badges"))
    with world.apps["registration"].extensions["ceremony"].database.transaction() as session:
        on_checkin_recorded(session, event)


@pytest.fixture
def world(tmp_path):
    world = ConsoleWorld(tmp_path, capacity=50)
    build_hall(world)
    yield world
    world.close()


def console(world, path: str, token: str | None = None, **kwargs):
    return world.browser("registration", token).get(
        f"/console/ceremonies/{world.ceremony_id}{path}", **kwargs
    )


def pdf_pages(response) -> list[str]:
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    document = pypdfium2.PdfDocument(response.data)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def account_with(world, role: str) -> str:
    account = str(uuid.uuid4())
    world.grant(account, role)
    return world.signer.issue_session(account, name=role)


# -- who may open them -------------------------------------------------------------------------

PAGES = [
    "/printing",
    "/usher-charts.pdf",
    "/place-cards.pdf",
    "/run-sheet",
    "/run-sheet/status",
    "/run-sheet.pdf",
    "/exports/seats.csv",
    "/exports/seats.xlsx",
]


def test_the_protocol_role_opens_every_page_and_the_viewer_and_door_roles_are_refused(world):
    protocol, viewer, door = (account_with(world, role) for role in ("protocol", "viewer", "door"))
    for path in PAGES:
        assert console(world, path, protocol).status_code == 200, path
        for token in (viewer, door):
            refused = console(world, path, token)
            assert refused.status_code == 403, path
            assert "does not allow this page" in text_of(refused.text)


def test_without_a_session_the_pages_send_to_sign_in(world):
    client = world.client("registration")
    response = client.get(f"/console/ceremonies/{world.ceremony_id}/run-sheet")
    assert response.status_code == 303 and "/sign-in" in response.headers["Location"]
    fragment = client.get(
        f"/console/ceremonies/{world.ceremony_id}/run-sheet/status",
        headers={"HX-Request": "true"},
    )
    assert fragment.status_code == 401 and "/sign-in" in fragment.headers["HX-Redirect"]


def test_the_menu_links_the_printing_page_and_the_run_sheet_for_protocol_only(world):
    owner = console(world, "/guests").text
    assert "/run-sheet" in owner and "/printing" in owner
    viewer = console(world, "/guests", account_with(world, "viewer")).text
    assert "/run-sheet" not in viewer and "/printing" not in viewer


def test_an_unknown_ceremony_is_not_found(world):
    response = world.browser("registration").get(f"/console/ceremonies/{uuid.uuid4()}/run-sheet")
    assert response.status_code in (403, 404)


# -- printing ----------------------------------------------------------------------------------


def test_the_printing_page_lists_the_charts_the_cards_and_the_seated_guests(world):
    page = text_of(console(world, "/printing").text)
    assert "Usher charts (PDF)" in page and "Place cards (PDF)" in page
    assert "Amina Diallo Section A · Row 1 · Seat 2" in page
    assert "Block Dignitaries" in page


def test_the_usher_charts_print_each_section_with_its_names(world):
    first, second = pdf_pages(console(world, "/usher-charts.pdf"))
    assert "Section A" in first and "Section B" in second
    assert {"H.E. Ms Amina Diallo", "王建国阁下", "سعادة محمد بن راشد"} <= set(first.splitlines())
    assert "Élise Fernández" in second.splitlines()


def test_the_seat_list_downloads_as_csv_and_xlsx_from_the_printing_page(world):
    import csv
    import io

    from openpyxl import load_workbook

    page = console(world, "/printing").text
    assert "/exports/seats.csv" in page and "/exports/seats.xlsx" in page
    response = console(world, "/exports/seats.csv")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][:6] == ["seat", "section", "row", "number", "block", "name"]
    assert [row[5] for row in rows[1:]] == [
        "Amina Diallo",
        "王建国",
        "محمد بن راشد",
        "Élise Fernández",
    ]
    assert rows[1][4] == "Dignitaries" and rows[4][4] == "Guests"
    sheet = load_workbook(io.BytesIO(console(world, "/exports/seats.xlsx").data)).active
    assert [cell.value for cell in sheet[3]][:6] == [
        "Section A · Row 1 · Seat 3",
        "A",
        "1",
        3,
        "Dignitaries",
        "王建国",
    ]


def test_without_a_layout_there_is_no_chart_to_print(world):
    with world.apps["registration"].extensions["ceremony"].database.transaction() as session:
        session.get(Ceremony, uuid.UUID(world.ceremony_id)).layout = None
    response = console(world, "/usher-charts.pdf")
    assert response.status_code == 409 and "no venue layout" in text_of(response.text)


def test_place_cards_for_everyone_seated_in_their_own_language(world):
    pages = pdf_pages(console(world, "/place-cards.pdf", query_string={"size": "A5"}))
    names = [page.splitlines()[0] for page in pages]
    assert names == ["H.E. Ms Amina Diallo", "王建国阁下", "سعادة محمد بن راشد", "Élise Fernández"]
    assert pages[1].splitlines().count("Wang Jianguo") == 2


def test_place_cards_for_a_block_or_for_chosen_guests(world):
    block = pdf_pages(console(world, "/place-cards.pdf", query_string={"block": "Guests"}))
    assert [page.splitlines()[0] for page in block] == ["Élise Fernández"]
    chosen = console(
        world,
        "/place-cards.pdf",
        query_string={"registration_id": [world.ids["rashid"], world.ids["amina"]]},
    )
    assert [page.splitlines()[0] for page in pdf_pages(chosen)] == [
        "سعادة محمد بن راشد",
        "H.E. Ms Amina Diallo",
    ]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"size": "A3"}, "size", "Choose A4 or A5."),
        ({"block": "Balcony"}, "block", "There is no block named Balcony."),
        ({"registration_id": "not-an-id"}, "registration_id", "Not a guest of this ceremony."),
        (
            {"registration_id": str(uuid.uuid4())},
            "registration_id",
            "Not a guest of this ceremony.",
        ),
    ],
)
def test_bad_place_card_choices_come_back_beside_their_field(world, query, field, message):
    response = console(world, "/place-cards.pdf", query_string=query)
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert error_beside(response.text, field) == message


def test_a_guest_of_another_ceremony_gets_no_card_here(world):
    other = world.api("POST", "/api/ceremonies", json={**_ceremony_fields(), "title": "Other"})
    stranger = world.api(
        "POST",
        f"/api/ceremonies/{other.json['id']}/registrations",
        json={"full_name": "Ada Stranger", "email": "ada@example.org"},
    ).json["id"]
    response = console(world, "/place-cards.pdf", query_string={"registration_id": stranger})
    assert response.status_code == 422
    assert error_beside(response.text, "registration_id") == "Not a guest of this ceremony."


def _ceremony_fields() -> dict:
    from tests.registration.conftest import ceremony_body

    return ceremony_body()


def test_with_nobody_seated_there_is_no_card_to_print(world):
    with world.apps["registration"].extensions["ceremony"].database.transaction() as session:
        session.query(SeatAssignment).delete()
    response = console(world, "/place-cards.pdf")
    assert response.status_code == 409 and "no place card to print" in text_of(response.text)


# -- the run sheet -----------------------------------------------------------------------------


def local(world, minutes: int) -> str:
    """A time of the ceremony on its own clock (Europe/Paris), as the page writes it."""
    at = world.starts_at + timedelta(minutes=minutes)
    return f"{at.astimezone(ZoneInfo('Europe/Paris')):%H:%M}"


def test_the_run_sheet_shows_each_item_with_the_speaker_announced_seat_and_door(world):
    page = text_of(console(world, "/run-sheet").text)
    assert "Welcome The master of ceremonies" in page
    assert (
        f"{local(world, 10)} Opening address H.E. Ms Amina Diallo Director General "
        "Section A · Row 1 · Seat 2 not yet arrived"
    ) in page
    assert (
        f"{local(world, 30)} Closing remarks H.E. محمد بن راشد Mohammed bin Rashid "
        "Consul General Section A · Row 2 · Seat 1 not yet arrived"
    ) in page


def test_the_vips_not_yet_arrived_are_listed_in_protocol_order(world):
    page = text_of(console(world, "/run-sheet").text).split("VIPs not yet arrived", 1)[1]
    assert page.index("Amina Diallo") < page.index("王建国") < page.index("محمد بن راشد")
    assert "Élise" not in page


def test_an_arrival_shows_its_local_time_and_leaves_the_vips_awaited(world):
    record_arrival(world, "amina", datetime(2026, 12, 16, 13, 52, tzinfo=UTC))
    page = text_of(console(world, "/run-sheet").text)
    assert "Section A · Row 1 · Seat 2 ✓ arrived at 14:52" in page  # Europe/Paris
    awaited = page.split("VIPs not yet arrived", 1)[1]
    assert "Amina Diallo" not in awaited and "王建国" in awaited


def test_the_fragment_alerts_only_the_arrivals_not_known_to_the_page(world):
    first = console(world, "/run-sheet/status", headers={"HX-Request": "true"})
    assert "<html" not in first.text and "hx-swap-oob" not in first.text
    record_arrival(world, "rashid", datetime(2026, 12, 16, 14, 3, tzinfo=UTC))
    news = console(world, "/run-sheet/status", headers={"HX-Request": "true"}).text
    assert 'hx-swap-oob="beforeend:#run-sheet-alerts"' in news
    assert "H.E. محمد بن راشد has arrived (at 15:03)." in text_of(news)
    assert "arrived at 15:03" in text_of(news)
    # The next poll names him as known: no second alert.
    assert f"known={world.ids['rashid']}" in news
    again = console(
        world,
        "/run-sheet/status",
        query_string={"known": world.ids["rashid"]},
        headers={"HX-Request": "true"},
    )
    assert "hx-swap-oob" not in again.text and "arrived at 15:03" in text_of(again.text)


def test_the_page_polls_its_fragment_and_has_a_live_region_for_alerts(world):
    page = console(world, "/run-sheet").text
    assert 'id="run-sheet-alerts"' in page and 'aria-live="assertive"' in page
    assert 'hx-trigger="every 5s"' in page and "/run-sheet/status" in page


def test_the_run_sheet_pdf_has_the_same_items_and_door_status(world):
    record_arrival(world, "amina", datetime(2026, 12, 16, 13, 52, tzinfo=UTC))
    (text,) = pdf_pages(console(world, "/run-sheet.pdf"))
    lines = text.splitlines()
    assert (
        f"{local(world, 10)} Opening address H.E. Ms Amina Diallo Section A · Row 1 · Seat 2 "
        "arrived at 14:52"
    ) in lines
    closing = next(index for index, line in enumerate(lines) if "Closing remarks" in line)
    assert lines[closing].endswith("Section A · Row 2 · Seat 1 not yet arrived")
    assert lines[closing + 1 : closing + 3] == ["Mohammed bin Rashid", "Consul General"]
    awaited = text.split("VIPs not yet arrived", 1)[1]
    assert "王建国" in awaited and "Amina" not in awaited


# -- the programme editor links a speaker's registration -------------------------------------


def stored_programme(world) -> list[dict]:
    with world.apps["registration"].extensions["ceremony"].database.transaction() as session:
        return list(session.get(Ceremony, uuid.UUID(world.ceremony_id)).programme)


def test_the_programme_editor_chooses_a_speaker_among_the_registrations(world):
    path = f"/console/ceremonies/{world.ceremony_id}/programme"
    page = world.browser("registration").get(path).text
    assert 'name="registration_id"' in page and "王建国" in page
    added = world.browser("registration").post(
        path,
        data=world.form(title="Vote of thanks", registration_id=world.ids["wang"]),
    )
    assert added.status_code == 303
    item = stored_programme(world)[-1]
    assert item["registration_id"] == world.ids["wang"] and item["speaker"] == "王建国"
    edit = world.browser("registration").get(f"{path}/3/edit").text
    assert f'value="{world.ids["wang"]}" selected' in edit


def test_the_programme_editor_refuses_a_guest_of_another_ceremony_beside_the_field(world):
    before = stored_programme(world)
    response = world.browser("registration").post(
        f"/console/ceremonies/{world.ceremony_id}/programme",
        data=world.form(title="Vote of thanks", registration_id=str(uuid.uuid4())),
    )
    assert response.status_code == 422
    assert error_beside(response.text, "registration_id") == "Choose one of this ceremony's guests."
    assert stored_programme(world) == before
