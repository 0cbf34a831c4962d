"""Door devices: enrolled at a gate by a QR code (once, within 15 minutes), listed, revoked;
a revoked device is refused by the badges service once the revocation reaches it."""

from __future__ import annotations

import base64
import io
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select, update

from services.badges.app import create_app as create_badges_app
from services.badges.service import SERVICE as BADGES
from services.registration.devices import ENROLMENT
from services.registration.models import Ceremony, Device, audit, credentials, outbox
from services.registration.service import SERVICE
from shared.events import make_envelope, parse_envelope
from shared.worker import EventWorker
from tests.badges.fixtures import Feed
from tests.conftest import make_settings, migrated, wait_for
from tests.registration.conftest import ceremony_body, register


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def enrol(client, ceremony_id, headers, **body):
    return client.post(
        f"/api/ceremonies/{ceremony_id}/devices", json={"gate": "North", **body}, headers=headers
    )


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def outbox_events(database, event_type: str | None = None) -> list[dict]:
    """The envelopes in the registration outbox, oldest first."""
    query = select(outbox.c.body).order_by(outbox.c.id)
    if event_type:
        query = query.where(outbox.c.event_type == event_type)
    with database.transaction() as session:
        return [json.loads(body) for body in session.scalars(query)]


def audit_actions(database, subject_id) -> list[str]:
    query = select(audit.c.action).where(audit.c.subject_id == str(subject_id)).order_by(audit.c.at)
    with database.transaction() as session:
        return list(session.scalars(query))


@pytest.fixture
def database(app):
    return app.extensions["ceremony"].database


@pytest.fixture
def device(client, ceremony, organiser_headers) -> dict:
    response = enrol(client, ceremony["id"], organiser_headers, name="Steward's phone")
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def protocol_headers(signer, ceremony) -> dict[str, str]:
    """A protocol officer's key for this ceremony only."""
    return bearer(signer.issue_token("protocol", ceremony_id=ceremony["id"]))


@pytest.fixture
def other_ceremony(client, organiser_headers) -> dict:
    body = ceremony_body(title="National Day Reception")
    return client.post("/api/ceremonies", json=body, headers=organiser_headers).json


# -- enrolment code -----------------------------------------------------------------------


def test_a_protocol_officer_gets_a_qr_code_of_the_enrolment_link(
    client, ceremony, protocol_headers, settings
):
    before = datetime.now(UTC)
    response = enrol(client, ceremony["id"], protocol_headers)
    assert response.status_code == 201, response.json
    body = response.json
    assert (body["gate"], body["name"], body["status"]) == ("North", "Door at North", "waiting")
    assert body["enrol_url"].startswith(f"{settings.public_url}/enrol/")
    until = datetime.fromisoformat(body["enrol_until"])
    assert timedelta(minutes=14) < until - before <= timedelta(minutes=15, seconds=5)
    header, _, data = body["qr_png"].partition(",")
    assert header == "data:image/png;base64"
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    assert [found.text for found in zxingcpp.read_barcodes(image)] == [body["enrol_url"]]


def test_the_enrolment_page_names_gate_and_ceremony_and_changes_nothing(
    client, device, ceremony, organiser_headers
):
    for _ in range(2):
        page = client.get(path_of(device["enrol_url"]))
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Sign in this device at gate" in text
        assert "North" in text and ceremony["title"] in text
        assert text.count("<button") == 1
        assert page.headers["Cache-Control"] == "no-store"
    listed = client.get(f"/api/ceremonies/{ceremony['id']}/devices", headers=organiser_headers)
    assert [d["status"] for d in listed.json] == ["waiting"]


