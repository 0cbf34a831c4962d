"""HTTP API: a badge as JSON, PNG and PDF, and a ceremony's print sheets."""

from __future__ import annotations

import uuid

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import (
    BEARER,
    MANAGE,
    PROTOCOL,
    ceremony_access,
    ensure_ceremony,
    organiser_or_guest,
)
from shared.web import service_context

from ..printing import rendering
from ..printing.documents import (
    badge_of,
    badge_pdf,
    badge_png,
    is_attention,
    placement,
    print_run,
    printable_view,
)
from .schemas import BadgeSchema, SheetQuerySchema

blp = Blueprint("badges", __name__, url_prefix="/api", description="Badges")

CAPABILITY = {
    "in": "query",
    "name": "capability",
    "schema": {"type": "string"},
    "required": False,
    "description": "The guest's own link capability, when no bearer token is sent.",
}


def _readable_badge(registration_id: uuid.UUID):
    principal = organiser_or_guest(registration_id, capability_in_query=True)
    with service_context().database.transaction() as session:
        row = badge_of(session, registration_id)
    ensure_ceremony(principal, row.ceremony_id, MANAGE, PROTOCOL)
    return row


def _document(content: bytes, mimetype: str, name: str) -> Response:
    return Response(
        content,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            # Badges hold personal data: no shared cache may keep them.
            "Cache-Control": "private, no-store",
        },
    )


@blp.route("/registrations/<uuid:registration_id>/badge")
class RegistrationBadge(MethodView):
    @blp.response(200, BadgeSchema)
    @blp.doc(security=BEARER, parameters=[CAPABILITY])
    def get(self, registration_id: uuid.UUID):
        """Show a registration's badge with its signed code (organiser or the guest's link)."""
        row = _readable_badge(registration_id)
        base = f"{service_context().settings.public_url}/api/registrations/{registration_id}"
        return {
            **row._mapping,
            **placement(row),
            "attention": is_attention(row.category),
            "png_url": f"{base}/badge.png",
            "pdf_url": f"{base}/badge.pdf",
        }


@blp.route("/registrations/<uuid:registration_id>/badge.png")
class RegistrationBadgePng(MethodView):
    @blp.response(200, content_type="image/png")
    @blp.doc(security=BEARER, parameters=[CAPABILITY])
    def get(self, registration_id: uuid.UUID):
        """A registration's badge as an A6 PNG at 300 dpi (organiser or the guest's link)."""
        row = _readable_badge(registration_id)
        png = badge_png(printable_view(row))
        return _document(png, "image/png", f"badge-{row.serial}.png")


@blp.route("/registrations/<uuid:registration_id>/badge.pdf")
class RegistrationBadgePdf(MethodView):
    @blp.response(200, content_type="application/pdf")
    @blp.doc(security=BEARER, parameters=[CAPABILITY])
    def get(self, registration_id: uuid.UUID):
        """A registration's badge as a one-page A6 PDF (organiser or the guest's link)."""
        row = _readable_badge(registration_id)
        pdf = badge_pdf(printable_view(row))
        return _document(pdf, "application/pdf", f"badge-{row.serial}.pdf")


@blp.route("/ceremonies/<uuid:ceremony_id>/badges.pdf")
class CeremonyBadgeSheets(MethodView):
    @ceremony_access(MANAGE, PROTOCOL)
    @blp.arguments(SheetQuerySchema, location="query")
    @blp.response(200, content_type="application/pdf")
    @blp.doc(security=BEARER)
    def get(self, query, ceremony_id: uuid.UUID):
        """Print sheets of a ceremony's live badges, four A6 per A4 page (organiser).

        Sorted by precedence, then family name; ``category`` (repeatable) narrows the run.
        """
        with service_context().database.transaction() as session:
            title, views = print_run(session, ceremony_id, query["category"])
        pdf = rendering.render_sheets(views, title=f"Badges: {title}")
        return _document(pdf, "application/pdf", f"badges-{ceremony_id}.pdf")
