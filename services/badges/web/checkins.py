"""HTTP API: the door's check-in, and the upload of scans a door made offline."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import BEARER, ceremony_role, current_principal, require_role
from shared.web import ErrorSchema, service_context

from ..door.checkin import Verdict, record_scan, record_uploaded_scans, scan_at_gate
from ..projections import known_ceremony
from ..signing.keys import key_ring
from .schemas import CheckinInSchema, CheckinResultSchema, OfflineResultsSchema, OfflineUploadSchema

blp = Blueprint("checkins", __name__, url_prefix="/api", description="Door check-in")

#: Set on the answer to a retried nonce: the first answer, given again.
REPLAYED_HEADER = "Idempotent-Replayed"


def verdict_response(verdict: Verdict) -> tuple[dict, int, dict[str, str]]:
    """A verdict as a view returns it: its body (dumped by the view's schema), status, headers."""
    headers = {REPLAYED_HEADER: "true"} if verdict.replayed else {}
    return verdict.body, verdict.status, headers


@blp.route("/checkins")
class Checkins(MethodView):
    @require_role("staff")
    # An instance, not the class: webargs would build a new schema for every scan.
    @blp.arguments(CheckinInSchema())
    @blp.response(201, CheckinResultSchema())
    @blp.alt_response(409, schema=CheckinResultSchema, description="Refused at the door.")
    @blp.alt_response(
        422,
        # A code that is no badge gets the door's verdict; a malformed request, the error format.
        schema={"oneOf": [CheckinResultSchema, ErrorSchema]},
        description="Not a valid badge code, or not a valid request.",
    )
    @blp.doc(security=BEARER)
    def post(self, fields):
        """Scan a badge at a door (staff): admitted, already_admitted, revoked, ... as JSON."""
        principal = current_principal()
        bound = uuid.UUID(principal.ceremony_id) if principal.ceremony_id else None
        scan = scan_at_gate(fields, principal.gate)
        verdict = record_scan(service_context().database, key_ring(), scan, ceremony_id=bound)
        return verdict_response(verdict)


@blp.route("/ceremonies/<uuid:ceremony_id>/offline-scans")
class OfflineScans(MethodView):
    @ceremony_role("staff")
    @blp.arguments(OfflineUploadSchema())
    @blp.response(200, OfflineResultsSchema())
    @blp.doc(security=BEARER)
    def post(self, upload, ceremony_id: uuid.UUID):
        """Upload scans a door made offline (staff); each gets the verdict a live scan would.

        Scans are applied in the order they were made, each in its own transaction; results
        come back in the order sent. A scan uploaded twice (same nonce) gets its first answer.
        """
        database = service_context().database
        with database.transaction() as session:
            known_ceremony(session, ceremony_id)
        token_gate = current_principal().gate
        scans = [scan_at_gate(fields, token_gate) for fields in upload["scans"]]
        verdicts = record_uploaded_scans(database, key_ring(), scans, ceremony_id)
        results = [
            {**verdict.body, "nonce": scan.nonce, "status": verdict.status}
            for scan, verdict in zip(scans, verdicts, strict=True)
        ]
        return {"results": results}
