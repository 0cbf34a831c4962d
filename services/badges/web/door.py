"""HTTP API for the door page: who the token is, guests found by name, admission by name."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import (
    BEARER,
    DOOR,
    actor,
    authenticate,
    ceremony_access,
    ensure_access,
    has_permission,
    holds_anywhere,
    role_on,
)
from shared.errors import DomainError
from shared.web import service_context

from ..door.checkin import admit_by_name
from ..door.search import door_ceremonies, find_guests
from ..projections import known_ceremony
from ..signing.keys import key_ring
from .checkins import gate_at, scanning_device, verdict_response
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
    @blp.response(200, DoorSessionSchema)
    @blp.doc(security=BEARER)
    def get(self):
        """Who a door credential speaks for: its ceremony and gate, and the ceremonies it may
        open (those where it holds the door permission)."""
        principal = authenticate()
        if not holds_anywhere(principal, DOOR):
            raise DomainError("forbidden", "This needs the door permission.", kind="forbidden")
        bound = uuid.UUID(principal.ceremony_id) if principal.ceremony_id else None
        with service_context().database.transaction() as session:
            found = [
                ceremony
                for ceremony in door_ceremonies(session, bound)
                if has_permission(principal, ceremony["id"], DOOR)
            ]
        if not found and bound is not None:
            ensure_access(bound, DOOR)
        return {
            "role": principal.role or (role_on(principal, bound) if bound else None) or "session",
            "ceremony_id": bound,
            "gate": principal.gate,
            "ceremonies": found,
        }


@blp.route("/ceremonies/<uuid:ceremony_id>/door-guests")
class DoorGuests(MethodView):
    @ceremony_access(DOOR)
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
    @ceremony_access(DOOR)
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
            gate=gate_at(ceremony_id, fields["gate"]),
            nonce=fields["nonce"],
            actor=actor(),
            device_id=scanning_device(),
        )
        return verdict_response(verdict)
