"""A badge as JSON, PNG and PDF, and print sheets; who may see them."""

from __future__ import annotations

import io
import uuid

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from shared.auth import MANAGE_REGISTRATION
from tests.badges.fixtures import bearer, get_badge


def decode_all(image) -> list[str]:
    """QR texts found in an image, top to bottom then left to right (zxing-cpp)."""
    found = zxingcpp.read_barcodes(image)
    found.sort(key=lambda r: (round(r.position.top_left.y, -2), r.position.top_left.x))
    return [r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode]


def pdf_pages(pdf: bytes, dpi: int = 200) -> list:
    return [page.render(scale=dpi / 72).to_pil() for page in pypdfium2.PdfDocument(pdf)]


def capability(signer, registration_id) -> str:
    return signer.issue_capability(MANAGE_REGISTRATION, registration_id, ttl_seconds=3600)


@pytest.fixture
def registration_id(feed, ceremony_id):
    return feed.confirm(
        ceremony_id,
        full_name="Jean Dupont",
        honorific="H.E. Mr.",
        organisation="Ministry of Foreign Affairs",
        category="dignitary",
        precedence=1,
    )


def test_the_badge_json_carries_its_code_and_holder(client, organiser_headers, registration_id):
    badge = get_badge(client, organiser_headers, registration_id)
    assert len(badge["code"]) == 152
    assert {k: badge[k] for k in ("status", "full_name", "category", "attention")} == {
        "status": "issued",
        "full_name": "Jean Dupont",
        "category": "dignitary",
        "attention": True,
    }
    assert {"serial", "kid", "issued_at", "png_url", "pdf_url"} <= set(badge)


def test_the_png_qr_decodes_to_the_badge_code(client, organiser_headers, registration_id):
    code = get_badge(client, organiser_headers, registration_id)["code"]
    response = client.get(
        f"/api/registrations/{registration_id}/badge.png", headers=organiser_headers
    )
    assert response.mimetype == "image/png"
    assert decode_all(Image.open(io.BytesIO(response.data))) == [code]


def test_the_pdf_qr_decodes_to_the_badge_code(client, organiser_headers, registration_id):
    code = get_badge(client, organiser_headers, registration_id)["code"]
    response = client.get(
        f"/api/registrations/{registration_id}/badge.pdf", headers=organiser_headers
    )
    assert response.mimetype == "application/pdf"
    (page,) = pdf_pages(response.data)
    assert decode_all(page) == [code]


def test_the_guest_sees_their_badge_with_their_capability(client, signer, registration_id):
    headers = bearer(capability(signer, registration_id))
    response = client.get(f"/api/registrations/{registration_id}/badge", headers=headers)
    assert response.status_code == 200


def test_the_capability_may_come_in_the_link(client, signer, registration_id):
    query = {"capability": capability(signer, registration_id)}
    response = client.get(f"/api/registrations/{registration_id}/badge.png", query_string=query)
    assert response.status_code == 200


def test_a_capability_for_another_registration_is_refused(client, signer, registration_id):
    headers = bearer(capability(signer, uuid.uuid4()))
    response = client.get(f"/api/registrations/{registration_id}/badge", headers=headers)
    assert (response.status_code, response.json["code"]) == (403, "forbidden")


def test_no_token_gets_401(client, registration_id):
    response = client.get(f"/api/registrations/{registration_id}/badge.pdf")
    assert (response.status_code, response.json["code"]) == (401, "unauthorized")


def test_a_forged_token_gets_401(client, registration_id):
    response = client.get(f"/api/registrations/{registration_id}/badge", headers=bearer("x.y.z"))
    assert response.status_code == 401


def test_staff_may_not_read_badges(client, staff_headers, registration_id):
    response = client.get(f"/api/registrations/{registration_id}/badge", headers=staff_headers)
    assert response.status_code == 403


def test_an_organiser_of_another_ceremony_is_refused(client, signer, registration_id):
    headers = bearer(signer.issue_token("organiser", ceremony_id=str(uuid.uuid4())))
    response = client.get(f"/api/registrations/{registration_id}/badge", headers=headers)
    assert (response.status_code, response.json["code"]) == (403, "wrong_ceremony")


