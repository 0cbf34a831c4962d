"""HTTP API for the door page: who the token is, guests found by name, admission by name."""

from __future__ import annotations

import uuid

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from shared.events import Line
from shared.observability import CHECKINS
from shared.web import current_principal, require_role, service_context

from ..app import key_ring
from ..door.attendance import known_ceremony
from ..door.checkin import Scan, record_scan
from ..door.search import badge_code_for, door_ceremonies, find_guests
from .access import BEARER, ceremony_role
from .checkins import REPLAYED_HEADER
from .schemas import CheckinResultSchema, GuestSchema, Nonce

blp = Blueprint("door_api", __name__, url_prefix="/api", description="Door page")


class DoorCeremonySchema(Schema):
    """A ceremony a door may open."""

    id = fields.UUID()
    title = fields.String()
    starts_at = fields.AwareDateTime()


class DoorSessionSchema(Schema):
    """What a staff token speaks for at the door."""

    role = fields.String()
    ceremony_id = fields.UUID(allow_none=True, metadata={"description": "Set if token-bound."})
    gate = fields.String(allow_none=True, metadata={"description": "Set if token-bound."})
    ceremonies = fields.List(fields.Nested(DoorCeremonySchema))


class GuestQuerySchema(Schema):
    """A search by name."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class FoundGuestSchema(GuestSchema):
    """A badge holder found by name."""

    registration_id = fields.UUID()
    serial = fields.String()
    status = fields.String(validate=validate.OneOf(("issued", "revoked")))
    inside = fields.Boolean()
    admitted_at = fields.AwareDateTime(allow_none=True)
    admitted_gate = fields.String(allow_none=True)


class FoundGuestsSchema(Schema):
    """Guests found by name, at most twenty."""

    guests = fields.List(fields.Nested(FoundGuestSchema))


class AdmissionSchema(Schema):
    """Admit a guest found by name, without their printed badge."""

    registration_id = fields.UUID(required=True)
    gate = Line(max_len=64)
    nonce = Nonce(allow_none=True, load_default=None)


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
        database = service_context().database
        with database.transaction() as session:
            code = badge_code_for(session, ceremony_id, fields["registration_id"])
        scan = Scan(
            code=code,
            # As at a scan: a token issued for one gate speaks for that gate.
            gate=current_principal().gate or fields["gate"],
            nonce=fields["nonce"],
        )
        verdict = record_scan(database, key_ring(), scan, ceremony_id=ceremony_id)
        CHECKINS.labels(verdict.result).inc()
        response = jsonify(verdict.body)
        response.status_code = verdict.status
        if verdict.replayed:
            response.headers[REPLAYED_HEADER] = "true"
        return response
