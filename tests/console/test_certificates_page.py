"""The certificates page of the console: releasing them (refused beside the button while no
graduate has a result, or with no course), only to graduates admitted at the door, the list with
each certificate's PDF and verification page, and revoking one with a reason."""

from __future__ import annotations

import re
import uuid

import pytest

from shared.events import make_envelope, parse_envelope
from tests.badges.test_verify_page import COURSE, graduate_envelope
from tests.console.harness import ConsoleWorld, error_beside, text_of

GRADUATES = [
    {"full_name": "Amina Diallo", "email": "amina@example.org"},
    {"full_name": "Li Wei", "email": "li@example.cn"},
    {"full_name": "Jean Dupont", "email": "jean@example.org"},
]


def deliver_to_badges(world, envelope: dict) -> None:
    """Hand an event of the graduation to the badges worker, as the bus would."""
    event = parse_envelope(envelope)
    worker = world.workers["badges"]
    worker.handle(event, worker.handlers[event.type])


def set_course(world) -> None:
    data = {"ceremony_id": world.ceremony_id, "course": COURSE, "revision": 1}
    deliver_to_badges(world, make_envelope("course.updated", data, "registration"))


def set_result(world, email: str, result: str | None, revision: int = 1) -> None:
    deliver_to_badges(
        world,
        graduate_envelope(
            uuid.UUID(world.ceremony_id), uuid.UUID(world.ids[email]), result, revision
        ),
    )


@pytest.fixture
def world(tmp_path):
    world = ConsoleWorld(tmp_path, capacity=100)
    world.ids = {}
    for person in GRADUATES:
        answer = world.api(
            "POST",
            f"/api/ceremonies/{world.ceremony_id}/registrations",
            json={**person, "category": "participant"},
        )
        world.ids[person["email"]] = answer.json["id"]
    world.page = f"/console/badges/{world.ceremony_id}/certificates"
    yield world
    world.close()


def open_page(world, **query):
    return world.browser("badges").get(world.page, query_string=query)


def post(world, **fields):
    return world.browser("badges").post(world.page, data=world.form(**fields))


def check_in(world, email: str) -> None:
    code = (
        world.client("badges")
        .get(f"/api/registrations/{world.ids[email]}/badge", headers=world.admin)
        .json["code"]
    )
    door = world.signer.issue_token("door", ceremony_id=world.ceremony_id)
    answer = world.client("badges").post(
        "/api/checkins",
        json={"code": code, "gate": "North"},
        headers={"Authorization": f"Bearer {door}"},
    )
    assert answer.status_code == 201, answer.json


