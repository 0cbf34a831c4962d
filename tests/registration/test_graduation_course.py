"""A ceremony's course through the API: set, shown, changed, removed, each change published as
``course.updated`` with a growing revision; signatures and logos uploaded, re-encoded, served
and removed; what each bad input gets."""

from __future__ import annotations

import io
import json
import struct
import uuid
import zlib

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from services.registration.graduation.course import moved_images
from services.registration.models import CourseImage, audit, outbox
from shared.events import parse_envelope
from shared.graduation import image_bytes
from tests.registration.conftest import ceremony_body

COURSE = {
    "title": "Senior Border Management Course",
    "starts_on": "2026-10-19",
    "ends_on": "2026-11-27",
    "hours": 240,
    "translations": {"fr": {"title": "Cours supérieur de gestion des frontières"}},
    "organisations": [{"name": "International Training Institute"}, {"name": "Ministry"}],
    "signatories": [
        {"name": "Dr Amina Diallo", "title": "Director General"},
        {"name": "Col. Jean Martin", "title": "Course Director"},
    ],
}


@pytest.fixture
def course_ceremony(client, organiser_headers) -> dict:
    response = client.post(
        "/api/ceremonies", json=ceremony_body(capacity=50), headers=organiser_headers
    )
    assert response.status_code == 201, response.json
    return response.json


def course_url(ceremony: dict, tail: str = "") -> str:
    return f"/api/ceremonies/{ceremony['id']}/course{tail}"


def outbox_events(app, event_type: str) -> list[dict]:
    with app.extensions["ceremony"].database.transaction() as session:
        rows = session.execute(
            select(outbox.c.body).where(outbox.c.event_type == event_type).order_by(outbox.c.id)
        )
        return [json.loads(row.body) for row in rows]


def png_of(size=(400, 200), colour=(20, 20, 120, 255), kind="PNG") -> bytes:
    image = Image.new("RGBA" if kind == "PNG" else "RGB", size, colour[: 4 if kind == "PNG" else 3])
    out = io.BytesIO()
    image.save(out, format=kind)
    return out.getvalue()


