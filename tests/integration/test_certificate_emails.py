"""A certificate on RabbitMQ and PostgreSQL: the graduate's email reaches a real SMTP server in
their language, with the certificate's PDF fetched over HTTP and attached.

The first test serves the PDF from a small HTTP server; the second releases the certificate in
the real badges service (its app, its worker, its own database), which publishes
``certificate.issued`` and serves the PDF it renders. The last has the worker's periodic step
thank a speaker once the ceremony is over.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pypdfium2
import pytest
import requests
import zxingcpp
from werkzeug.serving import make_server

from services.badges.app import create_app as badges_app
from services.badges.service import SERVICE as BADGES
from services.notifications.service import SERVICE
from shared.auth import Signer
from shared.events import make_envelope
from shared.worker import ServiceWorker
from tests.conftest import SECRET, make_settings, migrated, wait_for
from tests.notifications.bus_events import ceremony_data, registration_data
from tests.notifications.graduation import CertificateBadges, certificate_data, course_data
from tests.notifications.on_the_bus import ceremony_created, publish
from tests.ports import free_port

pytestmark = pytest.mark.integration

#: A Chinese dignitary graduating, as the protocol table addresses him.
LI_WEI = {
    "full_name": "李伟",
    "given_name": "伟",
    "family_name": "李",
    "family_first": True,
    "honorific": "H.E.",
    "language": "zh",
    "category": "participant",
}


@pytest.fixture
def badges() -> Iterator[CertificateBadges]:
    """Certificates served over real HTTP, as the badges service serves them."""
    server = CertificateBadges(SECRET)
    server.start()
    yield server
    server.stop()


def notifications_settings(tmp_path, amqp_url, database, smtp_server, badges_url, public_urls):
    """Notifications on PostgreSQL and RabbitMQ, fetching PDFs from ``badges_url``."""
    return migrated(
        SERVICE,
        make_settings(
            "notifications",
            tmp_path / "notifications",
            broker_url=amqp_url,
            database_url=database,
            smtp_url=smtp_server.url,
            internal_urls={"badges": badges_url},
            public_urls=public_urls,
            mail_from="Protocol Office <protocol@ceremony.example.org>",
            smtp_rate_per_second=0,
            delivery_poll_seconds=0.05,
        ),
    )


@contextmanager
def running_worker(service, settings) -> Iterator[ServiceWorker]:
    """A service's worker in a thread, stopped on leaving."""
    running = ServiceWorker(service, settings)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    yield running
    running.stop()
    thread.join(timeout=15)
    running.database.dispose()


@pytest.fixture
def settings(tmp_path, amqp_url, postgres_databases, smtp_server, badges):
    database = postgres_databases(f"certs_{tmp_path.name[-8:].lower()}")
    public_urls = make_settings("notifications", tmp_path).public_urls
    return notifications_settings(
        tmp_path, amqp_url, database, smtp_server, badges.url, public_urls
    )


@pytest.fixture
def worker(settings):
    """One notifications worker in a thread, stopped at the end."""
    with running_worker(SERVICE, settings) as running:
        yield running


@pytest.fixture
def live_badges(tmp_path, amqp_url, postgres_databases):
    """The badges service served on loopback, with its worker, on its own database."""
    port = free_port()
    public_urls = {
        **make_settings("badges", tmp_path).public_urls,
        "badges": f"http://127.0.0.1:{port}",
    }
    settings = migrated(
        BADGES,
        make_settings(
            "badges",
            tmp_path / "badges",
            broker_url=amqp_url,
            database_url=postgres_databases(f"certb_{tmp_path.name[-8:].lower()}"),
            public_urls=public_urls,
        ),
    )
    app = badges_app(settings)
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with running_worker(BADGES, settings):
        yield settings
    server.shutdown()
    server.server_close()
    thread.join(timeout=15)
    app.extensions["ceremony"].database.dispose()


@pytest.fixture
def live_worker(tmp_path, amqp_url, postgres_databases, smtp_server, live_badges):
    """A notifications worker fetching certificates from the live badges service."""
    badges_url = live_badges.public_urls["badges"]
    database = postgres_databases(f"certn_{tmp_path.name[-8:].lower()}")
    settings = notifications_settings(
        tmp_path, amqp_url, database, smtp_server, badges_url, live_badges.public_urls
    )
    with running_worker(SERVICE, settings):
        yield settings


