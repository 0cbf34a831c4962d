"""Rate limits on what anyone may reach: per client address, per ceremony, 429 with Retry-After.

Counters in memory for one process; in Redis (a real one on 127.0.0.1) replicas share them.
"""

from __future__ import annotations

import socket
import uuid

import pytest

from services.badges.app import create_app as badges_app
from services.badges.service import SERVICE as BADGES
from services.registration.app import create_app as registration_app
from services.registration.service import SERVICE as REGISTRATION
from tests.conftest import make_settings, migrated, service_missing
from tests.registration.conftest import ceremony_body

LIMITS = {"rate_limit_per_address": "3/minute", "rate_limit_per_ceremony": "5/minute"}


def registration(tmp_path, **overrides):
    settings = migrated(
        REGISTRATION, make_settings("registration", tmp_path, **LIMITS, **overrides)
    )
    app = registration_app(settings)
    app.testing = True
    return app


def register(client, ceremony_id, n: int, address: str):
    return client.post(
        f"/api/ceremonies/{ceremony_id}/registrations",
        json={"full_name": f"Guest {n}", "email": f"g{n}@example.org"},
        environ_base={"REMOTE_ADDR": address},
    )


@pytest.fixture
def ceremony_id(tmp_path, organiser_headers):
    app = registration(tmp_path)
    body = ceremony_body(capacity=100)
    created = app.test_client().post("/api/ceremonies", json=body, headers=organiser_headers)
    return app, created.json["id"]


def test_one_address_is_held_back_with_a_json_429(ceremony_id):
    app, cid = ceremony_id
    client = app.test_client()
    statuses = [register(client, cid, n, "10.0.0.1").status_code for n in range(4)]
    assert statuses == [201, 201, 201, 429]
    refused = register(client, cid, 9, "10.0.0.1")
    assert refused.json["code"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) > 0
    # Another address still may.
    assert register(client, cid, 10, "10.0.0.2").status_code == 201


def test_all_addresses_together_are_held_back_per_ceremony(ceremony_id):
    app, cid = ceremony_id
    client = app.test_client()
    statuses = [register(client, cid, n, f"10.0.1.{n}").status_code for n in range(7)]
    assert statuses == [201] * 5 + [429] * 2


def test_organisers_are_not_held_back(ceremony_id, organiser_headers):
    app, cid = ceremony_id
    client = app.test_client()
    statuses = [
        client.post(
            f"/api/ceremonies/{cid}/registrations",
            json={"full_name": f"Delegate {n}", "email": f"d{n}@example.org"},
            headers=organiser_headers,
        ).status_code
        for n in range(8)
    ]
    assert statuses == [201] * 8


def test_guest_pages_are_held_back_too(ceremony_id):
    app, _ = ceremony_id
    client = app.test_client()
    statuses = [client.get(f"/rsvp/not-a-link-{n}").status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]


def test_a_forwarded_address_counts_only_behind_a_trusted_proxy(tmp_path, organiser_headers):
    for trusted, expected in ((0, [201, 201, 201, 429]), (1, [201, 201, 201, 201])):
        app = registration(tmp_path / str(trusted), trusted_proxies=trusted)
        client = app.test_client()
        cid = client.post(
            "/api/ceremonies", json=ceremony_body(capacity=100), headers=organiser_headers
        ).json["id"]
        statuses = [
            client.post(
                f"/api/ceremonies/{cid}/registrations",
                json={"full_name": f"Guest {n}", "email": f"g{n}@example.org"},
                headers={"X-Forwarded-For": f"192.0.2.{n}"},
                environ_base={"REMOTE_ADDR": "10.9.9.9"},
            ).status_code
            for n in range(4)
        ]
        assert statuses == expected, trusted


def test_the_door_sign_in_is_held_back_for_bad_tokens_only(tmp_path, staff_headers):
    settings = migrated(BADGES, make_settings("badges", tmp_path, **LIMITS))
    client = badges_app(settings).test_client()
    bad = {"Authorization": "Bearer guess"}
    assert [client.get("/api/door/session", headers=bad).status_code for _ in range(4)] == [
        401,
        401,
        401,
        429,
    ]
    assert client.get("/api/door/session", headers=staff_headers).status_code == 200


def redis_up() -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.integration
def test_replicas_share_their_counters_in_redis(tmp_path, organiser_headers):
    if not redis_up():
        service_missing("Redis on 127.0.0.1:6379")
    first = registration(tmp_path / "a", rate_limit_storage_url="redis://127.0.0.1:6379/0")
    cid = (
        first.test_client()
        .post("/api/ceremonies", json=ceremony_body(capacity=100), headers=organiser_headers)
        .json["id"]
    )
    # The second replica shares the first's database and Redis.
    second = registration_app(first.extensions["ceremony"].settings)
    second.testing = True
    a, b = first.test_client(), second.test_client()
    # An address of its own each run: counters of an earlier run may still be in Redis.
    address = "10." + ".".join(str(part % 250) for part in uuid.uuid4().bytes[:3])
    statuses = [
        register(client, cid, n, address).status_code for n, client in enumerate((a, b, a, b))
    ]
    assert statuses == [201, 201, 201, 429]
