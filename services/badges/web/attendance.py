"""HTTP API: attendance figures and the scanner bundle for doors that go offline."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import BEARER, DOOR, READ, ceremony_access
from shared.web import service_context

from ..door.attendance import attendance
from ..door.bundle import scanner_bundle
from .schemas import AttendanceSchema, ScannerBundleSchema

blp = Blueprint("attendance", __name__, url_prefix="/api/ceremonies", description="Attendance")


@blp.route("/<uuid:ceremony_id>/attendance")
class Attendance(MethodView):
    @ceremony_access(READ, DOOR)
    @blp.response(200, AttendanceSchema)
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """Registered, admitted and inside, by category and gate, and VIP arrivals."""
        with service_context().database.transaction() as session:
            return attendance(session, ceremony_id)


@blp.route("/<uuid:ceremony_id>/scanner-bundle")
class ScannerBundle(MethodView):
    @ceremony_access(DOOR)
    @blp.response(200, ScannerBundleSchema)
    @blp.doc(security=BEARER)
    def get(self, ceremony_id: uuid.UUID):
        """Public keys, revoked badges and the minimal guest list a door needs offline."""
        with service_context().database.transaction() as session:
            return scanner_bundle(session, ceremony_id)
