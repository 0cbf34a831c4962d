"""The console's stylesheet and scripts, and htmx from ``node_modules``, served by each service
under its own console prefix (so a reverse proxy needs no extra route for them)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, abort, send_file, send_from_directory

from shared.config import Settings

ASSETS = Path(__file__).parent / "static"
#: Where ``npm ci`` at the repository root puts htmx.
HTMX = Path(__file__).resolve().parents[2] / "node_modules/htmx.org/dist/htmx.min.js"


def install_assets(app: Flask, settings: Settings, prefix: str) -> None:
    """Serve the layout's templates and assets; ``url_for('console.asset', filename=…)``."""
    bp = Blueprint(
        "console", __name__, url_prefix=prefix, template_folder="templates", static_folder=None
    )

    @bp.get("/assets/htmx.min.js")
    def htmx():
        """htmx, as npm installed it (404 when it is not installed: forms still work)."""
        path = settings.htmx_path or HTMX
        if not path.is_file():
            abort(404, description="htmx is not installed (run `npm ci`).")
        return send_file(path, mimetype="text/javascript", max_age=3600)

    @bp.get("/assets/<path:filename>")
    def asset(filename: str):
        """The console's own stylesheet and script."""
        return send_from_directory(ASSETS, filename, max_age=3600)

    app.register_blueprint(bp)
