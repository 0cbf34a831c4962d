"""The graduation across the whole suite, on RabbitMQ and PostgreSQL: the organiser sets the
course and the results in registration, badges learns them from the bus and releases the
certificates, each graduate's email reaches the SMTP server with the PDF whose QR code opens
the verification page, the guest's page learns the certificate, and a corrected name revokes
the first certificate and sends the second."""

from __future__ import annotations

import io
import uuid

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from tests.conftest import wait_for
from tests.integration.suite import LiveSuite
from tests.registration.conftest import ceremony_body

pytestmark = pytest.mark.integration

COURSE = {
    "title": "Senior Officers' Course",
    "translations": {"zh": {"title": "高级军官课程"}},
    "starts_on": "2026-10-05",
    "ends_on": "2026-11-13",
    "hours": 240,
    "organisations": [{"name": "Institute for Peace Operations"}],
    "signatories": [{"name": "Dr Amina Diallo", "title": "Director General"}],
}


@pytest.fixture
def suite(tmp_path, amqp_url, postgres_databases, smtp_server):
    suite = LiveSuite(tmp_path / "var", amqp_url, postgres_databases, smtp_server.url)
    yield suite
    suite.close()


def signature_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (600, 200), (0, 0, 80, 255)).save(out, format="PNG")
    return out.getvalue()


def qr_of(pdf: bytes) -> str:
    """The text of the QR code on the PDF's first page."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=200 / 72).to_pil()
    finally:
        document.close()
    (found,) = zxingcpp.read_barcodes(image)
    return found.text


def certificate_letters(smtp_server) -> list:
    """The emails received that carry a certificate, oldest first."""
    letters = []
    for message in smtp_server.received:
        parsed = message.parsed()
        pdfs = [p for p in parsed.iter_attachments() if p.get_filename() == "certificate.pdf"]
        if pdfs:
            letters.append((parsed, pdfs[0].get_content()))
    return letters


def test_results_set_in_registration_become_certificates_that_verify_and_reach_their_holders(
    suite, smtp_server
):
    admin = suite.organiser()
    created = suite.call(
        "POST", "registration", "/api/ceremonies", json=ceremony_body(capacity=20), headers=admin
    )
    assert created.status_code == 201, created.text
    ceremony_id = created.json()["id"]

    def register(full_name: str, email: str, language: str, category: str) -> str:
        body = {"full_name": full_name, "email": email, "language": language, "category": category}
        response = suite.call(
            "POST",
            "registration",
            f"/api/ceremonies/{ceremony_id}/registrations",
            json=body,
            headers=admin,
        )
        assert response.status_code == 201, response.text
        return response.json()["id"]

    li = register("李伟", "li.wei@example.org", "zh", "participant")
    bello = register("Ana Bello", "ana.bello@example.org", "en", "participant")
    expert = register("Omar Haddad", "omar.haddad@example.org", "fr", "guest")

    course = f"/api/ceremonies/{ceremony_id}/course"
    assert suite.call("PUT", "registration", course, json=COURSE, headers=admin).status_code == 200
    uploaded = suite.call(
        "PUT",
        "registration",
        f"{course}/signatories/0/signature",
        files={"file": ("signature.png", signature_png(), "image/png")},
        headers=admin,
    )
    assert uploaded.status_code == 200, uploaded.text
    for registration_id, change in (
        (li, {"result": "distinction"}),
        (bello, {"result": "not_completed"}),
        (expert, {"appreciation": True}),
    ):
        path = f"/api/registrations/{registration_id}/graduation"
        answer = suite.call("PATCH", "registration", path, json=change, headers=admin)
        assert answer.status_code == 200, answer.text

    release = f"/api/ceremonies/{ceremony_id}/certificates/release"

    def released():
        # 409 until badges has the course, the results and the flag from the bus.
        answer = suite.call("POST", "badges", release, json={}, headers=admin)
        return answer.json() if answer.status_code == 200 and answer.json()["issued"] else None

    # Released as soon as badges knows one result; what arrives after is issued by itself.
    assert wait_for(released, timeout=40)["issued"] in (1, 2)

    listing = f"/api/ceremonies/{ceremony_id}/certificates"

    def issued():
        held = suite.call("GET", "badges", listing, headers=admin).json()
        return held if len(held) == 2 else None

    # The expert's flag may reach badges after the release began: it is issued all the same.
    wait_for(issued, timeout=40)
    wait_for(lambda: len(certificate_letters(smtp_server)) == 2 or None, timeout=40)
    by_recipient = {
        parsed["To"].addresses[0].addr_spec: (parsed, pdf)
        for parsed, pdf in certificate_letters(smtp_server)
    }
    assert set(by_recipient) == {"li.wei@example.org", "omar.haddad@example.org"}
    parsed, pdf = by_recipient["li.wei@example.org"]
    assert "高级军官课程" in parsed.get_body(("plain",)).get_content()
    url = qr_of(pdf)
    assert url.startswith(f"{suite.urls['badges']}/verify/")
    page = suite.http.get(url, params={"lang": "en"}, timeout=10)
    assert page.status_code == 200 and "Genuine certificate" in page.text
    assert "李伟" in page.text

    # The guest's page learns of the certificate from the bus.
    graduation = f"/api/registrations/{li}/graduation"

    def told():
        held = suite.call("GET", "registration", graduation, headers=admin).json()["certificate"]
        return held if held and held.get("status") == "issued" else None

    assert wait_for(told, timeout=30)

    # A corrected name: the first certificate is revoked, a second one sent.
    corrected = suite.call(
        "PATCH",
        "registration",
        f"/api/registrations/{li}",
        json={"full_name": "李 伟"},
        headers=admin,
    )
    assert corrected.status_code == 200, corrected.text
    wait_for(lambda: len(certificate_letters(smtp_server)) == 3 or None, timeout=40)
    second_parsed, second_pdf = certificate_letters(smtp_server)[-1]
    assert second_parsed["To"].addresses[0].addr_spec == "li.wei@example.org"
    old = suite.http.get(url, params={"lang": "en"}, timeout=10)
    assert old.status_code == 200 and "This certificate was revoked" in old.text
    new = suite.http.get(qr_of(second_pdf), params={"lang": "en"}, timeout=10)
    assert new.status_code == 200 and "李 伟" in new.text
    code = url.rsplit("/", 1)[1]
    verdict = suite.call("GET", "badges", f"/api/verify/{code}").json()
    assert (verdict["status"], verdict["revoke_reason"]) == ("revoked", "name_corrected")
    assert uuid.UUID(verdict["replaced_by"])
