"""Notifications benchmark: emails per second to a local SMTP sink, and registration-to-email
latency through the whole suite.

1. Throughput: ``--emails`` confirmations (badge PDF attached, calendar file) are queued at once
   in PostgreSQL and sent by notifications workers (processes x delivery threads) to an aiosmtpd
   sink in its own process; badges come from a small HTTP stub. Prints emails per second.
2. Latency of the notifications worker alone: ``registration.confirmed`` and ``badge.issued``
   published on RabbitMQ for 20 guests a second; for each, the time from publishing to the
   confirmation reaching the SMTP server.
3. Latency through the suite: registration (gunicorn + worker), badges (gunicorn + worker) and
   one notifications worker on RabbitMQ and PostgreSQL; guests register at a steady 20 per
   second; for each, the time from its request's scheduled start to its confirmation (with the
   real badge) reaching the SMTP server, and the median of each hop on the way.

    python -m benchmarks.notifications [--emails 1000] [--seconds 20]
"""

from __future__ import annotations

import argparse
import io
import itertools
import os
import subprocess
import sys
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import qrcode
import requests
from aiosmtpd.controller import Controller
from reportlab.lib.pagesizes import A6
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from sqlalchemy import create_engine, func, select, text

from benchmarks.load import (
    Gunicorn,
    Result,
    drop_database,
    fresh_database,
    machine,
    report,
    run_open_loop,
)
from services.notifications.compose.identity import MailIdentity
from services.notifications.handlers import notification_handlers
from services.notifications.models import deliveries
from shared.auth import Signer
from shared.bus import ConfirmingPublisher, Outgoing, connect, declare_topology, dump_body
from shared.cli import services
from shared.config import load_settings
from shared.db import Database
from shared.events import make_envelope as envelope
from shared.events import parse_envelope
from shared.migrations import upgrade

SECRET = "benchmark-secret-not-for-production-use"
VHOST = f"ceremony-bench-{uuid.uuid4().hex[:6]}"
AMQP = f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"
PORTS = {"registration": 18101, "badges": 18102, "notifications": 18103, "stub": 18104}
SINK_PORT, TIMED_SINK_PORT = 18125, 18126
SINK = "aiosmtpd.handlers.Sink"
STARTS = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)


def worker(service: str, env: dict) -> subprocess.Popen:
    """``ceremony worker <service>`` as a process."""
    command = [sys.executable, "-m", "shared.cli", "worker", service]
    return subprocess.Popen(command, env={**os.environ, **env})


def stop(processes) -> None:
    """SIGTERM each process and wait for it."""
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=30)


def badge_pdf(code: str) -> bytes:
    """An A6 page with a QR code, about the size of a badge."""
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A6)
    page.drawImage(ImageReader(qrcode.make(code).get_image()), 40, 100, width=220, height=220)
    page.drawString(40, 60, "Benchmark Guest")
    page.save()
    return out.getvalue()


def serve_badge_stub(port: int, pdf: bytes) -> ThreadingHTTPServer:
    """Every badge request answered with the same PDF, from threads of this process."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/pdf")
            self.send_header("Content-Length", str(len(pdf)))
            self.end_headers()
            self.wfile.write(pdf)

        def log_message(self, format, *args) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def seed_confirmations(database: Database, count: int, ceremony_id: uuid.UUID) -> None:
    """Feed ``count`` confirmed guests and their badges through the service's own handlers."""
    handlers = notification_handlers(MailIdentity.from_setting("Bench <bench@example.org>"))
    guests = [guest_data(ceremony_id, n) for n in range(count)]
    with database.transaction() as session:
        for data in guests:
            handlers["registration.confirmed"](session, event("registration.confirmed", data))
    # One commit makes every email due at the same instant.
    with database.transaction() as session:
        for data in guests:
            badge = {
                "badge_id": uuid.uuid4(),
                "registration_id": data["registration_id"],
                "ceremony_id": ceremony_id,
                "code": f"BENCH-{data['registration_id']}",
            }
            handlers["badge.issued"](session, event("badge.issued", badge))


def event(event_type: str, data: dict):
    """An event as the worker receives it."""
    return parse_envelope(envelope(event_type, data, "benchmark"))


def guest_data(ceremony_id: uuid.UUID, n: int) -> dict:
    """A confirmed guest's registration event data."""
    registration_id = uuid.uuid4()
    return {
        "registration_id": registration_id,
        "ceremony_id": ceremony_id,
        "full_name": f"Guest {n}",
        "email": f"guest{n}.{registration_id.hex[:6]}@example.org",
        "honorific": "Ms",
        "language": ("en", "fr", "zh")[n % 3],
        "category": "guest",
        "status": "confirmed",
    }