def rows_of(page: str) -> dict[str, str]:
    """Each certificate row's words, by the holder's name."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = [text_of(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)]
    return {
        name: row
        for row in rows
        for name in ("Amina Diallo", "Li Wei", "Jean Dupont")
        if row.startswith(name)
    }


def test_the_page_is_in_the_menu_and_offers_the_release(world):
    page = open_page(world)
    assert page.status_code == 200
    menu_link = f"http://127.0.0.1:8002/console/badges/{world.ceremony_id}/certificates"
    assert f'href="{menu_link}" aria-current="page">Certificates</a>' in page.text
    words = text_of(page.text)
    assert "Release the certificates" in words
    assert "Only graduates admitted at the door" in words
    assert "No certificate is issued yet." in words


def test_releasing_before_any_result_is_refused_beside_the_button(world):
    set_course(world)
    answer = post(world, action="release")
    assert answer.status_code == 409
    assert error_beside(answer.text, "result") == "No graduate has a result yet."
    assert 'aria-describedby="error-result"' in answer.text
    assert "No certificate is issued yet." in text_of(answer.text)


def test_releasing_without_a_course_is_refused_beside_the_button(world):
    set_result(world, "amina@example.org", "completed")
    answer = post(world, action="release")
    assert answer.status_code == 409
    assert error_beside(answer.text, "course") == (
        "This ceremony has no course: set it before releasing."
    )


def test_releasing_issues_what_each_result_earns_and_lists_it(world):
    set_course(world)
    set_result(world, "amina@example.org", "distinction")
    set_result(world, "li@example.cn", "attended")
    set_result(world, "jean@example.org", "not_completed")
    answer = post(world, action="release")
    assert answer.status_code == 200
    assert "Certificates released: 2 issued, 0 issued before." in text_of(answer.text)
    rows = rows_of(answer.text)
    assert sorted(rows) == ["Amina Diallo", "Li Wei"]
    assert "Certificate of completion Completed with distinction issued" in rows["Amina Diallo"]
    assert "Certificate of attendance Attended issued" in rows["Li Wei"]
    again = post(world, action="release")
    assert "Certificates released: 0 issued, 2 issued before." in text_of(again.text)
    assert f"/api/ceremonies/{world.ceremony_id}/certificates.pdf" in answer.text
    assert "Released " in text_of(open_page(world).text)


def test_each_certificate_links_its_pdf_and_its_verification_page(world):
    set_course(world)
    set_result(world, "amina@example.org", "completed")
    post(world, action="release")
    page = open_page(world).text
    listed = world.client("badges").get(
        f"/api/ceremonies/{world.ceremony_id}/certificates", headers=world.admin
    )
    assert listed.status_code == 200, listed.json
    found = re.search(r'href="[^"]*/verify/([A-Z2-7]{192})"', page)
    assert found is not None
    verify = world.client("badges").get(f"/verify/{found.group(1)}?lang=en")
    assert verify.status_code == 200 and "Genuine certificate" in text_of(verify.text)
    pdf = re.search(r'href="[^"]*(/api/certificates/[0-9a-f-]{36}\.pdf)"', page)
    handover = re.search(r'href="[^"]*(/api/ceremonies/[0-9a-f-]{36}/certificates\.pdf)"', page)
    for link in (pdf[1], handover[1]):
        document = world.browser("badges").get(link)
        assert (document.status_code, document.mimetype) == (200, "application/pdf"), link
        assert document.data.startswith(b"%PDF")


def test_only_graduates_admitted_at_the_door(world):
    set_course(world)
    set_result(world, "amina@example.org", "completed")
    set_result(world, "li@example.cn", "completed")
    check_in(world, "li@example.cn")
    answer = post(world, action="release", only_admitted="on")
    assert answer.status_code == 200
    assert sorted(rows_of(answer.text)) == ["Li Wei"]
    assert "Only to graduates admitted at the door." in text_of(answer.text)


def test_revoking_a_certificate_with_a_reason(world):
    set_course(world)
    set_result(world, "amina@example.org", "completed")
    released = post(world, action="release").text
    certificate_id = re.search(r'name="certificate_id" value="([0-9a-f-]{36})"', released)[1]
    answer = post(world, action="revoke", certificate_id=certificate_id, reason="Issued in error")
    assert answer.status_code == 200
    assert "The certificate is revoked." in text_of(answer.text)
    assert "revoked" in rows_of(answer.text)["Amina Diallo"]
    code = re.search(r"/verify/([A-Z2-7]{192})", answer.text)[1]
    verify = world.client("badges").get(f"/verify/{code}?lang=en")
    assert "The organiser's reason: Issued in error" in text_of(verify.text)
    again = post(world, action="revoke", certificate_id=certificate_id, reason="Twice")
    assert again.status_code == 409
    assert "This certificate was revoked already." in text_of(again.text)


def test_a_reason_too_long_is_said_beside_the_field(world):
    set_course(world)
    set_result(world, "amina@example.org", "completed")
    released = post(world, action="release").text
    certificate_id = re.search(r'name="certificate_id" value="([0-9a-f-]{36})"', released)[1]
    answer = post(world, action="revoke", certificate_id=certificate_id, reason="x" * 65)
    assert answer.status_code == 422
    assert error_beside(answer.text, "reason") == "At most 64 characters."
    assert "issued" in rows_of(answer.text)["Amina Diallo"]


def test_a_certificate_of_another_ceremony_cannot_be_revoked_here(world):
    answer = post(world, action="revoke", certificate_id=str(uuid.uuid4()))
    assert answer.status_code == 404
    assert "This certificate is not one of this list." in text_of(answer.text)


def test_a_viewer_sees_the_list_but_cannot_release_or_revoke(world):
    set_course(world)
    set_result(world, "amina@example.org", "completed")
    post(world, action="release")
    account = str(uuid.uuid4())
    world.grant(account, "viewer")
    viewer = world.signer.issue_session(account)
    csrf = world.signer.csrf_token(world.signer.verify_token(viewer))
    browser = world.browser("badges", viewer)
    page = browser.get(world.page)
    assert page.status_code == 200
    assert "Amina Diallo" in text_of(page.text) and "Release the certificates" not in page.text
    assert 'name="certificate_id"' not in page.text
    refused = browser.post(world.page, data={"csrf_token": csrf, "action": "release"})
    assert refused.status_code == 403


def test_a_form_without_its_csrf_token_is_refused(world):
    answer = world.browser("badges").post(world.page, data={"action": "release"})
    assert answer.status_code == 403
