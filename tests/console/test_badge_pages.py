"""The badges pages: printing a selection (and knowing what was printed), reprints after a
correction that redrew the badge, and live attendance with its stream and dashboard tile."""

from __future__ import annotations

import io
import json
import uuid

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from tests.console.harness import ConsoleWorld, text_of

PEOPLE = [
    {"full_name": "Élise Fernández", "email": "elise@example.org", "organisation": "Université"},
    {"full_name": "王小明", "email": "wang@example.cn", "category": "press"},
    {"full_name": "Li Wei", "email": "li@example.cn", "category": "dignitary", "precedence": 1},
]


@pytest.fixture
def world(tmp_path):
    world = ConsoleWorld(tmp_path, capacity=100)
    world.ids = {}
    for person in PEOPLE:
        answer = world.api(
            "POST", f"/api/ceremonies/{world.ceremony_id}/registrations", json=person
        )
        world.ids[person["email"]] = answer.json["id"]
    yield world
    world.close()


def badges_page(world, **query):
    return world.browser("badges").get(f"/console/badges/{world.ceremony_id}", query_string=query)


def print_badges(world, **form):
    return world.browser("badges").post(
        f"/console/badges/{world.ceremony_id}", data=world.form(**form)
    )


def pdf_text(content: bytes) -> tuple[int, str]:
    document = pypdfium2.PdfDocument(content)
    try:
        pages = len(document)
        text = " ".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
    return pages, text


def test_the_list_shows_every_live_badge_not_printed(world):
    page = text_of(badges_page(world).text)
    assert "Élise Fernández" in page and "王小明" in page and "Li Wei" in page
    assert page.count("not printed") == 3


def test_printing_the_ticked_returns_their_sheet_and_marks_them_printed(world):
    ticked = world.ids["elise@example.org"]
    answer = print_badges(world, registration_id=ticked, print="ticked")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert "attachment" in answer.headers["Content-Disposition"]
    pages, text = pdf_text(answer.data)
    assert pages == 1 and "Fernández" in text and "Li Wei" not in text
    remaining = text_of(badges_page(world, show="not_printed").text)
    assert "Élise" not in remaining and "Li Wei" in remaining


def test_printing_a_category_and_all_not_yet_printed(world):
    press = print_badges(world, print="category", print_category="press")
    rest = print_badges(world, print="not_printed")
    again = print_badges(world, print="not_printed")
    assert press.status_code == 200 and "Wei" not in pdf_text(press.data)[1]
    assert rest.status_code == 200 and "Li Wei" in pdf_text(rest.data)[1]
    assert again.status_code == 422 and "Nothing to print" in text_of(again.text)


def test_nothing_ticked_is_said_beside_the_list(world):
    answer = print_badges(world, print="ticked")
    assert answer.status_code == 422
    assert 'id="error-registration_ids"' in answer.text


def test_a_correction_redraws_the_badge_and_asks_for_a_reprint(world):
    guest = world.ids["elise@example.org"]
    print_badges(world, registration_id=guest, print="ticked")
    before = world.client("badges").get(f"/api/registrations/{guest}/badge", headers=world.admin)
    world.api("PATCH", f"/api/registrations/{guest}", json={"full_name": "Élise Fernández-Roux"})
    assert "needs reprint" in text_of(badges_page(world).text)
    png = world.client("badges").get(f"/api/registrations/{guest}/badge.png", headers=world.admin)
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.data)))
    assert [code.text for code in decoded] == [before.json["code"]]  # the code does not change
    reprint = print_badges(world, print="reprint")
    assert reprint.status_code == 200 and "Fernández-Roux" in pdf_text(reprint.data)[1]
    assert "needs reprint" not in text_of(badges_page(world).text)


def test_a_viewer_sees_the_badges_but_cannot_print(world):
    account = str(uuid.uuid4())
    world.grant(account, "viewer")
    viewer = world.signer.issue_session(account)
    csrf = world.signer.csrf_token(world.signer.verify_token(viewer))
    browser = world.browser("badges", viewer)
    path = f"/console/badges/{world.ceremony_id}"
    assert browser.get(path).status_code == 200
    refused = browser.post(path, data={"csrf_token": csrf, "print": "not_printed"})
    assert refused.status_code == 403


def check_in(world, email: str, gate: str = "North") -> None:
    code = (
        world.client("badges")
        .get(f"/api/registrations/{world.ids[email]}/badge", headers=world.admin)
        .json["code"]
    )
    door = world.signer.issue_token("door", ceremony_id=world.ceremony_id)
    answer = world.client("badges").post(
        "/api/checkins",
        json={"code": code, "gate": gate},
        headers={"Authorization": f"Bearer {door}"},
    )
    assert answer.status_code == 201, answer.json


def test_attendance_counts_arrivals_marks_vips_and_lists_who_is_missing(world):
    check_in(world, "li@example.cn")
    check_in(world, "wang@example.cn", gate="South")
    page = world.browser("badges").get(f"/console/badges/{world.ceremony_id}/attendance")
    words = text_of(page.text)
    assert page.status_code == 200
    assert "2 admitted of 3 registered" in words
    assert 'class="vip"' in page.text and "VIP · Li Wei" in words
    missing = words.split("Not arrived yet", 1)[1]
    assert "Élise Fernández" in missing and "Li Wei" not in missing


def stream_messages(world, **headers) -> list[tuple[str | None, dict]]:
    answer = world.browser("badges").get(
        f"/console/badges/{world.ceremony_id}/attendance/stream",
        query_string={"seconds": "0"},
        headers=headers,
    )
    assert answer.mimetype == "text/event-stream" and answer.status_code == 200
    messages = []
    for block in answer.get_data(as_text=True).split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "data" in lines:
            messages.append((lines.get("id"), json.loads(lines["data"])))
    return messages


def test_the_stream_sends_the_counts_and_arrivals_after_the_last_one_seen(world):
    check_in(world, "li@example.cn")
    first = stream_messages(world, **{"Last-Event-ID": "2000-01-01T00:00:00+00:00"})
    arrival_ids = [event_id for event_id, update in first if update["target"] == "arrivals"]
    counts = [update for _, update in first if update["target"] == "counts"]
    assert counts and "1" in counts[0]["html"] and counts[0]["mode"] == "replace"
    assert len(arrival_ids) == 1 and "Li Wei" in first[-1][1]["html"]
    check_in(world, "wang@example.cn")
    later = stream_messages(world, **{"Last-Event-ID": arrival_ids[0]})
    names = [update["html"] for _, update in later if update["target"] == "arrivals"]
    assert len(names) == 1 and "王小明" in names[0]


def test_the_dashboard_tile_is_a_fragment_shared_with_the_suites_origins(world):
    check_in(world, "li@example.cn")
    tile = world.browser("badges").get(
        f"/console/badges/{world.ceremony_id}/tile", headers={"Origin": "http://127.0.0.1:8001"}
    )
    nobody = world.client("badges").get(f"/console/badges/{world.ceremony_id}/tile")
    assert tile.status_code == 200 and "<html" not in tile.text
    assert "1 admitted of 3 registered" in text_of(tile.text)
    assert tile.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:8001"
    assert (nobody.status_code, nobody.text) == (403, "")


def test_a_door_session_sees_attendance_but_not_the_badges(world):
    account = str(uuid.uuid4())
    world.grant(account, "door")
    door = world.browser("badges", world.signer.issue_session(account))
    assert door.get(f"/console/badges/{world.ceremony_id}/attendance").status_code == 200
    assert door.get(f"/console/badges/{world.ceremony_id}").status_code == 403