def ceremony_data(ceremony_id: uuid.UUID) -> dict:
    """A ceremony a month ahead, for every part of the benchmark."""
    return {
        "ceremony_id": ceremony_id,
        "title": "Benchmark Ceremony",
        "starts_at": STARTS,
        "ends_at": STARTS + timedelta(hours=2),
        "timezone": "Europe/Paris",
        "venue": {"name": "Grand Hall", "address": "1 Avenue de la Paix"},
        "capacity": 100_000,
        "default_language": "en",
        "languages": ["en", "fr", "zh"],
        "programme": [],
        "sequence": 0,
    }


def sent_count(database: Database) -> int:
    """Emails the SMTP sink has accepted, per the delivery log."""
    with database.sessions() as session:
        query = select(func.count()).where(deliveries.c.status == "sent")
        return session.execute(query).scalar_one()


def wait_until(condition, timeout: float, interval: float = 0.02) -> bool:
    """Poll ``condition`` until it holds or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)  # polling the effect being measured
    return False


def measure_throughput(count: int, processes: int, threads: int) -> tuple[float, int]:
    """Emails per second from ``processes`` workers of ``threads`` each; returns (rate, sent)."""
    url = fresh_database("notifications")
    notifications = services()["notifications"]
    upgrade(notifications, url)
    database = Database(url)
    sink = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{SINK_PORT}", "-c", SINK]
    )
    env = {
        "CEREMONY_SECRET_KEY": SECRET,
        "CEREMONY_BROKER_URL": AMQP,
        "CEREMONY_NOTIFICATIONS_DATABASE_URL": url,
        "CEREMONY_SMTP_URL": f"smtp://127.0.0.1:{SINK_PORT}",
        "CEREMONY_SMTP_RATE_PER_SECOND": "0",
        "CEREMONY_DELIVERY_THREADS": str(threads),
        "CEREMONY_INTERNAL_URL_BADGES": f"http://127.0.0.1:{PORTS['stub']}",
        "CEREMONY_MAIL_FROM": "Bench <bench@example.org>",
        "CEREMONY_LOG_LEVEL": "WARNING",
    }
    workers = [worker("notifications", env) for _ in range(processes)]
    ceremony_id = uuid.uuid4()
    try:
        handlers = notification_handlers(MailIdentity.from_setting("Bench <bench@example.org>"))
        with database.transaction() as session:
            handlers["ceremony.created"](
                session, event("ceremony.created", ceremony_data(ceremony_id))
            )
        seed_confirmations(database, 1, ceremony_id)  # warm-up: the workers are up and connected
        if not wait_until(lambda: sent_count(database) == 1, timeout=60):
            raise RuntimeError("the notifications worker sent nothing; is the SMTP sink up?")
        seed_confirmations(database, count, ceremony_id)
        started = time.perf_counter()
        wait_until(lambda: sent_count(database) == count + 1, timeout=count / 5 + 60)
        elapsed = time.perf_counter() - started
        return (sent_count(database) - 1) / elapsed, sent_count(database) - 1
    finally:
        stop(workers)
        stop([sink])
        database.dispose()
        drop_database(url)


class TimedInbox:
    """An SMTP sink that notes when each recipient's first email arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}

    async def handle_DATA(self, server, session, envelope) -> str:
        now = time.perf_counter()
        for recipient in envelope.rcpt_tos:
            self.arrived.setdefault(recipient.lower(), now)
        return "250 2.0.0 Message accepted"


