"""HTTP API: registrations, cancellation, the organiser's list and its CSV export."""

from __future__ import annotations

import csv
import io
import uuid

from flask import Response
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.errors import DomainError
from shared.web import bearer_token, current_principal, service_context

from ..app import links
from ..ceremonies import get_ceremony
from ..registrations import cancel, get_registration, list_registrations, register_at_once
from .ceremonies import BEARER, ensure_ceremony_scope
from .schemas import (
    RegistrationCreatedSchema,
    RegistrationInSchema,
    RegistrationQuerySchema,
    RegistrationSchema,
)

blp = Blueprint("registrations", __name__, url_prefix="/api", description="Registrations")

CSV_COLUMNS = (
    "id",
    "status",
    "honorific",
    "full_name",
    "email",
    "organisation",
    "job_title",
    "category",
    "precedence",
    "language",
    "needs",
    "created_at",
)


@blp.route("/ceremonies/<uuid:ceremony_id>/registrations")
class CeremonyRegistrations(MethodView):
    @blp.arguments(RegistrationInSchema)
    @blp.response(201, RegistrationCreatedSchema())
    def post(self, fields, ceremony_id: uuid.UUID):
        """Register for a ceremony (public; organisers may also register protocol guests)."""
        principal = current_principal()
        by_organiser = principal is not None and principal.role == "organiser"
        if by_organiser:
            ensure_ceremony_scope(ceremony_id)
        registration = register_at_once(
            service_context().database, ceremony_id, fields, links(), by_organiser=by_organiser
        )
        if getattr(registration, "manage_url", None) is None:
            registration.manage_url = links().manage_url(registration.id)
        return registration

    @blp.arguments(RegistrationQuerySchema, location="query")
    @blp.response(200, RegistrationSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, filters, ceremony_id: uuid.UUID):
        """List a ceremony's registrations in protocol order (organiser)."""
        ensure_ceremony_scope(ceremony_id)
        with service_context().database.transaction() as session:
            get_ceremony(session, ceremony_id)
            return list_registrations(session, ceremony_id, **filters)


@blp.route("/ceremonies/<uuid:ceremony_id>/registrations.csv")
class CeremonyRegistrationsCsv(MethodView):
    @blp.arguments(RegistrationQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    @blp.doc(security=BEARER)
    def get(self, filters, ceremony_id: uuid.UUID):
        """Export a ceremony's registrations as CSV (organiser)."""
        ensure_ceremony_scope(ceremony_id)
        with service_context().database.transaction() as session:
            get_ceremony(session, ceremony_id)
            rows = list_registrations(session, ceremony_id, **filters)
        return Response(
            registrations_csv(rows),
            mimetype="text/csv",
            headers={"Content-Disposition": f'attachment; filename="{ceremony_id}.csv"'},
        )


@blp.route("/registrations/<uuid:registration_id>")
class RegistrationById(MethodView):
    @blp.response(200, RegistrationSchema)
    @blp.doc(security=BEARER)
    def get(self, registration_id: uuid.UUID):
        """Show one registration (organiser, or the guest's own capability)."""
        with service_context().database.transaction() as session:
            registration = get_registration(session, registration_id)
            ensure_registration_access(registration)
            return registration


@blp.route("/registrations/<uuid:registration_id>/cancel")
class RegistrationCancel(MethodView):
    @blp.response(200, RegistrationSchema)
    @blp.doc(security=BEARER)
    def post(self, registration_id: uuid.UUID):
        """Cancel a registration (organiser, or the guest's own capability); frees the seat."""
        with service_context().database.transaction() as session:
            ensure_registration_access(get_registration(session, registration_id))
            registration, _promoted = cancel(session, registration_id, links())
            return registration


def ensure_registration_access(registration) -> None:
    """Let through an organiser of its ceremony or the holder of this registration's link."""
    token = bearer_token()
    if token is None:
        raise DomainError("unauthorized", "A bearer token is required.", kind="unauthorized")
    principal = current_principal()
    if principal is not None:
        if principal.role == "organiser" and principal.may_act_on(registration.ceremony_id):
            return
        raise DomainError(
            "forbidden", "This token may not see this registration.", kind="forbidden"
        )
    granted = links().registration_for(token)
    if granted is None:
        raise DomainError("unauthorized", "The token is invalid or expired.", kind="unauthorized")
    if granted != registration.id:
        raise DomainError("forbidden", "This link is for another registration.", kind="forbidden")


def registrations_csv(rows) -> str:
    """The rows as CSV, with cells that spreadsheets would run as formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(getattr(row, column)) for column in CSV_COLUMNS])
    return out.getvalue()


def _cell(value) -> str:
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text
