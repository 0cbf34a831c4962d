"""The certificates API: release, list, one certificate, its PDFs, revoke, verify, the keys."""

from __future__ import annotations

import uuid

import pypdfium2
import pytest
import zxingcpp

from services.badges.signing.certificates import verify_certificate_code
from shared.auth import MANAGE_REGISTRATION
from tests.badges.fixtures import bearer
from tests.badges.graduation import course_envelope, events, graduate, graduate_envelope
from tests.badges.verifying import public_key_from_b64


def capability(signer, registration_id) -> str:
    return signer.issue_capability(MANAGE_REGISTRATION, registration_id, ttl_seconds=3600)


def pdf_texts(pdf: bytes) -> list[str]:
    """The text of each page of a PDF."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def qr_texts(pdf: bytes) -> list[str]:
    """The QR code of each page of a PDF, decoded (zxing-cpp)."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        found = []
        for page in document:
            image = page.render(scale=200 / 72).to_pil()
            found += [r.text for r in zxingcpp.read_barcodes(image)]
        return found
    finally:
        document.close()


@pytest.fixture
def course_set(feed, ceremony_id):
    feed.deliver(course_envelope(ceremony_id))
    return ceremony_id


@pytest.fixture
def released(feed, client, course_set, organiser_headers):
    """Three graduates and an expert, released; returns their registration ids by name."""
    people = {
        "diallo": graduate(feed, course_set, "distinction", full_name="Fatou Diallo"),
        "zhang": graduate(
            feed, course_set, "completed", full_name="Zhang Wei", family_name="Zhang"
        ),
        "bernard": graduate(feed, course_set, "attended", full_name="Claire Bernard"),
        "expert": graduate(feed, course_set, None, full_name="Omar Haddad", category="guest"),
    }
    feed.deliver(graduate_envelope(course_set, people["expert"], None, appreciation=True))
    response = client.post(
        f"/api/ceremonies/{course_set}/certificates/release", json={}, headers=organiser_headers
    )
    assert response.status_code == 200, response.json
    return people