def measure_latency(seconds: float, rate: float, threads: int) -> tuple[Result, int, list[str]]:
    """Registration-to-email latencies of guests registering at ``rate`` per second."""
    urls = {name: fresh_database(name) for name in ("registration", "badges", "notifications")}
    for name, url in urls.items():
        upgrade(services()[name], url)
    inbox = TimedInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=TIMED_SINK_PORT)
    smtp.start()
    env = {
        "CEREMONY_SECRET_KEY": SECRET,
        "CEREMONY_BROKER_URL": AMQP,
        "CEREMONY_SMTP_URL": f"smtp://127.0.0.1:{TIMED_SINK_PORT}",
        "CEREMONY_DELIVERY_THREADS": str(threads),
        "CEREMONY_LOG_LEVEL": "WARNING",
        "CEREMONY_RATE_LIMIT_PER_ADDRESS": "10000000/minute",
        "CEREMONY_RATE_LIMIT_PER_CEREMONY": "10000000/minute",
        **{f"CEREMONY_{name.upper()}_DATABASE_URL": url for name, url in urls.items()},
        **{f"CEREMONY_PUBLIC_URL_{n.upper()}": f"http://127.0.0.1:{PORTS[n]}" for n in urls},
    }
    sent_at: dict[str, float] = {}
    ceremony: dict[str, str] = {}

    def register(n: int):
        email = f"guest{n}@example.org"
        sent_at[email] = time.perf_counter()
        body = {"full_name": f"Guest {n}", "email": email, "language": ("en", "fr", "zh")[n % 3]}
        return "POST", f"/api/ceremonies/{ceremony['id']}/registrations", body, {}

    workers = [worker(name, env) for name in urls]
    try:
        with (
            Gunicorn("services.registration.app:create_app()", PORTS["registration"], env, 1, 4),
            Gunicorn("services.badges.app:create_app()", PORTS["badges"], env, 1, 4),
        ):
            ceremony["id"] = create_ceremony(PORTS["registration"])
            load = run_open_loop(PORTS["registration"], register, rate, seconds)
            wait_until(lambda: len(inbox.arrived) >= load.ok, timeout=120, interval=0.1)
            stages = stage_medians(urls)
            stages.append(badge_fetch_figures(urls["registration"], PORTS["badges"]))
    finally:
        stop(workers)
        smtp.stop()
        for url in urls.values():
            drop_database(url)
    latencies = Result(ok=len(inbox.arrived), seconds=seconds)
    latencies.latencies_ms = [
        (inbox.arrived[email] - sent) * 1000
        for email, sent in sent_at.items()
        if email in inbox.arrived
    ]
    return latencies, load.ok - len(inbox.arrived), stages


#: Per registration, when each hop of the chain was done (the services' own timestamps).
STAGE_QUERIES = {
    "registration": {
        "registered": "SELECT id::text, created_at FROM registrations",
        "confirmed published": (
            "SELECT body::json->'data'->>'registration_id', published_at FROM outbox "
            "WHERE event_type = 'registration.confirmed'"
        ),
    },
    "badges": {
        "badge issued": "SELECT registration_id::text, issued_at FROM badges",
        "badge published": (
            "SELECT body::json->'data'->>'registration_id', published_at FROM outbox "
            "WHERE event_type = 'badge.issued'"
        ),
    },
    "notifications": {
        "email recorded": "SELECT registration_id::text, created_at FROM deliveries",
        "email sent": "SELECT registration_id::text, sent_at FROM deliveries",
    },
}


