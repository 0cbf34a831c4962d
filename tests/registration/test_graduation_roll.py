"""The graduation roll: who is on it (confirmed participants), the orders it is called in
(family name with accents, group, precedence, by hand with the unlisted following), the
printed roll and name cards, the certificates the badges service reports, each heard once,
and what erasure forgets."""

from __future__ import annotations

import uuid

import pypdfium2
import pytest

from services.registration.graduation import erase_graduation, graduation_of, roll
from services.registration.service import SERVICE
from shared.events import make_envelope, parse_envelope
from shared.worker import EventWorker
from tests.registration.test_graduation_course import COURSE, outbox_events, with_course
from tests.registration.test_graduation_course import course_ceremony as course_ceremony
from tests.registration.test_graduation_results import add, graduation_url


@pytest.fixture
def cohort(client, course_ceremony, organiser_headers) -> dict:
    """Five participants, a guest and a cancelled participant."""
    ceremony, headers = course_ceremony, organiser_headers
    people = {
        "zoe": add(client, ceremony, headers, "Zoë Adams", "zoe@example.org", precedence=3),
        "elise": add(client, ceremony, headers, "Élise Martin", "elise@example.org"),
        "emma": add(client, ceremony, headers, "Emma Ëlmer", "emma@example.org", precedence=1),
        "wang": add(
            client,
            ceremony,
            headers,
            "王建国",
            "wang@example.org",
            given_name="建国",
            family_name="王",
            family_first=True,
            name_latin="Wang Jianguo",
        ),
        "kovacs": add(
            client, ceremony, headers, "Kovács Anna", "anna@example.org", family_first=True
        ),
        "guest": add(client, ceremony, headers, "Ada Aaron", "ada@example.org", "guest"),
        "gone": add(client, ceremony, headers, "Bob Abbot", "bob@example.org"),
    }
    cancel = f"/api/registrations/{people['gone']['id']}/cancel"
    assert client.post(cancel, headers=headers).status_code == 200
    for key, group in (("zoe", "B"), ("elise", "A"), ("emma", "B"), ("wang", "A")):
        response = client.patch(graduation_url(people[key]), json={"group": group}, headers=headers)
        assert response.status_code == 200, response.json
    return people


def roll_of(client, ceremony, headers) -> dict:
    response = client.get(f"/api/ceremonies/{ceremony['id']}/roll", headers=headers)
    assert response.status_code == 200, response.json
    return response.json


def names(graduates: list[dict]) -> list[str]:
    return [graduate["full_name"] for graduate in graduates]


def set_order(client, ceremony, headers, **body):
    return client.put(f"/api/ceremonies/{ceremony['id']}/roll", json=body, headers=headers)


def test_the_roll_is_alphabetical_by_family_name_by_default(
    client, course_ceremony, cohort, organiser_headers
):
    shown = roll_of(client, course_ceremony, organiser_headers)
    assert shown["order"] == "family_name"
    # Accents are ignored (Ëlmer with Elmer), a family-first name sorts on its family name.
    assert names(shown["graduates"]) == [
        "Zoë Adams",
        "Emma Ëlmer",
        "Kovács Anna",
        "Élise Martin",
        "王建国",
    ]
    first = shown["graduates"][0]
    assert first["position"] == 1 and first["group"] == "B" and first["certificate"] is None
    wang = shown["graduates"][-1]
    assert (wang["family_name"], wang["family_first"], wang["name_latin"]) == (
        "王",
        True,
        "Wang Jianguo",
    )


def test_the_roll_by_group_then_family_name(client, course_ceremony, cohort, organiser_headers):
    with_course(client, course_ceremony, organiser_headers)
    response = set_order(client, course_ceremony, organiser_headers, order="group")
    assert response.status_code == 200, response.json
    assert names(response.json["graduates"]) == [
        "Élise Martin",
        "王建国",
        "Zoë Adams",
        "Emma Ëlmer",
        "Kovács Anna",
    ]


def test_the_roll_by_precedence_then_family_name(
    client, course_ceremony, cohort, organiser_headers
):
    with_course(client, course_ceremony, organiser_headers, roll_order="precedence")
    assert names(roll_of(client, course_ceremony, organiser_headers)["graduates"]) == [
        "Emma Ëlmer",
        "Zoë Adams",
        "Kovács Anna",
        "Élise Martin",
        "王建国",
    ]


