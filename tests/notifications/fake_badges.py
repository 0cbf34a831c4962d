"""A stand-in for the badges service over real HTTP, and a reader for the badges it serves.

It serves ``GET /api/registrations/<id>/badge.pdf`` to an organiser token of the badge's ceremony,
as the badges service does: a one-page PDF holding a QR code of the badge's code. It can be
taken down and brought back on the same port.
"""

from __future__ import annotations

import io
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pypdfium2
import qrcode
import zxingcpp
from reportlab.lib.pagesizes import A6
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from shared.auth import AuthError, Signer
from tests.ports import free_port

_PATH = re.compile(r"^/api/registrations/([0-9a-f-]{36})/badge\.pdf$")


def badge_pdf(code: str) -> bytes:
    """A one-page A6 PDF with a QR code of ``code``."""
    image = qrcode.make(code, border=4).get_image()
    out = io.BytesIO()
    page = canvas.Canvas(out, pagesize=A6)
    page.drawImage(ImageReader(image), 40, 100, width=220, height=220)
    page.save()
    return out.getvalue()


def decode_badge(pdf: bytes) -> str:
    """The text of the QR code on the PDF's first page."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=3).to_pil()
    finally:
        document.close()
    [barcode] = zxingcpp.read_barcodes(image)
    return barcode.text


class FakeBadges:
    """Badges by registration id, served over HTTP on a fixed local port."""

    def __init__(self, secret: str) -> None:
        self.signer = Signer(secret)
        self.port = free_port()
        self.badges: dict[str, tuple[str, bytes]] = {}
        self.requests = 0
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The base URL the notifications service is given."""
        return f"http://127.0.0.1:{self.port}"

    def add(self, registration_id: object, ceremony_id: object, code: str) -> None:
        """Serve a badge with ``code`` for a registration of a ceremony."""
        self.badges[str(registration_id)] = (str(ceremony_id), badge_pdf(code))

    def allowed(self, authorization: str, ceremony_id: str) -> bool:
        """Whether the header holds an organiser token that may act on the ceremony."""
        scheme, _, token = authorization.partition(" ")
        try:
            principal = self.signer.verify_token(token) if scheme == "Bearer" else None
        except AuthError:
            return False
        return (
            bool(principal) and principal.role == "organiser" and principal.may_act_on(ceremony_id)
        )

    def start(self) -> None:
        """Listen (again) on the same port."""
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop answering: connections are refused until ``start``."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None


def _handler_for(badges: FakeBadges) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            badges.requests += 1
            match = _PATH.match(self.path)
            badge = badges.badges.get(match.group(1)) if match else None
            if badge is None:
                self._answer(404, b'{"code": "badge_not_found"}', "application/json")
            elif not badges.allowed(self.headers.get("Authorization", ""), badge[0]):
                self._answer(403, b'{"code": "forbidden"}', "application/json")
            else:
                self._answer(200, badge[1], "application/pdf")

        def _answer(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args) -> None:
            """Keep test output quiet."""

    return Handler