def badge_fetch_figures(registration_url: str, port: int, count: int = 20) -> str:
    """How long the badges service takes to serve a badge PDF, fetched one at a time."""
    engine = create_engine(registration_url)
    with engine.connect() as connection:
        ids = connection.execute(text(f"SELECT id FROM registrations LIMIT {count}")).scalars()
        ids = list(ids)
    engine.dispose()
    headers = {"Authorization": f"Bearer {Signer(SECRET).issue_token('admin')}"}
    timings, size = [], 0
    for registration_id in ids:
        started = time.perf_counter()
        url = f"http://127.0.0.1:{port}/api/registrations/{registration_id}/badge.pdf"
        size = len(requests.get(url, headers=headers, timeout=30).content)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    median = timings[len(timings) // 2] if timings else float("nan")
    return f"  badge PDF from the badges service: median {median:.0f} ms, {size} bytes"


def stage_medians(urls: dict[str, str]) -> list[str]:
    """Median time of each hop, from the previous one: where the latency goes."""
    times: dict[str, dict[str, datetime]] = {}
    for service, queries in STAGE_QUERIES.items():
        engine = create_engine(urls[service])
        with engine.connect() as connection:
            for stage, query in queries.items():
                times[stage] = {key: at for key, at in connection.execute(text(query)) if at}
        engine.dispose()
    lines, names = [], list(times)
    for before, after in itertools.pairwise(names):
        gaps = sorted(
            (times[after][key] - at).total_seconds() * 1000
            for key, at in times[before].items()
            if key in times[after]
        )
        median = gaps[len(gaps) // 2] if gaps else float("nan")
        lines.append(f"  {before} -> {after}: median {median:.0f} ms")
    return lines


def measure_worker_latency(seconds: float, rate: float, threads: int) -> Result:
    """The notifications worker alone: from its two events on the bus to the email received."""
    url = fresh_database("notifications")
    upgrade(services()["notifications"], url)
    inbox = TimedInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=TIMED_SINK_PORT)
    smtp.start()
    env = {
        "CEREMONY_SECRET_KEY": SECRET,
        "CEREMONY_BROKER_URL": AMQP,
        "CEREMONY_NOTIFICATIONS_DATABASE_URL": url,
        "CEREMONY_SMTP_URL": f"smtp://127.0.0.1:{TIMED_SINK_PORT}",
        "CEREMONY_DELIVERY_THREADS": str(threads),
        "CEREMONY_INTERNAL_URL_BADGES": f"http://127.0.0.1:{PORTS['stub']}",
        "CEREMONY_LOG_LEVEL": "WARNING",
    }
    process = worker("notifications", env)
    settings = load_settings("notifications", {"CEREMONY_BROKER_URL": AMQP})
    ceremony_id = uuid.uuid4()
    published: dict[str, float] = {}
    try:
        with connect(settings) as connection:
            declare_topology(connection, settings)
            publisher = ConfirmingPublisher(connection)
            publish(publisher, [envelope("ceremony.created", ceremony_data(ceremony_id), "bench")])
            warm_up = guest_events(ceremony_id, -1)
            publish(publisher, warm_up)
            wait_until(lambda: inbox.arrived, timeout=60)
            start = time.perf_counter()
            for n in range(int(rate * seconds)):
                time.sleep(max(0.0, start + n / rate - time.perf_counter()))  # the schedule
                events = guest_events(ceremony_id, n)
                published[events[0]["data"]["email"]] = time.perf_counter()
                publish(publisher, events)
        wait_until(lambda: len(inbox.arrived) > len(published), timeout=120, interval=0.1)
    finally:
        stop([process])
        smtp.stop()
        drop_database(url)
    result = Result(ok=len(inbox.arrived) - 1, seconds=seconds)
    result.latencies_ms = [
        (inbox.arrived[email] - at) * 1000
        for email, at in published.items()
        if email in inbox.arrived
    ]
    return result


def guest_events(ceremony_id: uuid.UUID, n: int) -> list[dict]:
    """What registration and badges publish for one confirmed guest."""
    data = guest_data(ceremony_id, n)
    badge = {
        "badge_id": uuid.uuid4(),
        "registration_id": data["registration_id"],
        "ceremony_id": ceremony_id,
        "code": f"BENCH-{data['registration_id']}",
    }
    return [
        envelope("registration.confirmed", data, "registration"),
        envelope("badge.issued", badge, "badges"),
    ]


def publish(publisher: ConfirmingPublisher, envelopes: list[dict]) -> None:
    """Publish envelopes with confirms."""
    publisher.publish_batch(
        Outgoing(body=dump_body(e), routing_key=e["type"], message_id=e["event_id"])
        for e in envelopes
    )


def create_ceremony(port: int) -> str:
    """A ceremony with room for every guest of the run."""
    token = Signer(SECRET).issue_token("admin")
    body = ceremony_data(uuid.uuid4())
    body = {
        "title": body["title"],
        "starts_at": STARTS.isoformat(),
        "ends_at": (STARTS + timedelta(hours=2)).isoformat(),
        "timezone": body["timezone"],
        "venue": body["venue"],
        "capacity": body["capacity"],
        "languages": body["languages"],
        "registration_mode": "open",
    }
    response = requests.post(
        f"http://127.0.0.1:{port}/api/ceremonies",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["id"]


def reset_vhost() -> None:
    """An empty vhost for the next measurement: no queue, no message left from the last."""
    subprocess.run(["rabbitmqctl", "delete_vhost", VHOST], check=False, capture_output=True)
    subprocess.run(["rabbitmqctl", "add_vhost", VHOST], check=True, capture_output=True)
    subprocess.run(
        ["rabbitmqctl", "set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*"],
        check=True,
        capture_output=True,
    )


def main() -> None:
    """Run both measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--emails", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--part", choices=("all", "throughput", "latency"), default="all")
    args = parser.parse_args()

    pdf = badge_pdf("BENCH-" + "x" * 60)
    stub = serve_badge_stub(PORTS["stub"], pdf)
    lines = [f"machine: {machine()}", f"badge PDF attached: {len(pdf)} bytes (stub)"]
    try:
        for processes in (1, 2) if args.part != "latency" else ():
            reset_vhost()
            rate, sent = measure_throughput(args.emails, processes, args.threads)
            label = f"emails to SMTP sink, {processes} worker(s) x {args.threads} threads"
            lines.append(f"{label:<44} {rate:9.1f}/s  ({sent} emails, badge + calendar each)")
        if args.part != "throughput":
            reset_vhost()
            alone = measure_worker_latency(args.seconds, args.rate, args.threads)
            label = f"events on the bus to email received, {args.rate:g}/s"
            lines.append(report(f"{label}, worker alone", alone))
            # A vhost of its own: nothing left in a queue by the run before reaches this one.
            reset_vhost()
            latency, missing, stages = measure_latency(args.seconds, args.rate, args.threads)
            label = f"registration to email received, {args.rate:g}/s"
            lines.append(report(f"{label}, {args.threads} threads", latency))
            lines += stages
            if missing:
                lines.append(f"  {missing} registration(s) got no email within the wait")
    finally:
        stub.shutdown()
        subprocess.run(["rabbitmqctl", "delete_vhost", VHOST], check=False, capture_output=True)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
