"""HTTP API: the door's check-in, and the upload of scans a door made offline."""

from __future__ import annotations

import uuid

from flask import jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.observability import CHECKINS
from shared.web import current_principal, require_role, service_context

from ..app import key_ring
from ..door.attendance import known_ceremony
from ..door.checkin import Scan, Verdict, record_scan
from .access import BEARER, ceremony_role
from .schemas import CheckinInSchema, CheckinResultSchema, OfflineResultsSchema, OfflineUploadSchema

blp = Blueprint("checkins", __name__, url_prefix="/api", description="Door check-in")

#: Set on the answer to a retried nonce: the first answer, given again.
REPLAYED_HEADER = "Idempotent-Replayed"


def _check_in(fields: dict, ceremony_id: uuid.UUID | None) -> Verdict:
    scan = Scan(
        code=fields["code"],
        # A token issued for one gate speaks for that gate, whatever the page sends.
        gate=current_principal().gate or fields["gate"],
        direction=fields["direction"],
        nonce=fields["nonce"],
        scanned_at=fields.get("scanned_at"),
    )
    verdict = record_scan(service_context().database, key_ring(), scan, ceremony_id=ceremony_id)
    CHECKINS.labels(verdict.result).inc()
    return verdict


@blp.route("/checkins")
class Checkins(MethodView):
    @require_role("staff")
    # An instance, not the class: webargs would build a new schema for every scan.
    @blp.arguments(CheckinInSchema())
    @blp.response(201, CheckinResultSchema)
    @blp.alt_response(409, schema=CheckinResultSchema, description="Refused at the door.")
    @blp.alt_response(422, schema=CheckinResultSchema, description="Not a valid badge code.")
    @blp.doc(security=BEARER)
    def post(self, fields):
        """Scan a badge at a door (staff): admitted, already_admitted, revoked, ... as JSON."""
        bound = current_principal().ceremony_id
        return _answer(_check_in(fields, uuid.UUID(bound) if bound else None))


def _answer(verdict: Verdict):
    response = jsonify(verdict.body)
    response.status_code = verdict.status
    if verdict.replayed:
        response.headers[REPLAYED_HEADER] = "true"
    return response


@blp.route("/ceremonies/<uuid:ceremony_id>/offline-scans")
class OfflineScans(MethodView):
    @ceremony_role("staff")
    @blp.arguments(OfflineUploadSchema())
    @blp.response(200, OfflineResultsSchema)
    @blp.doc(security=BEARER)
    def post(self, upload, ceremony_id: uuid.UUID):
        """Upload scans a door made offline (staff); each gets the verdict a live scan would.

        Scans are applied in the order they were made, each in its own transaction; results
        come back in the order sent. A scan uploaded twice (same nonce) gets its first answer.
        """
        with service_context().database.transaction() as session:
            known_ceremony(session, ceremony_id)
        scans = upload["scans"]
        results: list[dict | None] = [None] * len(scans)
        for index in sorted(range(len(scans)), key=lambda i: scans[i]["scanned_at"]):
            verdict = _check_in(scans[index], ceremony_id)
            results[index] = {
                **verdict.body,
                "nonce": scans[index]["nonce"],
                "status": verdict.status,
            }
        # Verdict bodies are JSON already (stored ones are replayed as they were sent).
        return jsonify({"results": results})