def qr_text(pdf: bytes) -> str:
    """The text of the QR code on the PDF's first page."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=3).to_pil()
    finally:
        document.close()
    [barcode] = zxingcpp.read_barcodes(image)
    return barcode.text


def test_a_certificate_reaches_the_graduate_in_chinese_with_its_pdf(
    settings, worker, smtp_server, badges
):
    ceremony_id = uuid.uuid4()
    graduate = registration_data(ceremony_id, **LI_WEI)
    certificate = certificate_data(graduate, result="distinction")
    verify_url = f"{settings.public_urls['badges']}/verify/{certificate['code']}"
    served = badges.add_certificate(certificate, settings.public_urls["badges"])
    publish(
        settings,
        [
            ceremony_created(ceremony_id),
            make_envelope("registration.confirmed", graduate, "registration"),
            make_envelope("course.updated", course_data(ceremony_id), "registration"),
        ],
    )
    publish(settings, [make_envelope("certificate.issued", certificate, "badges")])

    [received] = wait_for(lambda: smtp_server.received, timeout=40)
    message = received.parsed()
    assert received.rcpt_tos == [graduate["email"]]
    assert message["Subject"] == "您的结业证书：国际礼宾课程"
    assert message["Content-Language"] == "zh"
    text = message.get_body(("plain",)).get_content()
    assert text.splitlines()[0] == "尊敬的李伟阁下："
    assert "优秀结业证书" in text and verify_url in text
    [attachment] = list(message.iter_attachments())
    assert attachment.get_filename() == "certificate.pdf"
    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF") and pdf == served


def test_a_certificate_released_in_badges_reaches_the_graduate_with_the_pdf_badges_renders(
    live_badges, live_worker, smtp_server
):
    ceremony_id = uuid.uuid4()
    graduate = registration_data(ceremony_id, **LI_WEI)
    result = {
        "ceremony_id": ceremony_id,
        "registration_id": graduate["registration_id"],
        "result": "distinction",
        "revision": 1,
    }
    publish(
        live_worker,
        [
            ceremony_created(ceremony_id),
            make_envelope("registration.confirmed", graduate, "registration"),
            make_envelope("course.updated", course_data(ceremony_id), "registration"),
            make_envelope("graduate.updated", result, "registration"),
        ],
    )
    badges_url = live_badges.public_urls["badges"]
    organiser = {"Authorization": f"Bearer {Signer(SECRET).issue_token('admin')}"}

    def released():
        # 404 or 409 until the badges worker has the ceremony, course and result.
        answer = requests.post(
            f"{badges_url}/api/ceremonies/{ceremony_id}/certificates/release",
            json={},
            headers=organiser,
            timeout=10,
        )
        return answer.status_code == 200 and answer.json()

    wait_for(released, timeout=60, interval=0.5)

    def certificate_letter():
        letters = [m.parsed() for m in smtp_server.received]
        return [m for m in letters if m["Subject"].startswith("您的结业证书")]

    [message] = wait_for(certificate_letter, timeout=90)
    assert message["To"].addresses[0].addr_spec == graduate["email"]
    assert message["Subject"] == "您的结业证书：国际礼宾课程"
    text = message.get_body(("plain",)).get_content()
    assert text.splitlines()[0] == "尊敬的李伟阁下："
    [attachment] = [p for p in message.iter_attachments() if p.get_filename() == "certificate.pdf"]
    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF")
    # The QR code on the PDF opens the verification page the letter links to, and badges says
    # the certificate is genuine.
    verify_url = qr_text(pdf)
    assert verify_url.startswith(f"{badges_url}/verify/") and verify_url in text
    code = verify_url.rsplit("/", 1)[1]
    verification = requests.get(f"{badges_url}/api/verify/{code}", timeout=10).json()
    assert verification["status"] == "genuine"


def test_a_speaker_is_thanked_by_the_worker_once_the_ceremony_is_over(
    settings, worker, smtp_server
):
    ceremony_id = uuid.uuid4()
    ended = datetime.now(UTC) - timedelta(hours=1)
    ceremony = ceremony_data(
        ceremony_id, starts_at=ended - timedelta(hours=2), ends_at=ended, sequence=1
    )
    speaker = registration_data(
        ceremony_id, category="speaker", language="ru", honorific="Dr", full_name="Helen Marsh"
    )
    publish(
        settings,
        [
            make_envelope("ceremony.created", ceremony, "registration"),
            make_envelope("registration.confirmed", speaker, "registration"),
        ],
    )

    [received] = wait_for(lambda: smtp_server.received, timeout=40)
    message = received.parsed()
    assert received.rcpt_tos == [speaker["email"]]
    assert message["Subject"] == (
        "С благодарностью: Closing Ceremony of the International Protocol Course"
    )
    assert "Примите уверения в нашем самом высоком уважении." in (
        message.get_body(("plain",)).get_content()
    )
