"""Health, readiness, metrics and request ids of a service app (registration, SQLite, file bus)."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.registration.conftest import register


def metric(text: str, name: str, **labels) -> float | None:
    """The value of one sample in an exposition text, or None if it is not there."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return None


def test_healthz_answers_without_touching_anything(client):
    assert client.get("/healthz").json == {"status": "ok", "service": "registration"}


def test_readyz_reports_database_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready", "database": "ok", "broker": "ok"}


def test_the_request_counter_moves_with_requests(client, ceremony):
    route = "/api/ceremonies/<uuid:ceremony_id>/registrations"
    labels = {"service": "registration", "method": "POST", "route": route, "status": "201"}
    before = (
        metric(
            client.get("/metrics").get_data(as_text=True), "ceremony_http_requests_total", **labels
        )
        or 0
    )
    register(client, ceremony["id"], "ada@example.org")
    after = metric(
        client.get("/metrics").get_data(as_text=True), "ceremony_http_requests_total", **labels
    )
    assert after == before + 1


def test_the_outbox_backlog_gauge_counts_unpublished_events(client, ceremony):
    register(client, ceremony["id"], "ada@example.org")
    text = client.get("/metrics").get_data(as_text=True)
    # ceremony.created and registration.confirmed, with no relay running
    assert metric(text, "ceremony_outbox_backlog", service="registration") == 2
    assert metric(text, "ceremony_dead_letters", service="registration") == 0


def test_a_request_id_is_kept_or_made(client):
    assert (
        client.get("/healthz", headers={"X-Request-ID": "abc-123"}).headers["X-Request-ID"]
        == "abc-123"
    )
    made = client.get("/healthz", headers={"X-Request-ID": "bad id!"}).headers["X-Request-ID"]
    assert made != "bad id!" and len(made) == 32
