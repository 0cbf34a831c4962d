"""HTTP API for the door page: who the token is, guests found by name, admission by name."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import BEARER, ceremony_role, current_principal, require_role
from shared.web import service_context

from ..door.checkin import admit_by_name, gate_for
from ..door.search import door_ceremonies, find_guests
from ..projections import known_ceremony
from ..signing.keys import key_ring
from .checkins import verdict_response
from .schemas import (
    AdmissionSchema,
    CheckinResultSchema,
    DoorSessionSchema,
    FoundGuestsSchema,
    GuestQuerySchema,
)

blp = Blueprint("door_api", __name__, url_prefix="/api", description="Door page")


@blp.route("/door/session")
class DoorSession(MethodView):
    @require_role("staff")
    @blp.response(200, DoorSessionSchema)
    @blp.doc(security=BEARER)
    def get(self):
        """Who a staff token speaks for: its ceremony and gate, and the ceremonies it may open."""
        principal = current_principal()
        bound = uuid.UUID(principal.ceremony_id) if principal.ceremony_id else None
        with service_context().database.transaction() as session:
            found = door_ceremonies(session, bound)
        return {
            "role": principal.role,
            "ceremony_id": bound,
            "gate": principal.gate,
            "ceremonies": found,
        }


@blp.route("/ceremonies/<uuid:ceremony_id>/door-guests")
class DoorGuests(MethodView):
    @ceremony_role("staff")
    @blp.arguments(GuestQuerySchema, location="query")
    @blp.response(200, FoundGuestsSchema)
    @blp.doc(security=BEARER)
    def get(self, query, ceremony_id: uuid.UUID):
        """Find badge holders by name (staff), for a guest who came without the badge."""
        with service_context().database.transaction() as session:
            known_ceremony(session, ceremony_id)
            return {"guests": find_guests(session, ceremony_id, query["name"])}


@blp.route("/ceremonies/<uuid:ceremony_id>/door-admissions")
class DoorAdmissions(MethodView):
    @ceremony_role("staff")
    @blp.arguments(AdmissionSchema())
    @blp.response(201, CheckinResultSchema)
    @blp.alt_response(409, schema=CheckinResultSchema, description="Refused at the door.")
    @blp.doc(security=BEARER)
    def post(self, fields, ceremony_id: uuid.UUID):
        """Admit a guest found by name (staff): the door's verdict on their badge on file."""
        verdict = admit_by_name(
            service_context().database,
            key_ring(),
            ceremony_id,
            fields["registration_id"],
            gate=gate_for(current_principal().gate, fields["gate"]),
            nonce=fields["nonce"],
        )
        return verdict_response(verdict)