def test_enrolment_signs_the_device_in_at_its_gate_once(
    client, device, ceremony, signer, database, organiser_headers
):
    path = path_of(device["enrol_url"])
    answer = client.post(path)
    assert answer.status_code == 303
    door, _, credential = answer.headers["Location"].partition("#device=")
    assert door == "http://127.0.0.1:8002/scan"
    principal = signer.verify_token(credential)
    assert (principal.kind, principal.credential_id, principal.role) == (
        "device",
        device["id"],
        "door",
    )
    assert (principal.ceremony_id, principal.gate) == (ceremony["id"], "North")
    ends = datetime.fromisoformat(ceremony["ends_at"])
    assert principal.expires_at == pytest.approx((ends + timedelta(days=1)).timestamp(), abs=2)

    again = client.post(path)
    assert again.status_code == 410
    assert "already used" in again.get_data(as_text=True)
    assert client.get(path).status_code == 410
    listed = client.get(f"/api/ceremonies/{ceremony['id']}/devices", headers=organiser_headers)
    [shown] = listed.json
    assert shown["status"] == "enrolled" and shown["enrolled_at"]
    assert datetime.fromisoformat(shown["expires_at"]) == ends + timedelta(days=1)
    assert audit_actions(database, device["id"]) == ["device.enrolment_created", "device.enrolled"]


def test_an_expired_code_gets_410(client, device, signer, database):
    stale = signer.issue_capability(ENROLMENT, device["id"], ttl_seconds=-1)
    for answer in (client.get(f"/enrol/{stale}"), client.post(f"/enrol/{stale}")):
        assert answer.status_code == 410
        assert "expired" in answer.get_data(as_text=True)
    with database.transaction() as session:
        session.execute(
            update(Device)
            .where(Device.id == uuid.UUID(device["id"]))
            .values(enrol_until=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert client.post(path_of(device["enrol_url"])).status_code == 410


def test_a_forged_code_gets_404_and_a_badge_link_is_no_enrolment_code(client, device, signer):
    assert client.get("/enrol/not-a-code").status_code == 404
    other_purpose = signer.issue_capability("manage-registration", device["id"], ttl_seconds=60)
    assert client.post(f"/enrol/{other_purpose}").status_code == 404
    unknown = signer.issue_capability(ENROLMENT, uuid.uuid4(), ttl_seconds=60)
    assert client.post(f"/enrol/{unknown}").status_code == 404


def test_a_revoked_device_cannot_be_enrolled(client, device, organiser_headers):
    client.post(f"/api/devices/{device['id']}/revoke", headers=organiser_headers)
    answer = client.post(path_of(device["enrol_url"]))
    assert answer.status_code == 410
    assert "revoked" in answer.get_data(as_text=True)


def test_no_device_is_enrolled_for_an_ended_ceremony(client, device, ceremony, organiser_headers):
    database = client.application.extensions["ceremony"].database
    ended = datetime.now(UTC) - timedelta(days=2)
    with database.transaction() as session:
        session.execute(
            update(Ceremony)
            .where(Ceremony.id == uuid.UUID(ceremony["id"]))
            .values(starts_at=ended - timedelta(hours=2), ends_at=ended)
        )
    assert client.get(path_of(device["enrol_url"])).status_code == 410
    assert client.post(path_of(device["enrol_url"])).status_code == 410
    refused = enrol(client, ceremony["id"], organiser_headers)
    assert (refused.status_code, refused.json["code"]) == (409, "ceremony_ended")


# -- who may ------------------------------------------------------------------------------


def test_a_viewer_or_a_door_key_cannot_enrol_devices(
    client, ceremony, viewer_headers, staff_headers, signer
):
    bound_door = bearer(signer.issue_token("door", ceremony_id=ceremony["id"], gate="North"))
    for headers in (viewer_headers, staff_headers, bound_door):
        answer = enrol(client, ceremony["id"], headers)
        assert (answer.status_code, answer.json["code"]) == (403, "forbidden")
    assert enrol(client, ceremony["id"], {}).status_code == 401


def test_a_key_for_one_ceremony_cannot_act_on_another(
    client, device, other_ceremony, protocol_headers, signer
):
    answer = enrol(client, other_ceremony["id"], protocol_headers)
    assert (answer.status_code, answer.json["code"]) == (403, "wrong_ceremony")
    listed = client.get(f"/api/ceremonies/{other_ceremony['id']}/devices", headers=protocol_headers)
    assert (listed.status_code, listed.json["code"]) == (403, "wrong_ceremony")
    other_key = bearer(signer.issue_token("protocol", ceremony_id=other_ceremony["id"]))
    revoked = client.post(f"/api/devices/{device['id']}/revoke", headers=other_key)
    assert (revoked.status_code, revoked.json["code"]) == (403, "wrong_ceremony")


def test_viewers_list_devices_and_the_door_does_not(
    client, ceremony, device, viewer_headers, staff_headers
):
    url = f"/api/ceremonies/{ceremony['id']}/devices"
    listed = client.get(url, headers=viewer_headers)
    assert listed.status_code == 200
    assert [(d["id"], d["name"], d["gate"]) for d in listed.json] == [
        (device["id"], "Steward's phone", "North")
    ]
    assert {"enrol_url", "qr_png"}.isdisjoint(listed.json[0])
    assert client.get(url, headers=staff_headers).status_code == 403


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "gate"),
        ({"gate": ""}, "gate"),
        ({"gate": "G" * 65}, "gate"),
        ({"gate": "North\nGate"}, "gate"),
        ({"gate": "North", "name": "N" * 101}, "name"),
        ({"gate": "North", "colour": "red"}, "colour"),
    ],
)
def test_bad_device_input_is_refused_by_name(client, ceremony, organiser_headers, body, field):
    answer = client.post(
        f"/api/ceremonies/{ceremony['id']}/devices", json=body, headers=organiser_headers
    )
    assert answer.status_code == 422
    assert field in answer.json["errors"]["json"]