def test_an_unknown_registration_has_no_badge(client, organiser_headers):
    response = client.get(f"/api/registrations/{uuid.uuid4()}/badge", headers=organiser_headers)
    assert (response.status_code, response.json["code"]) == (404, "badge_not_found")


def test_a_revoked_badge_shows_as_revoked(client, feed, organiser_headers, registration_id):
    feed.cancel(registration_id)
    assert get_badge(client, organiser_headers, registration_id)["status"] == "revoked"


def test_a_revoked_badge_is_not_printed(client, feed, organiser_headers, registration_id):
    feed.cancel(registration_id)
    response = client.get(
        f"/api/registrations/{registration_id}/badge.png", headers=organiser_headers
    )
    assert (response.status_code, response.json["code"]) == (409, "badge_revoked")


def test_a_badge_whose_ceremony_is_not_known_yet_waits(client, feed, organiser_headers):
    registration_id = feed.confirm(uuid.uuid4())
    response = client.get(
        f"/api/registrations/{registration_id}/badge.pdf", headers=organiser_headers
    )
    assert (response.status_code, response.json["code"]) == (409, "ceremony_not_known_yet")


# --- Print sheets ------------------------------------------------------------------------


@pytest.fixture
def protocol_list(feed, ceremony_id):
    """Five guests confirmed out of print order; returns their ids in print order."""
    people = [
        ("Zoe Adams", "guest", None),
        ("Marc Zeller", "speaker", 2),
        ("Ana Brandt", "speaker", 2),
        ("Li Wei", "dignitary", 1),
        ("Élise Martin", "guest", None),
    ]
    ids = {
        name: feed.confirm(ceremony_id, full_name=name, category=category, precedence=precedence)
        for name, category, precedence in people
    }
    order = ["Li Wei", "Ana Brandt", "Marc Zeller", "Zoe Adams", "Élise Martin"]
    return [ids[name] for name in order]


def sheets(client, headers, ceremony_id, **query):
    return client.get(
        f"/api/ceremonies/{ceremony_id}/badges.pdf", headers=headers, query_string=query
    )


def test_sheets_hold_four_badges_a_page_in_protocol_order(
    client, organiser_headers, ceremony_id, protocol_list
):
    expected = [get_badge(client, organiser_headers, r)["code"] for r in protocol_list]
    pages = pdf_pages(sheets(client, organiser_headers, ceremony_id).data)
    assert [decode_all(page) for page in pages] == [expected[:4], expected[4:]]


def test_sheets_filter_by_category(client, organiser_headers, ceremony_id, protocol_list):
    expected = [get_badge(client, organiser_headers, r)["code"] for r in protocol_list[:3]]
    response = sheets(client, organiser_headers, ceremony_id, category=["speaker", "dignitary"])
    assert [decode_all(page) for page in pdf_pages(response.data)] == [expected]


def test_sheets_leave_revoked_badges_out(
    client, feed, organiser_headers, ceremony_id, protocol_list
):
    feed.cancel(protocol_list[0])
    expected = [get_badge(client, organiser_headers, r)["code"] for r in protocol_list[1:]]
    pages = pdf_pages(sheets(client, organiser_headers, ceremony_id).data)
    assert [decode_all(page) for page in pages] == [expected]


def test_sheets_refuse_an_unknown_category_by_name(client, organiser_headers, ceremony_id):
    response = sheets(client, organiser_headers, ceremony_id, category="royalty")
    assert response.status_code == 422
    assert "category" in response.json["errors"]["query"]


def test_sheets_of_an_unknown_ceremony_are_not_found(client, organiser_headers):
    response = sheets(client, organiser_headers, uuid.uuid4())
    assert (response.status_code, response.json["code"]) == (404, "ceremony_not_found")


def test_sheets_are_for_organisers_only(client, staff_headers, ceremony_id):
    assert sheets(client, staff_headers, ceremony_id).status_code == 403
