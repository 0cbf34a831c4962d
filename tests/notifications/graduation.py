"""The graduation's events as registration and badges publish them, and a badges stand-in that
also serves certificates.

``CertificateBadges`` answers ``GET /api/certificates/<id>.pdf`` to an organiser token of the
certificate's ceremony, as the badges service does, with a real A4 landscape PDF holding a QR
code of the certificate's verification address; it serves badges as ``FakeBadges`` does.
"""

from __future__ import annotations

import io
import re
import threading
import uuid
from datetime import date
from decimal import Decimal
from http.server import ThreadingHTTPServer
from typing import Any

import qrcode
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from tests.notifications.fake_badges import FakeBadges, _handler_for

_CERTIFICATE_PATH = re.compile(r"^/api/certificates/([0-9a-f-]{36})\.pdf$")


def course_data(ceremony_id: uuid.UUID, revision: int = 1, **overrides: Any) -> dict[str, Any]:
    """A six-week course, as ``course.updated`` carries it."""
    course = {
        "title": "International Protocol Course",
        "starts_on": date(2030, 5, 2),
        "ends_on": date(2030, 6, 12),
        "hours": Decimal("240.0"),
        "translations": {
            "fr": {"title": "Cours international de protocole"},
            "zh": {"title": "国际礼宾课程"},
        },
    }
    course.update(overrides)
    return {"ceremony_id": ceremony_id, "course": course, "revision": revision}


def certificate_data(registration: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    """The ``certificate.issued`` data of a certificate of completion for a registration."""
    certificate_id = overrides.pop("certificate_id", None) or uuid.uuid4()
    data = {
        "certificate_id": certificate_id,
        "ceremony_id": registration["ceremony_id"],
        "registration_id": registration["registration_id"],
        "kind": "completion",
        "result": "completed",
        "code": f"CERT{certificate_id.hex.upper()}",
        "name": registration["full_name"],
        "replaces": None,
        "reason": None,
    }
    data.update(overrides)
    return data


def certificate_pdf(url: str) -> bytes:
    """A one-page A4 landscape PDF with a QR code of ``url``."""
    image = qrcode.make(url, border=4).get_image()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=landscape(A4))
    page.drawString(72, 500, "Certificate of completion")
    page.drawImage(ImageReader(image), 560, 60, width=220, height=220)
    page.save()
    return out.getvalue()


class CertificateBadges(FakeBadges):
    """Badges and certificates, served over HTTP on a fixed local port."""

    def __init__(self, secret: str) -> None:
        super().__init__(secret)
        self.certificates: dict[str, tuple[str, bytes]] = {}
        #: Certificates revoked since they were issued: their PDF is refused with 409.
        self.revoked: set[str] = set()

    def add_certificate(self, data: dict[str, Any], verify_base: str) -> bytes:
        """Serve the certificate an event announces, its QR code opening ``verify_base`` +
        ``/verify/<code>``; returns its PDF."""
        pdf = certificate_pdf(f"{verify_base}/verify/{data['code']}")
        self.certificates[str(data["certificate_id"])] = (str(data["ceremony_id"]), pdf)
        return pdf

    def start(self) -> None:
        """Listen (again) on the same port, with the certificate route beside the badge's."""
        badge_handler = _handler_for(self)
        server = self

        class Handler(badge_handler):
            def do_GET(self) -> None:
                match = _CERTIFICATE_PATH.match(self.path)
                if match is None:
                    return super().do_GET()
                server.requests += 1
                certificate = server.certificates.get(match.group(1))
                if certificate is None:
                    self._answer(404, b'{"code": "certificate_not_found"}', "application/json")
                elif not server.allowed(self.headers.get("Authorization", ""), certificate[0]):
                    self._answer(403, b'{"code": "forbidden"}', "application/json")
                elif match.group(1) in server.revoked:
                    self._answer(409, b'{"code": "certificate_revoked"}', "application/json")
                else:
                    self._answer(200, certificate[1], "application/pdf")

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
