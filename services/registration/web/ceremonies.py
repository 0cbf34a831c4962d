"""HTTP API: ceremonies."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.errors import DomainError
from shared.web import ensure_role, require_role, service_context

from ..app import links
from ..ceremonies import create_ceremony, get_ceremony, list_ceremonies, update_ceremony
from ..registrations import promote_waitlisted
from .schemas import CeremonyInSchema, CeremonyPatchSchema, CeremonySchema

blp = Blueprint("ceremonies", __name__, url_prefix="/api/ceremonies", description="Ceremonies")
BEARER = [{"bearerAuth": []}]


def present(session, ceremony):
    """The ceremony with what the API adds: seats taken and the public registration page."""
    ceremony.registration_url = f"{links().public_url}/ceremonies/{ceremony.id}/register"
    return ceremony


@blp.route("")
class Ceremonies(MethodView):
    @blp.response(200, CeremonySchema(many=True))
    def get(self):
        """List ceremonies, soonest first."""
        with service_context().database.transaction() as session:
            return [present(session, c) for c in list_ceremonies(session)]

    @require_role("organiser")
    @blp.arguments(CeremonyInSchema)
    @blp.response(201, CeremonySchema)
    @blp.doc(security=BEARER)
    def post(self, fields):
        """Create a ceremony (organiser)."""
        with service_context().database.transaction() as session:
            return present(session, create_ceremony(session, fields))


@blp.route("/<uuid:ceremony_id>")
class CeremonyById(MethodView):
    @blp.response(200, CeremonySchema)
    def get(self, ceremony_id: uuid.UUID):
        """Show one ceremony."""
        with service_context().database.transaction() as session:
            return present(session, get_ceremony(session, ceremony_id))

    @require_role("organiser")
    @blp.arguments(CeremonyPatchSchema(partial=True))
    @blp.response(200, CeremonySchema)
    @blp.doc(security=BEARER)
    def patch(self, changes, ceremony_id: uuid.UUID):
        """Change a ceremony (organiser); added seats go to the waitlist first."""
        ensure_ceremony_scope(ceremony_id)
        with service_context().database.transaction() as session:
            ceremony = update_ceremony(session, ceremony_id, changes)
            promote_waitlisted(session, ceremony, links())
            return present(session, ceremony)


def ensure_ceremony_scope(ceremony_id: uuid.UUID) -> None:
    """Refuse an organiser token bound to another ceremony."""
    principal = ensure_role("organiser")
    if not principal.may_act_on(ceremony_id):
        raise DomainError("wrong_ceremony", "This token is for another ceremony.", kind="forbidden")
