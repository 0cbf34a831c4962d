"""HTTP API: organisers' announcements to a ceremony's guests."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import BEARER, MANAGE, actor, ceremony_access
from shared.web import service_context

from ..announcements import announce
from ..compose.identity import identity
from .schemas import AnnouncementInSchema, AnnouncementSchema

blp = Blueprint(
    "announcements", __name__, url_prefix="/api/ceremonies", description="Announcements"
)


@blp.route("/<uuid:ceremony_id>/announcements")
class Announcements(MethodView):
    @ceremony_access(MANAGE)
    @blp.arguments(AnnouncementInSchema)
    @blp.response(201, AnnouncementSchema)
    @blp.doc(security=BEARER)
    def post(self, fields, ceremony_id: uuid.UUID):
        """Send a message to the guests of a ceremony, by category and status (organiser).

        By default every category and confirmed guests only; each guest gets it once.
        """
        with service_context().database.transaction() as session:
            return announce(session, identity(), ceremony_id, fields, actor=actor())