def listed(client, ceremony_id, headers) -> list[dict]:
    response = client.get(f"/api/ceremonies/{ceremony_id}/certificates", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def certificate_of(client, ceremony_id, headers, registration_id) -> dict:
    return next(
        c
        for c in listed(client, ceremony_id, headers)
        if c["registration_id"] == str(registration_id) and c["status"] == "issued"
    )


def test_release_answers_what_it_issued(feed, client, course_set, organiser_headers):
    graduate(feed, course_set, "completed")
    graduate(feed, course_set, "not_completed", full_name="Someone Else")
    response = client.post(
        f"/api/ceremonies/{course_set}/certificates/release",
        json={"only_admitted": False},
        headers=organiser_headers,
    )
    assert response.status_code == 200
    assert (response.json["issued"], response.json["skipped"]) == (1, {"not_completed": 1})


def test_release_before_any_result_is_409_naming_result(
    feed, client, course_set, organiser_headers
):
    graduate(feed, course_set, None)
    response = client.post(
        f"/api/ceremonies/{course_set}/certificates/release", json={}, headers=organiser_headers
    )
    assert (response.status_code, response.json["code"]) == (409, "no_results")
    assert response.json["errors"] == {"result": ["No graduate has a result yet."]}


def test_release_without_a_course_is_409_naming_course(
    feed, client, ceremony_id, organiser_headers
):
    graduate(feed, ceremony_id, "completed")
    response = client.post(
        f"/api/ceremonies/{ceremony_id}/certificates/release", json={}, headers=organiser_headers
    )
    assert (response.status_code, response.json["code"]) == (409, "course_not_found")
    assert list(response.json["errors"]) == ["course"]


def test_release_with_a_bad_option_is_422_naming_it(client, course_set, organiser_headers):
    response = client.post(
        f"/api/ceremonies/{course_set}/certificates/release",
        json={"only_admitted": "perhaps"},
        headers=organiser_headers,
    )
    assert response.status_code == 422
    assert "only_admitted" in response.json["errors"]["json"]


def test_release_of_an_unknown_ceremony_is_404(client, organiser_headers):
    response = client.post(
        f"/api/ceremonies/{uuid.uuid4()}/certificates/release", json={}, headers=organiser_headers
    )
    assert response.status_code == 404


def test_a_viewer_may_list_but_not_release(client, course_set, viewer_headers):
    assert client.get(
        f"/api/ceremonies/{course_set}/certificates", headers=viewer_headers
    ).status_code == (200)
    response = client.post(
        f"/api/ceremonies/{course_set}/certificates/release", json={}, headers=viewer_headers
    )
    assert response.status_code == 403


def test_the_list_shows_each_certificate_with_its_status(
    client, course_set, organiser_headers, released
):
    rows = listed(client, course_set, organiser_headers)
    assert sorted((r["kind"], r["result"], r["status"]) for r in rows) == [
        ("appreciation", None, "issued"),
        ("attendance", "attended", "issued"),
        ("completion", "completed", "issued"),
        ("completion", "distinction", "issued"),
    ]
    first = rows[0]
    assert first["verify_url"].endswith(f"/verify/{first['code']}")
    assert first["pdf_url"].endswith(f"/api/certificates/{first['id']}.pdf")


def test_the_holder_sees_their_certificate_with_their_link(
    client, signer, course_set, organiser_headers, released
):
    mine = certificate_of(client, course_set, organiser_headers, released["diallo"])
    path = f"/api/certificates/{mine['id']}"
    as_holder = client.get(path, headers=bearer(capability(signer, released["diallo"])))
    assert (as_holder.status_code, as_holder.json["name"]) == (200, "Fatou Diallo")
    in_link = client.get(path, query_string={"capability": capability(signer, released["diallo"])})
    assert in_link.status_code == 200
    someone_else = client.get(path, headers=bearer(capability(signer, released["zhang"])))
    assert someone_else.status_code == 403
    assert client.get(path).status_code == 401


def test_an_unknown_certificate_is_404(client, organiser_headers):
    response = client.get(f"/api/certificates/{uuid.uuid4()}", headers=organiser_headers)
    assert (response.status_code, response.json["code"]) == (404, "certificate_not_found")


def test_a_door_role_may_not_read_certificates(
    client, signer, course_set, organiser_headers, released
):
    mine = certificate_of(client, course_set, organiser_headers, released["diallo"])
    door = bearer(signer.issue_token("door", ceremony_id=str(course_set)))
    assert client.get(f"/api/certificates/{mine['id']}", headers=door).status_code == 403


def test_the_certificate_pdf_carries_a_qr_code_that_verifies_with_the_public_key(
    client, signer, course_set, organiser_headers, released
):
    mine = certificate_of(client, course_set, organiser_headers, released["diallo"])
    # The credential notifications fetches badge PDFs with: an organiser token for the ceremony.
    service = bearer(signer.issue_token("organiser", ceremony_id=str(course_set), ttl_hours=0.1))
    response = client.get(f"/api/certificates/{mine['id']}.pdf", headers=service)
    assert (response.status_code, response.mimetype) == (200, "application/pdf")
    assert response.data.startswith(b"%PDF")
    assert response.headers["Cache-Control"] == "private, no-store"
    (url,) = qr_texts(response.data)
    assert url == mine["verify_url"]
    code = url.rsplit("/", 1)[1]
    keys = client.get(f"/api/ceremonies/{course_set}/certificate-keys").json["keys"]
    verified = [
        verify_certificate_code(code, public_key_from_b64(key["public_key"])) for key in keys
    ]
    assert any(v is not None and v.names("Fatou Diallo") for v in verified)


def test_the_guest_downloads_their_certificate_with_their_link(
    client, signer, released, course_set, organiser_headers
):
    path = f"/api/registrations/{released['diallo']}/certificate.pdf"
    response = client.get(path, query_string={"capability": capability(signer, released["diallo"])})
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert "Fatou Diallo" in pdf_texts(response.data)[0]
    assert client.get(path).status_code == 401
    other = client.get(path, headers=bearer(capability(signer, released["zhang"])))
    assert other.status_code == 403


def test_a_registration_without_a_certificate_is_404(feed, client, course_set, organiser_headers):
    registration_id = feed.confirm(course_set)
    response = client.get(
        f"/api/registrations/{registration_id}/certificate.pdf", headers=organiser_headers
    )
    assert (response.status_code, response.json["code"]) == (404, "certificate_not_found")


def test_the_hand_over_pdf_follows_the_roll_then_appreciation(
    client, course_set, organiser_headers, released
):
    response = client.get(
        f"/api/ceremonies/{course_set}/certificates.pdf", headers=organiser_headers
    )
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    pages = pdf_texts(response.data)
    names = ["Claire Bernard", "Fatou Diallo", "Zhang Wei", "Omar Haddad"]
    assert len(pages) == 4
    assert [next(n for n in names if n in page) for page in pages] == names


def test_the_hand_over_pdf_follows_a_roll_by_hand(
    feed, client, course_set, organiser_headers, released
):
    hand = [released["zhang"], released["bernard"], released["diallo"]]
    feed.deliver(course_envelope(course_set, roll_order="hand", hand_order=hand))
    pages = pdf_texts(
        client.get(f"/api/ceremonies/{course_set}/certificates.pdf", headers=organiser_headers).data
    )
    names = ["Zhang Wei", "Claire Bernard", "Fatou Diallo", "Omar Haddad"]
    assert [next(n for n in names if n in page) for page in pages] == names


def test_no_certificate_to_hand_over_is_404(client, course_set, organiser_headers):
    response = client.get(
        f"/api/ceremonies/{course_set}/certificates.pdf", headers=organiser_headers
    )
    assert response.status_code == 404


def test_revoking_a_certificate_then_again(
    database, client, course_set, organiser_headers, released, viewer_headers
):
    mine = certificate_of(client, course_set, organiser_headers, released["zhang"])
    path = f"/api/certificates/{mine['id']}/revoke"
    assert client.post(path, json={}, headers=viewer_headers).status_code == 403
    response = client.post(path, json={"reason": "Issued in error"}, headers=organiser_headers)
    assert response.status_code == 200
    assert (response.json["status"], response.json["reason"]) == ("revoked", "Issued in error")
    again = client.post(path, json={}, headers=organiser_headers)
    assert (again.status_code, again.json["code"]) == (409, "already_revoked")
    revoked = [e for e in events(database, "certificate.revoked") if e["reason"]]
    assert [e["certificate_id"] for e in revoked] == [mine["id"]]
    verified = client.get(f"/api/verify/{mine['code']}").json
    assert (verified["status"], verified["revoke_reason"]) == ("revoked", "Issued in error")


def test_a_revoke_reason_too_long_is_422_naming_it(client, course_set, organiser_headers, released):
    mine = certificate_of(client, course_set, organiser_headers, released["zhang"])
    response = client.post(
        f"/api/certificates/{mine['id']}/revoke",
        json={"reason": "x" * 65},
        headers=organiser_headers,
    )
    assert response.status_code == 422 and "reason" in response.json["errors"]["json"]


def test_a_certificate_revoked_by_the_organiser_is_not_issued_again_by_a_release(
    client, course_set, organiser_headers, released
):
    mine = certificate_of(client, course_set, organiser_headers, released["zhang"])
    client.post(f"/api/certificates/{mine['id']}/revoke", json={}, headers=organiser_headers)
    again = client.post(
        f"/api/ceremonies/{course_set}/certificates/release", json={}, headers=organiser_headers
    )
    assert (again.json["issued"], again.json["skipped"]["revoked_by_organiser"]) == (0, 1)


def test_verify_is_public_json(client, course_set, organiser_headers, released):
    mine = certificate_of(client, course_set, organiser_headers, released["diallo"])
    response = client.get(f"/api/verify/{mine['code']}")
    assert response.status_code == 200
    body = response.json
    assert (body["status"], body["name"], body["kind"], body["result"]) == (
        "genuine",
        "Fatou Diallo",
        "completion",
        "distinction",
    )
    assert (body["hours"], body["starts_on"], body["course_title_en"]) == (
        "240.0",
        "2031-05-12",
        "Senior Officers' Course",
    )
    assert len(body["name_digest_hex"]) == 36


def test_verify_answers_not_genuine_for_nonsense(client):
    response = client.get("/api/verify/NOT-A-CODE")
    assert (response.status_code, response.json["status"], response.json["reason"]) == (
        200,
        "not_genuine",
        "malformed",
    )


def test_verify_refuses_a_code_over_256_characters_naming_code(client):
    response = client.get(f"/api/verify/{'A' * 257}")
    assert response.status_code == 422 and list(response.json["errors"]) == ["code"]


def test_the_public_keys_of_a_ceremony(client, course_set, released):
    response = client.get(f"/api/ceremonies/{course_set}/certificate-keys")
    assert response.status_code == 200
    (key,) = response.json["keys"]
    assert response.json["ceremony_id"] == str(course_set)
    assert key["active"] is True and len(key["kid"]) == 8
    assert public_key_from_b64(key["public_key"]) is not None
    assert client.get(f"/api/ceremonies/{uuid.uuid4()}/certificate-keys").status_code == 404


def test_each_event_is_published_once(database, released):
    issued = events(database, "certificate.issued")
    assert len(issued) == 4 and len({e["certificate_id"] for e in issued}) == 4
    assert {e["name"] for e in issued} == {
        "Fatou Diallo",
        "Zhang Wei",
        "Claire Bernard",
        "Omar Haddad",
    }