def test_the_roll_by_hand_with_the_unlisted_following_by_family_name(
    app, client, course_ceremony, cohort, organiser_headers
):
    with_course(client, course_ceremony, organiser_headers)
    hand = [cohort["wang"]["id"], cohort["elise"]["id"]]
    response = set_order(client, course_ceremony, organiser_headers, order="hand", hand_order=hand)
    assert response.status_code == 200, response.json
    assert response.json["hand_order"] == hand
    assert names(response.json["graduates"]) == [
        "王建国",
        "Élise Martin",
        "Zoë Adams",
        "Emma Ëlmer",
        "Kovács Anna",
    ]
    latest = parse_envelope(outbox_events(app, "course.updated")[-1]).data["course"]
    assert latest["roll_order"] == "hand" and [str(i) for i in latest["hand_order"]] == hand
    # Changing the mode alone keeps the order by hand for later.
    back = set_order(client, course_ceremony, organiser_headers, order="family_name")
    assert back.json["hand_order"] == hand and back.json["order"] == "family_name"


def test_setting_the_order_without_a_course_is_a_conflict_and_creates_none(
    client, course_ceremony, cohort, organiser_headers
):
    response = set_order(client, course_ceremony, organiser_headers, order="group")
    assert (response.status_code, response.json["code"]) == (409, "course_not_found")
    course = client.get(
        f"/api/ceremonies/{course_ceremony['id']}/course", headers=organiser_headers
    )
    assert course.status_code == 404


def test_a_bad_order_is_a_422(client, course_ceremony, cohort, organiser_headers):
    with_course(client, course_ceremony, organiser_headers)
    response = set_order(client, course_ceremony, organiser_headers, order="height")
    assert response.status_code == 422 and "order" in response.json["errors"]["json"]
    twice = [cohort["wang"]["id"]] * 2
    response = set_order(client, course_ceremony, organiser_headers, order="hand", hand_order=twice)
    assert response.status_code == 422
    assert response.json["errors"]["hand_order"] == {"1": ["Listed already at position 0."]}


# Printed


def pdf_text(data: bytes) -> str:
    document = pypdfium2.PdfDocument(data)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()


@pytest.mark.parametrize("path", ["roll.pdf", "name-cards.pdf"])
def test_the_printed_roll_and_name_cards_name_every_graduate(
    client, course_ceremony, cohort, organiser_headers, path
):
    with_course(client, course_ceremony, organiser_headers)
    response = client.get(
        f"/api/ceremonies/{course_ceremony['id']}/{path}?language=fr", headers=organiser_headers
    )
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Martin" in text and "Wang Jianguo" in text
    assert "Ada Aaron" not in text and "Abbot" not in text


def test_a_bad_language_for_the_printed_roll_is_a_422(client, course_ceremony, organiser_headers):
    response = client.get(
        f"/api/ceremonies/{course_ceremony['id']}/roll.pdf?language=../../x",
        headers=organiser_headers,
    )
    assert response.status_code == 422 and "language" in response.json["errors"]["query"]


# Certificates heard from the badges service


def certificate_event(event_type, registration, ceremony, certificate_id, *, replaces=None):
    data = {
        "certificate_id": certificate_id,
        "ceremony_id": ceremony["id"],
        "registration_id": registration["id"],
        "kind": "completion",
        "result": "completed",
        "code": "CERT1.signed-code",
        "name": registration.get("full_name") or "Élise Martin",
        "replaces": replaces,
        "reason": "name_corrected" if event_type == "certificate.revoked" else None,
    }
    return parse_envelope(make_envelope(event_type, data, "badges"))


@pytest.fixture
def worker(settings, database):
    handlers = SERVICE.build_handlers(settings, database)
    worker = EventWorker(SERVICE, settings, database, handlers)
    yield worker
    worker.close()


@pytest.fixture
def database(app):
    return app.extensions["ceremony"].database


def deliver(worker, event) -> bool:
    return worker.handle(event, worker.handlers[event.type])


def test_an_issued_certificate_is_on_the_roll_once_whatever_the_redeliveries(
    client, course_ceremony, cohort, organiser_headers, worker
):
    first = uuid.uuid4()
    event = certificate_event("certificate.issued", cohort["elise"], course_ceremony, first)
    assert deliver(worker, event) is True
    assert deliver(worker, event) is False
    elise = next(
        g
        for g in roll_of(client, course_ceremony, organiser_headers)["graduates"]
        if g["full_name"] == "Élise Martin"
    )
    assert elise["certificate"]["id"] == str(first)
    assert (elise["certificate"]["kind"], elise["certificate"]["status"]) == (
        "completion",
        "issued",
    )
    record = client.get(graduation_url(cohort["elise"]), headers=organiser_headers).json
    assert [c["id"] for c in record["certificates"]] == [str(first)]