def test_an_unknown_ceremony_or_device_is_404(client, organiser_headers):
    assert enrol(client, uuid.uuid4(), organiser_headers).status_code == 404
    revoked = client.post(f"/api/devices/{uuid.uuid4()}/revoke", headers=organiser_headers)
    assert (revoked.status_code, revoked.json["code"]) == (404, "device_not_found")


# -- revoking -----------------------------------------------------------------------------


def test_revoking_refuses_the_device_here_at_once_and_tells_the_suite(
    client, device, ceremony, protocol_headers, database
):
    credential = client.post(path_of(device["enrol_url"])).headers["Location"].split("=", 1)[1]
    devices_url = f"/api/ceremonies/{ceremony['id']}/devices"
    # A door device reads no lists; it is known, though.
    assert client.get(devices_url, headers=bearer(credential)).json["code"] == "forbidden"

    answer = client.post(f"/api/devices/{device['id']}/revoke", headers=protocol_headers)
    assert answer.status_code == 200
    assert answer.json["status"] == "revoked" and answer.json["revoked_at"]
    refused = client.get(devices_url, headers=bearer(credential))
    assert (refused.status_code, refused.json["code"]) == (401, "credential_revoked")

    again = client.post(f"/api/devices/{device['id']}/revoke", headers=protocol_headers)
    assert again.json["revoked_at"] == answer.json["revoked_at"]
    [event] = outbox_events(database, "credential.revoked")
    assert (event["data"]["credential_id"], event["data"]["kind"]) == (device["id"], "device")
    with database.transaction() as session:
        kept = session.execute(select(credentials.revocations)).all()
    assert [(row.credential_id, row.kind) for row in kept] == [(device["id"], "device")]
    assert audit_actions(database, device["id"])[-1] == "device.revoked"


@pytest.fixture
def badges_app(tmp_path):
    settings = migrated(BADGES, make_settings("badges", tmp_path / "badges"))
    app = create_badges_app(settings)
    app.testing = True
    feed = Feed(settings, app.extensions["ceremony"].database)
    app.feed = feed
    yield app
    feed.close()
    app.extensions["ceremony"].database.dispose()


def relay(database, feed, *, after: int = 0) -> int:
    """Hand the registration outbox's events (from the ``after``-th on) to the badges
    handlers, as the bus would; returns how many there are in all."""
    events = outbox_events(database)
    for envelope in events[after:]:
        feed.deliver(envelope)
    return len(events)


