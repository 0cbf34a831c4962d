"""HTTP API: organisers' announcements to a ceremony's guests."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import BEARER, MANAGE, READ, actor, ceremony_access
from shared.errors import not_found
from shared.web import service_context

from ..announcements import announce, cancel_announcement, list_announcements
from ..compose.identity import identity
from ..projections import ceremony_row
from .schemas import AnnouncementInSchema, AnnouncementSchema

blp = Blueprint(
    "announcements", __name__, url_prefix="/api/ceremonies", description="Announcements"
)


@blp.route("/<uuid:ceremony_id>/announcements")
class Announcements(MethodView):
    @ceremony_access(READ)
    @blp.response(200, AnnouncementSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """List a ceremony's announcements, newest first: drafts, scheduled, sent (its readers)."""
        with service_context().database.transaction() as session:
            if ceremony_row(session, ceremony_id) is None:
                raise not_found("ceremony", ceremony_id)
            return list_announcements(session, ceremony_id)

    @ceremony_access(MANAGE)
    @blp.arguments(AnnouncementInSchema)
    @blp.response(201, AnnouncementSchema)
    @blp.doc(security=BEARER)
    def post(self, fields, ceremony_id: uuid.UUID):
        """Send a message to the guests of a ceremony, by category and status (organiser).

        By default every category and confirmed guests only; each guest gets it once, in their
        language when ``bodies`` has it (else the ceremony's default language, else English).
        With ``send_at`` it is sent then; with ``draft`` it is kept unsent.
        """
        with service_context().database.transaction() as session:
            return announce(session, identity(), ceremony_id, fields, actor=actor())


@blp.route("/<uuid:ceremony_id>/announcements/<uuid:announcement_id>/cancel")
class AnnouncementCancel(MethodView):
    @ceremony_access(MANAGE)
    @blp.response(200, AnnouncementSchema)
    @blp.doc(security=BEARER)
    def post(self, ceremony_id: uuid.UUID, announcement_id: uuid.UUID):
        """Cancel a scheduled announcement (or drop a draft) before it is sent (organiser)."""
        with service_context().database.transaction() as session:
            return cancel_announcement(session, ceremony_id, announcement_id, actor=actor())