def test_a_replacement_stands_and_the_old_one_is_revoked_in_any_order(
    app, course_ceremony, cohort, worker, database
):
    old, new = uuid.uuid4(), uuid.uuid4()
    elise = cohort["elise"]
    issued_old = certificate_event("certificate.issued", elise, course_ceremony, old)
    revoked_old = certificate_event("certificate.revoked", elise, course_ceremony, old)
    issued_new = certificate_event("certificate.issued", elise, course_ceremony, new, replaces=old)
    # The replacement and the revocation arrive before the first issue did.
    for event in (issued_new, revoked_old, issued_old):
        assert deliver(worker, event) is True
    with database.transaction() as session:
        record = graduation_of(session, uuid.UUID(elise["id"]))
    assert record["certificate"]["id"] == new and record["certificate"]["status"] == "issued"
    statuses = {c["id"]: c["status"] for c in record["certificates"]}
    assert statuses == {new: "issued", old: "revoked"}


def test_a_revoked_certificate_shows_as_revoked(course_ceremony, cohort, worker, database):
    ident = uuid.uuid4()
    for event_type in ("certificate.issued", "certificate.revoked"):
        event = certificate_event(event_type, cohort["zoe"], course_ceremony, ident)
        assert deliver(worker, event) is True
    with database.transaction() as session:
        [zoe] = [g for g in roll(session, uuid.UUID(course_ceremony["id"])) if g["group"] == "B"][
            :1
        ]
    assert zoe["certificate"]["status"] == "revoked"


def test_a_certificate_for_another_ceremony_s_registration_changes_nothing(
    client, organiser_headers, course_ceremony, cohort, worker, database
):
    other = {"id": str(uuid.uuid4())}
    event = certificate_event("certificate.issued", cohort["zoe"], other, uuid.uuid4())
    assert deliver(worker, event) is True
    with database.transaction() as session:
        assert graduation_of(session, uuid.UUID(cohort["zoe"]["id"]))["certificates"] == []


# Erasure


def test_erasure_forgets_the_phonetic_spelling_and_group(
    client, course_ceremony, cohort, organiser_headers, database
):
    url = graduation_url(cohort["zoe"])
    body = {"phonetic": "ZOH-ee", "result": "completed"}
    assert client.patch(url, json=body, headers=organiser_headers).status_code == 200
    with database.transaction() as session:
        erase_graduation(session, registration_id=uuid.UUID(cohort["zoe"]["id"]))
    with database.transaction() as session:
        record = graduation_of(session, uuid.UUID(cohort["zoe"]["id"]))
    assert (record["phonetic"], record["group"], record["result"]) == (None, None, "completed")
    with database.transaction() as session:
        erase_graduation(session, ceremony_id=uuid.UUID(course_ceremony["id"]))
        assert all(g["group"] is None for g in roll(session, uuid.UUID(course_ceremony["id"])))


def test_an_erased_participant_leaves_the_roll(client, course_ceremony, cohort, organiser_headers):
    erase = f"/api/registrations/{cohort['zoe']['id']}/erase"
    assert client.post(erase, headers=organiser_headers).status_code == 200
    assert "Zoë Adams" not in names(
        roll_of(client, course_ceremony, organiser_headers)["graduates"]
    )


def test_the_course_for_the_printed_roll_carries_its_images(
    client, course_ceremony, organiser_headers, database
):
    from services.registration.graduation import get_course
    from tests.registration.test_graduation_course import png_of, upload

    with_course(client, course_ceremony, organiser_headers)
    tail = "/signatories/0/signature"
    assert upload(client, course_ceremony, tail, png_of(), organiser_headers).status_code == 200
    with database.transaction() as session:
        course = get_course(session, uuid.UUID(course_ceremony["id"]), images=True)
    assert course["signatories"][0]["signature"].startswith(b"\x89PNG")
    assert course["signatories"][1]["signature"] is None
    assert course["title"] == COURSE["title"]


def test_the_console_s_order_by_hand_is_checked_as_the_api_s(
    client, course_ceremony, cohort, organiser_headers, database
):
    from services.registration.graduation import set_roll_order
    from shared.errors import DomainError

    with_course(client, course_ceremony, organiser_headers)
    ceremony_id = uuid.UUID(course_ceremony["id"])
    with pytest.raises(DomainError) as refused, database.transaction() as session:
        set_roll_order(session, ceremony_id, "hand", ["not-an-id", cohort["guest"]["id"]])
    assert refused.value.errors == {"hand_order": {"0": ["Not a valid UUID."]}}
    with pytest.raises(DomainError) as refused, database.transaction() as session:
        set_roll_order(session, ceremony_id, "alphabetical")
    assert list(refused.value.errors) == ["order"]