def huge_png_header(width: int, height: int) -> bytes:
    """A PNG that says it is ``width`` × ``height`` and holds next to nothing."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def with_course(client, ceremony, headers, **overrides) -> dict:
    response = client.put(course_url(ceremony), json={**COURSE, **overrides}, headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def upload(client, ceremony, tail, raw, headers, filename="signature.png"):
    """PUT ``raw`` as the multipart field ``file`` (encoded in memory, as a browser sends it)."""
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(raw), filename)})
    return client.put(
        course_url(ceremony, tail),
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers,
    )


# The course


def test_a_course_is_set_shown_and_published(app, client, course_ceremony, organiser_headers):
    assert client.get(course_url(course_ceremony), headers=organiser_headers).status_code == 404
    shown = with_course(client, course_ceremony, organiser_headers)
    assert shown["title"] == COURSE["title"]
    assert (shown["starts_on"], shown["ends_on"], shown["hours"]) == (
        "2026-10-19",
        "2026-11-27",
        240.0,
    )
    assert shown["roll_order"] == "family_name" and shown["revision"] == 1
    assert shown["signatories"][0] == {
        "name": "Dr Amina Diallo",
        "title": "Director General",
        "has_signature": False,
        "signature_url": course_url(course_ceremony, "/signatories/0/signature"),
    }
    assert shown["organisations"][1]["logo_url"].endswith("/course/organisations/1/logo")
    assert client.get(course_url(course_ceremony), headers=organiser_headers).json == shown
    [event] = outbox_events(app, "course.updated")
    data = parse_envelope(event).data
    assert data["revision"] == 1 and data["course"]["title"] == COURSE["title"]
    assert data["course"]["translations"]["fr"]["title"].startswith("Cours supérieur")
    assert data["course"]["signatories"][1] == {
        "name": "Col. Jean Martin",
        "title": "Course Director",
        "signature": None,
    }


def test_each_change_publishes_a_higher_revision_and_removal_says_none(
    app, client, course_ceremony, organiser_headers
):
    with_course(client, course_ceremony, organiser_headers)
    changed = with_course(client, course_ceremony, organiser_headers, hours="42.5")
    assert changed["hours"] == 42.5 and changed["revision"] == 2
    response = client.delete(course_url(course_ceremony), headers=organiser_headers)
    assert response.status_code == 204
    assert client.get(course_url(course_ceremony), headers=organiser_headers).json["code"] == (
        "course_not_found"
    )
    again = with_course(client, course_ceremony, organiser_headers)
    assert again["revision"] == 4
    events = [parse_envelope(e).data for e in outbox_events(app, "course.updated")]
    assert [e["revision"] for e in events] == [1, 2, 3, 4]
    assert events[2]["course"] is None
    assert client.delete(course_url(course_ceremony), headers=organiser_headers).status_code == 204
    assert client.delete(course_url(course_ceremony), headers=organiser_headers).status_code == 404


def test_the_course_change_is_audited(app, client, course_ceremony, organiser_headers):
    with_course(client, course_ceremony, organiser_headers)
    with app.extensions["ceremony"].database.transaction() as session:
        [entry] = session.execute(select(audit).where(audit.c.action == "course.set")).all()
    assert entry.after["signatories"] == 2
    assert "Diallo" not in json.dumps(entry.after)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"ends_on": "2026-10-01"}, "ends_on"),
        ({"hours": -1}, "hours"),
        ({"hours": "lots"}, "hours"),
        ({"hours": 10001}, "hours"),
        ({"hours": "NaN"}, "hours"),
        ({"starts_on": "10000-01-01"}, "starts_on"),
        ({"title": "  "}, "title"),
        ({"title": "Two\nlines"}, "title"),
        ({"signatories": [{"name": f"Signer {n}", "title": "T"} for n in range(5)]}, "signatories"),
        ({"organisations": [{"name": "A", "logo": "iVBORw0KGgo="}]}, "organisations"),
        ({"translations": {"not a tag": {"title": "x"}}}, "translations"),
        ({"roll_order": "by height"}, "roll_order"),
        ({"hand_order": ["not-a-uuid"]}, "hand_order"),
    ],
)
def test_a_bad_course_is_a_422_naming_the_field(
    client, course_ceremony, organiser_headers, change, field
):
    response = client.put(
        course_url(course_ceremony), json={**COURSE, **change}, headers=organiser_headers
    )
    assert response.status_code == 422, response.json
    assert field in response.json["errors"]["json"], response.json


def test_the_end_of_the_calendar_is_a_date_like_any_other(
    client, course_ceremony, organiser_headers
):
    shown = with_course(
        client, course_ceremony, organiser_headers, starts_on="9999-12-30", ends_on="9999-12-31"
    )
    assert shown["ends_on"] == "9999-12-31"


def test_a_hand_order_naming_strangers_or_twice_is_refused(
    client, course_ceremony, organiser_headers
):
    stranger = str(uuid.uuid4())
    response = client.put(
        course_url(course_ceremony),
        json={**COURSE, "roll_order": "hand", "hand_order": [stranger]},
        headers=organiser_headers,
    )
    assert response.status_code == 422
    assert response.json["errors"]["hand_order"] == {"0": ["Not a registration of this ceremony."]}


def test_deep_json_is_refused_before_it_is_read(client, course_ceremony, organiser_headers):
    deep = '{"title": ' + "[" * 5000 + "]" * 5000 + "}"
    response = client.put(
        course_url(course_ceremony),
        data=deep,
        content_type="application/json",
        headers=organiser_headers,
    )
    assert response.status_code == 400 and response.json["code"] == "invalid_json"


def test_a_course_for_no_ceremony_is_404(client, organiser_headers):
    response = client.put(
        f"/api/ceremonies/{uuid.uuid4()}/course", json=COURSE, headers=organiser_headers
    )
    assert response.status_code == 404


# Signatures and logos


def test_a_png_signature_is_kept_small_served_and_published(
    app, client, course_ceremony, organiser_headers
):
    with_course(client, course_ceremony, organiser_headers)
    response = upload(
        client, course_ceremony, "/signatories/1/signature", png_of((1800, 600)), organiser_headers
    )
    assert response.status_code == 200, response.json
    assert [s["has_signature"] for s in response.json["signatories"]] == [False, True]
    served = client.get(
        course_url(course_ceremony, "/signatories/1/signature"), headers=organiser_headers
    )
    assert served.status_code == 200 and served.mimetype == "image/png"
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.format == "PNG" and image.size == (900, 300)
    latest = parse_envelope(outbox_events(app, "course.updated")[-1]).data
    assert (
        image_bytes(
            latest["course"]["signatures"]
            if False
            else latest["course"]["signatories"][1]["signature"]
        )
        == served.data
    )
    assert latest["course"]["signatories"][0]["signature"] is None


def test_a_jpeg_logo_sent_as_the_body_is_kept_as_png(client, course_ceremony, organiser_headers):
    with_course(client, course_ceremony, organiser_headers)
    response = client.put(
        course_url(course_ceremony, "/organisations/0/logo"),
        data=png_of((1200, 1200), (200, 30, 30, 255), kind="JPEG"),
        content_type="image/jpeg",
        headers=organiser_headers,
    )
    assert response.status_code == 200, response.json
    assert response.json["organisations"][0]["has_logo"] is True
    served = client.get(
        course_url(course_ceremony, "/organisations/0/logo"), headers=organiser_headers
    )
    with Image.open(io.BytesIO(served.data)) as image:
        assert image.format == "PNG" and image.size == (600, 600)


def test_images_stay_at_positions_still_there_and_go_with_their_signatory(
    app, client, course_ceremony, organiser_headers
):
    with_course(client, course_ceremony, organiser_headers)
    for index in (0, 1):
        tail = f"/signatories/{index}/signature"
        assert upload(client, course_ceremony, tail, png_of(), organiser_headers).status_code == 200
    shown = with_course(
        client, course_ceremony, organiser_headers, signatories=COURSE["signatories"][:1]
    )
    assert [s["has_signature"] for s in shown["signatories"]] == [True]
    grown = with_course(client, course_ceremony, organiser_headers)
    assert [s["has_signature"] for s in grown["signatories"]] == [True, False]
    with app.extensions["ceremony"].database.transaction() as session:
        assert len(session.scalars(select(CourseImage)).all()) == 1


def signature_of(client, ceremony, index, headers) -> bytes:
    response = client.get(course_url(ceremony, f"/signatories/{index}/signature"), headers=headers)
    assert response.status_code == 200
    return response.data


def test_a_signatory_removed_above_another_takes_their_signature_away_with_them(
    client, course_ceremony, organiser_headers
):
    """The Director General leaves the list: the Course Director, now first, keeps his own
    signature, and nobody signs with hers."""
    with_course(client, course_ceremony, organiser_headers)
    for index, colour in ((0, (200, 0, 0, 255)), (1, (0, 0, 200, 255))):
        tail = f"/signatories/{index}/signature"
        raw = png_of(colour=colour)
        assert upload(client, course_ceremony, tail, raw, organiser_headers).status_code == 200
    his = signature_of(client, course_ceremony, 1, organiser_headers)

    shown = with_course(
        client, course_ceremony, organiser_headers, signatories=COURSE["signatories"][1:]
    )

    assert [(s["name"], s["has_signature"]) for s in shown["signatories"]] == [
        ("Col. Jean Martin", True)
    ]
    assert signature_of(client, course_ceremony, 0, organiser_headers) == his


def test_signatures_follow_their_signatories_when_the_list_is_reordered_or_corrected(
    client, course_ceremony, organiser_headers
):
    with_course(client, course_ceremony, organiser_headers)
    for index, colour in ((0, (200, 0, 0, 255)), (1, (0, 0, 200, 255))):
        tail = f"/signatories/{index}/signature"
        raw = png_of(colour=colour)
        assert upload(client, course_ceremony, tail, raw, organiser_headers).status_code == 200
    hers, his = (signature_of(client, course_ceremony, i, organiser_headers) for i in (0, 1))
    amina, jean = COURSE["signatories"]

    with_course(client, course_ceremony, organiser_headers, signatories=[jean, amina])
    assert [signature_of(client, course_ceremony, i, organiser_headers) for i in (0, 1)] == [
        his,
        hers,
    ]
    # A name corrected where it stands keeps its signature.
    corrected = {**amina, "name": "Dr Aminata Diallo"}
    with_course(client, course_ceremony, organiser_headers, signatories=[jean, corrected])
    assert signature_of(client, course_ceremony, 1, organiser_headers) == hers


@pytest.mark.parametrize(
    ("before", "after", "moves"),
    [
        (["A", "B"], ["A", "B"], {0: 0, 1: 1}),
        (["A", "B"], ["B"], {1: 0}),  # A removed: B keeps B's
        (["A", "B"], ["B", "A"], {0: 1, 1: 0}),
        (["A", "B"], ["A  ", "b"], {0: 0, 1: 1}),  # spaces and case are the same name
        (["A", "B"], ["C", "B"], {0: 0, 1: 1}),  # A corrected to C in place
        (["A", "B", "C"], ["B", "D"], {1: 0}),  # A gone, B moved up, D is no one's
        (["A", "B"], ["A", "B", "C"], {0: 0, 1: 1}),
        (["A", "A"], ["A"], {0: 0}),
        ([], ["A"], {}),
    ],
)
def test_where_each_image_goes_when_a_list_changes(before, after, moves):
    assert moved_images(before, after) == moves


def test_an_image_is_removed(client, course_ceremony, organiser_headers):
    with_course(client, course_ceremony, organiser_headers)
    tail = "/organisations/1/logo"
    assert upload(client, course_ceremony, tail, png_of(), organiser_headers).status_code == 200
    assert (
        client.delete(course_url(course_ceremony, tail), headers=organiser_headers).status_code
        == 204
    )
    assert (
        client.get(course_url(course_ceremony, tail), headers=organiser_headers).status_code == 404
    )
    assert (
        client.delete(course_url(course_ceremony, tail), headers=organiser_headers).status_code
        == 404
    )


def test_a_text_file_is_not_a_signature(client, course_ceremony, organiser_headers):
    with_course(client, course_ceremony, organiser_headers)
    response = upload(
        client,
        course_ceremony,
        "/signatories/0/signature",
        b"Dr Amina Diallo, Director General\n",
        organiser_headers,
        filename="signature.txt",
    )
    assert response.status_code == 422
    assert response.json["code"] == "not_an_image"
    assert list(response.json["errors"]) == ["signature"]


def test_an_empty_upload_is_not_a_logo(client, course_ceremony, organiser_headers):
    with_course(client, course_ceremony, organiser_headers)
    response = upload(client, course_ceremony, "/organisations/0/logo", b"", organiser_headers)
    assert response.status_code == 422 and list(response.json["errors"]) == ["logo"]


def test_three_megabytes_is_too_large_for_a_signature(client, course_ceremony, organiser_headers):
    with_course(client, course_ceremony, organiser_headers)
    raw = png_of() + b"\x00" * (3 * 1024 * 1024)
    response = upload(client, course_ceremony, "/signatories/0/signature", raw, organiser_headers)
    assert response.status_code == 413
    assert list(response.json["errors"]) == ["signature"]


def test_an_image_just_under_the_body_limit_but_over_the_image_limit_names_the_logo(
    client, course_ceremony, organiser_headers
):
    with_course(client, course_ceremony, organiser_headers)
    response = client.put(
        course_url(course_ceremony, "/organisations/0/logo"),
        data=b"\x89PNG" + b"\x00" * (3 * 1024 * 1024),
        content_type="image/png",
        headers=organiser_headers,
    )
    assert response.status_code == 413 and list(response.json["errors"]) == ["logo"]


def test_a_decompression_bomb_is_refused_before_it_is_decoded(
    client, course_ceremony, organiser_headers
):
    with_course(client, course_ceremony, organiser_headers)
    bomb = huge_png_header(40000, 40000)
    response = upload(client, course_ceremony, "/signatories/0/signature", bomb, organiser_headers)
    assert response.status_code == 413, response.json
    assert list(response.json["errors"]) == ["signature"]


def test_an_image_for_a_position_the_course_lacks_is_404(
    client, course_ceremony, organiser_headers
):
    response = upload(
        client, course_ceremony, "/signatories/0/signature", png_of(), organiser_headers
    )
    assert (response.status_code, response.json["code"]) == (404, "course_not_found")
    with_course(client, course_ceremony, organiser_headers)
    response = upload(
        client, course_ceremony, "/signatories/2/signature", png_of(), organiser_headers
    )
    assert (response.status_code, response.json["code"]) == (404, "signatory_not_found")
    response = upload(client, course_ceremony, "/organisations/9/logo", png_of(), organiser_headers)
    assert (response.status_code, response.json["code"]) == (404, "organisation_not_found")


def test_a_text_body_is_not_taken_for_an_image(client, course_ceremony, organiser_headers):
    with_course(client, course_ceremony, organiser_headers)
    response = client.put(
        course_url(course_ceremony, "/signatories/0/signature"),
        data="hello",
        content_type="text/plain",
        headers=organiser_headers,
    )
    assert response.status_code == 415


def test_a_viewer_reads_the_course_and_changes_nothing(
    client, course_ceremony, organiser_headers, viewer_headers
):
    with_course(client, course_ceremony, organiser_headers)
    assert client.get(course_url(course_ceremony), headers=viewer_headers).status_code == 200
    response = client.put(course_url(course_ceremony), json=COURSE, headers=viewer_headers)
    assert response.status_code == 403
    response = upload(client, course_ceremony, "/signatories/0/signature", png_of(), viewer_headers)
    assert response.status_code == 403
