"""Health, readiness and Prometheus metrics of every service and worker."""

from __future__ import annotations

import logging
import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
    start_http_server,
)
from prometheus_client.core import REGISTRY, GaugeMetricFamily
from sqlalchemy import text

from . import topology
from .bus import connect, is_amqp
from .config import Settings
from .db import Database

log = logging.getLogger(__name__)

HTTP_REQUESTS = Counter(
    "ceremony_http_requests_total",
    "HTTP requests answered",
    ["service", "method", "route", "status"],
)
HTTP_SECONDS = Histogram(
    "ceremony_http_request_seconds",
    "Time to answer an HTTP request",
    ["service", "route"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_HANDLED = Counter(
    "ceremony_events_handled_total",
    "Events taken from a service's queue, by outcome",
    ["service", "event_type", "outcome"],
)
EVENTS_PUBLISHED = Counter(
    "ceremony_events_published_total",
    "Events the outbox relay published with confirms",
    ["service"],
)
CHECKINS = Counter("ceremony_checkins_total", "Door check-ins by verdict", ["result"])
DELIVERIES = Counter("ceremony_deliveries_total", "Emails by final status", ["status", "template"])


class StateCollector:
    """Gauges read at scrape time: the outbox backlog and the dead letters waiting."""

    def __init__(self, settings: Settings, database: Database, outbox):
        self.settings = settings
        self.database = database
        self.outbox = outbox

    def collect(self):
        """Yield the gauges that could be read now; an unreachable part is left out."""
        service = self.settings.service
        backlog = GaugeMetricFamily(
            "ceremony_outbox_backlog", "Events waiting to be published", labels=["service"]
        )
        try:
            from .outbox import backlog as count_backlog

            backlog.add_metric([service], count_backlog(self.database, self.outbox))
            yield backlog
        except Exception as exc:  # noqa: BLE001 - a scrape must answer with what it has
            log.warning("outbox backlog unavailable: %r", exc)
        dead = GaugeMetricFamily(
            "ceremony_dead_letters", "Messages in the service's dead queue", labels=["service"]
        )
        try:
            dead.add_metric([service], dead_letter_count(self.settings))
            yield dead
        except Exception as exc:  # noqa: BLE001 - same: the broker may be away
            log.warning("dead letter count unavailable: %r", exc)


def dead_letter_count(settings: Settings) -> int:
    """How many messages wait in the service's dead queue."""
    amqp = is_amqp(settings.broker_url)
    with connect(settings, connect_timeout=2) as connection:
        queue = topology.dead_queue(settings.service, amqp=amqp)(connection.default_channel)
        return queue.queue_declare(passive=True).message_count


def metrics_payload(state: StateCollector | None) -> tuple[bytes, str]:
    """The exposition text: this process's metrics (or all gunicorn workers'), plus state."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    payload = generate_latest(registry)
    if state is not None:
        extra = CollectorRegistry()
        extra.register(state)
        payload += generate_latest(extra)
    return payload, CONTENT_TYPE_LATEST


def readiness(settings: Settings, database: Database) -> dict[str, str]:
    """Whether the database and the broker answer now; one entry each, "ok" or the problem."""
    checks = {}
    try:
        with database.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["database"] = f"unreachable: {type(exc).__name__}"
    try:
        with connect(settings, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1, timeout=2)
        checks["broker"] = "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        checks["broker"] = f"unreachable: {type(exc).__name__}"
    return checks


def serve_worker_metrics(settings: Settings, database: Database, outbox) -> None:
    """Expose a worker's metrics on ``CEREMONY_WORKER_METRICS_PORT``, when set."""
    port = settings.worker_metrics_port
    if port:
        REGISTRY.register(StateCollector(settings, database, outbox))
        start_http_server(port)
        log.info("worker metrics on port %d", port)


def observe_request(service: str, method: str, route: str, status: int, started: float) -> None:
    """Count one answered request and its duration."""
    HTTP_REQUESTS.labels(service, method, route, str(status)).inc()
    HTTP_SECONDS.labels(service, route).observe(time.perf_counter() - started)
