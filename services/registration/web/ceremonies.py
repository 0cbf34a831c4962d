"""HTTP API: ceremonies."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import (
    BEARER,
    MANAGE,
    PROTOCOL,
    SUITE_ADMIN,
    actor,
    ceremony_access,
    current_principal,
    has_permission,
    suite_access,
)
from shared.web import service_context

from ..ceremonies import create_ceremony, get_ceremony, list_ceremonies, update_ceremony
from ..links import links
from .schemas import CeremonyInSchema, CeremonyPatchSchema, CeremonySchema

blp = Blueprint("ceremonies", __name__, url_prefix="/api/ceremonies", description="Ceremonies")


def present(ceremony):
    """The ceremony with what the API adds: the public registration page, and the protocol
    contact's address for the ceremony's organisers only (the public never sees it)."""
    ceremony.registration_url = links().register_url(ceremony.id)
    principal = current_principal()
    for_organiser = principal is not None and has_permission(
        principal, ceremony.id, MANAGE, PROTOCOL
    )
    ceremony.contact_shown = ceremony.protocol_contact_email if for_organiser else None
    return ceremony


@blp.route("")
class Ceremonies(MethodView):
    @blp.response(200, CeremonySchema(many=True))
    def get(self):
        """List ceremonies, soonest first."""
        with service_context().database.transaction() as session:
            return [present(c) for c in list_ceremonies(session)]

    @suite_access(SUITE_ADMIN)
    @blp.arguments(CeremonyInSchema)
    @blp.response(201, CeremonySchema)
    @blp.doc(security=BEARER)
    def post(self, fields):
        """Create a ceremony (suite admin)."""
        with service_context().database.transaction() as session:
            return present(create_ceremony(session, fields, actor=actor()))


@blp.route("/<uuid:ceremony_id>")
class CeremonyById(MethodView):
    @blp.response(200, CeremonySchema)
    def get(self, ceremony_id: uuid.UUID):
        """Show one ceremony."""
        with service_context().database.transaction() as session:
            return present(get_ceremony(session, ceremony_id))

    @ceremony_access(MANAGE)
    @blp.arguments(CeremonyPatchSchema(partial=True))
    @blp.response(200, CeremonySchema)
    @blp.doc(security=BEARER)
    def patch(self, changes, ceremony_id: uuid.UUID):
        """Change a ceremony (organiser); added seats go to the waitlist first."""
        with service_context().database.transaction() as session:
            return present(update_ceremony(session, ceremony_id, changes, actor=actor()))
