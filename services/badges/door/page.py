"""The door page at ``/scan``, with its scripts, styles and QR decoder, all served from here.

Nothing comes from a CDN: the venue may have no internet. The decoder for camera mode is the
npm-installed jsQR, served from disk; without it the page works, and camera mode says that
it is unavailable.

The page is in the console's languages, chosen as the console's are (``?lang=``, the choice
remembered, the browser's, English), with the console's catalogs; the choice is remembered in
the console's cookie, set for ``/scan`` (the console's own is kept under ``/console``). The
scripts' words come in the page, translated (``words.py``).
"""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    render_template,
    send_file,
    send_from_directory,
    url_for,
)

from shared.console.languages import remember_language
from shared.web import service_context

from ..printing.layout import CATEGORY_BANDS
from .words import script_words

bp = Blueprint("door", __name__, url_prefix="/scan", template_folder="templates")

ASSETS = Path(__file__).parent / "static"
#: Where ``npm ci`` at the repository root puts the decoder.
DEFAULT_DECODER = Path(__file__).resolve().parents[3] / "node_modules/jsqr/dist/jsQR.js"

# The page loads only what this service serves; the camera's stream is a local blob.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "media-src 'self' blob: mediastream:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)


def decoder_path() -> Path | None:
    """The QR decoder's file, if it is installed."""
    path = service_context().settings.door_decoder_path or DEFAULT_DECODER
    return path if path.is_file() else None


@bp.get("")
def page():
    """The door page: sign in with a staff token or as an enrolled door device, then scan."""
    config = {
        "categories": {
            name: {"label": band.label, "fill": band.fill, "text": band.text}
            for name, band in CATEGORY_BANDS.items()
        },
        "decoder": decoder_path() is not None,
        # Where door devices' enrolment links point: the sign-in's camera opens only those.
        "enrolment": service_context().settings.public_urls["registration"] + "/enrol/",
    }
    response = Response(render_template("door/scan.html", config=config, words=script_words()))
    # Staff tokens pass through this page: never keep a copy in a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return remember_language(response, path=url_for("door.page"))


@bp.get("/assets/<path:filename>")
def asset(filename: str):
    """The page's own scripts and styles."""
    return send_from_directory(ASSETS, filename)


@bp.get("/decoder.js")
def decoder():
    """The QR decoder for camera mode (404 when it is not installed)."""
    path = decoder_path()
    if path is None:
        abort(404, description="The QR decoder is not installed (run `npm ci`).")
    return send_file(path, mimetype="text/javascript")


@bp.get("/sw.js")
def service_worker():
    """The service worker that keeps the page and its scripts for reloads without network."""
    shell = [url_for("door.page")]
    shell += [url_for("door.asset", filename=path.name) for path in sorted(ASSETS.iterdir())]
    if decoder_path() is not None:
        shell.append(url_for("door.decoder"))
    response = Response(render_template("door/sw.js", shell=shell), mimetype="text/javascript")
    # It may control /scan, one level above where it is served.
    response.headers["Service-Worker-Allowed"] = url_for("door.page")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.after_request
def harden(response: Response) -> Response:
    """Keep the page to this origin's own resources and out of other sites' frames."""
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
