"""HTTP API: the door's check-in, and the upload of scans a door made offline."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import (
    BEARER,
    DOOR,
    allowed_gates,
    authenticate,
    ceremony_access,
    current_principal,
    ensure_access,
    has_permission,
)
from shared.credentials import SUITE
from shared.errors import DomainError
from shared.web import ErrorSchema, service_context

from ..door.checkin import Verdict, gate_for, record_scan, record_uploaded_scans, scan_at_gate
from ..projections import known_ceremony
from ..signing.codes import InvalidCode, parse_code
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
        principal = authenticate()
        ceremony_id = scanning_for(principal, fields["code"])
        gate = gate_at(ceremony_id, fields.get("gate"))
        scan = scan_at_gate({**fields, "gate": gate}, None, device_id=scanning_device())
        verdict = record_scan(service_context().database, key_ring(), scan, ceremony_id=ceremony_id)
        return verdict_response(verdict)


@blp.route("/ceremonies/<uuid:ceremony_id>/offline-scans")
class OfflineScans(MethodView):
    @ceremony_access(DOOR)
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
        device_id = scanning_device()
        scans = [
            scan_at_gate(
                {**fields, "gate": gate_at(ceremony_id, fields.get("gate"))},
                None,
                device_id=device_id,
            )
            for fields in upload["scans"]
        ]
        verdicts = record_uploaded_scans(database, key_ring(), scans, ceremony_id)
        results = [
            {**verdict.body, "nonce": scan.nonce, "status": verdict.status}
            for scan, verdict in zip(scans, verdicts, strict=True)
        ]
        return {"results": results}


def scanning_device() -> uuid.UUID | None:
    """The enrolled door device making this request, if a device is (its credential's id)."""
    principal = current_principal()
    if principal is None or principal.kind != "device":
        return None
    try:
        return uuid.UUID(principal.credential_id)
    except ValueError:
        return None


def scanning_for(principal, code: str) -> uuid.UUID | None:
    """The ceremony a scan is checked against: the credential's own, or (a session or a
    suite-wide key) the badge's, when the credential may open its door there.

    A badge of a ceremony the credential holds no door role on is answered ``wrong_ceremony``
    like one of another ceremony at a bound door; 403 is for credentials with no door at all.
    """
    if principal.ceremony_id:
        bound = uuid.UUID(principal.ceremony_id)
        if not has_permission(principal, bound, DOOR):
            ensure_access(bound, DOOR)
        return bound
    try:
        badge_ceremony = parse_code(code).ceremony_id
    except InvalidCode:
        badge_ceremony = None
    if badge_ceremony is not None and has_permission(principal, badge_ceremony, DOOR):
        return badge_ceremony
    if has_permission(principal, None, DOOR) or _doors_anywhere(principal):
        # A door elsewhere: this badge is for a ceremony it cannot open.
        return badge_ceremony and uuid.UUID(int=0)
    raise DomainError("forbidden", "This needs the door permission.", kind="forbidden")


def _doors_anywhere(principal) -> bool:
    """Whether a session holds the door permission on some ceremony."""
    if principal.kind != "session":
        return False
    grants = service_context().credentials.grants(principal.account_id)
    return any(has_permission(principal, scope, DOOR) for scope in grants if scope != SUITE)


def gate_at(ceremony_id: uuid.UUID, asked: str | None) -> str | None:
    """The gate a scan is recorded at: the credential's own, or the one asked for if the
    credential's grant allows it (403 ``wrong_gate`` otherwise)."""
    principal = current_principal()
    gates = allowed_gates(principal, ceremony_id)
    gate = gate_for(principal.gate, asked)
    if gates is not None and not principal.gate and gate not in gates:
        raise DomainError(
            "wrong_gate",
            f"You may scan at {', '.join(gates)} only.",
            kind="forbidden",
            errors={"gate": [f"Must be one of: {', '.join(gates)}."]},
        )
    return gate