def test_a_revoked_device_is_refused_by_the_badges_service(
    client, ceremony, device, badges_app, database, organiser_headers
):
    register(client, ceremony["id"], "ada@example.org")
    credential = client.post(path_of(device["enrol_url"])).headers["Location"].split("=", 1)[1]
    relayed = relay(database, badges_app.feed)
    door = badges_app.test_client()
    session = door.get("/api/door/session", headers=bearer(credential))
    assert session.status_code == 200
    assert (session.json["ceremony_id"], session.json["gate"]) == (ceremony["id"], "North")

    client.post(f"/api/devices/{device['id']}/revoke", headers=organiser_headers)
    relay(database, badges_app.feed, after=relayed)

    def refused():
        answer = door.get("/api/door/session", headers=bearer(credential))
        return answer.status_code == 401 and answer.json["code"] == "credential_revoked"

    # The badges service re-reads its revocations at most a second after it last did.
    wait_for(refused, timeout=3)


def test_the_device_last_scan_comes_back_from_the_door(
    client, ceremony, device, badges_app, database, settings, organiser_headers
):
    guest = register(client, ceremony["id"], "ada@example.org").json["id"]
    credential = client.post(path_of(device["enrol_url"])).headers["Location"].split("=", 1)[1]
    relay(database, badges_app.feed)
    door = badges_app.test_client()
    admin = organiser_headers
    code = door.get(f"/api/registrations/{guest}/badge", headers=admin).json["code"]
    scanned = door.post("/api/checkins", json={"code": code}, headers=bearer(credential))
    assert (scanned.status_code, scanned.json["result"], scanned.json["gate"]) == (
        201,
        "admitted",
        "North",
    )
    badges_db = badges_app.extensions["ceremony"].database
    badges_outbox = BADGES.metadata.tables["outbox"]
    with badges_db.transaction() as session:
        [body] = session.scalars(
            select(badges_outbox.c.body).where(badges_outbox.c.event_type == "checkin.recorded")
        )
    recorded = json.loads(body)
    assert recorded["data"]["device_id"] == device["id"]

    worker = EventWorker(SERVICE, settings, database, SERVICE.build_handlers(settings, database))
    try:
        event = parse_envelope(recorded)
        assert worker.handle(event, worker.handlers[event.type]) is True
        assert worker.handle(event, worker.handlers[event.type]) is False
    finally:
        worker.close()
    listed = client.get(f"/api/ceremonies/{ceremony['id']}/devices", headers=admin).json
    assert datetime.fromisoformat(listed[0]["last_scan_at"]) == datetime.fromisoformat(
        recorded["data"]["at"]
    )


def checkin_event(ceremony_id, device_id, at: datetime) -> dict:
    guest = {"full_name": "Ada Guest", "category": "guest", "honorific": None}
    data = {
        "checkin_id": uuid.uuid4(),
        "ceremony_id": ceremony_id,
        "registration_id": uuid.uuid4(),
        "gate": "North",
        "direction": "in",
        "at": at,
        "guest": {**guest, "organisation": None},
        "device_id": device_id,
    }
    return make_envelope("checkin.recorded", data, "badges")


def test_the_last_scan_only_moves_forward_and_other_scans_change_nothing(
    client, ceremony, device, database, settings
):
    handlers = SERVICE.build_handlers(settings, database)
    worker = EventWorker(SERVICE, settings, database, handlers)
    later = datetime(2031, 6, 20, 13, 5, tzinfo=UTC)
    try:
        for at, device_id in (
            (later, device["id"]),
            (later - timedelta(minutes=3), device["id"]),
            (later + timedelta(hours=1), None),
            (later + timedelta(hours=1), uuid.uuid4()),
        ):
            event = parse_envelope(checkin_event(ceremony["id"], device_id, at))
            assert worker.handle(event, handlers["checkin.recorded"]) is True
    finally:
        worker.close()
    with database.transaction() as session:
        assert session.get(Device, uuid.UUID(device["id"])).last_scan_at == later
