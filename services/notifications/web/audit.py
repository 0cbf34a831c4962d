"""HTTP API: the ceremony's audit trail in this service, filtered, and as CSV."""

from __future__ import annotations

import uuid

from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import BEARER, READ, ceremony_access
from shared.audit_web import AuditEntrySchema, AuditQuerySchema, audit_csv, audit_entries
from shared.errors import not_found
from shared.web import service_context

from ..models import audit
from ..projections import ceremony_row

blp = Blueprint("audit", __name__, url_prefix="/api", description="Audit trail")


def _known(session, ceremony_id: uuid.UUID) -> None:
    if ceremony_row(session, ceremony_id) is None:
        raise not_found("ceremony", ceremony_id)


@blp.route("/ceremonies/<uuid:ceremony_id>/emails/audit")
class CeremonyAudit(MethodView):
    @ceremony_access(READ)
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, filters, ceremony_id: uuid.UUID):
        """Who sent or resent a ceremony's emails, newest first (its readers)."""
        with service_context().database.transaction() as session:
            _known(session, ceremony_id)
            return audit_entries(session, audit, ceremony_id, filters)


@blp.route("/ceremonies/<uuid:ceremony_id>/emails/audit.csv")
class CeremonyAuditCsv(MethodView):
    @ceremony_access(READ)
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(
        200,
        {"type": "string"},
        content_type="text/csv",
        description="One row per entry, newest first, with a header row.",
    )
    @blp.doc(security=BEARER)
    def get(self, filters, ceremony_id: uuid.UUID):
        """The ceremony's audit trail here as CSV, with the same filters (its readers)."""
        with service_context().database.transaction() as session:
            _known(session, ceremony_id)
            return audit_csv(session, audit, ceremony_id, filters)
