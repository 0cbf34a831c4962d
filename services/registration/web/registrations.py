"""HTTP API: registrations, cancellation, the organiser's list and its CSV export."""

from __future__ import annotations

import csv
import io
import re
import uuid

from flask import Response, jsonify
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import (
    BEARER,
    MANAGE,
    READ,
    actor,
    ceremony_access,
    current_principal,
    ensure_access,
    ensure_ceremony,
    has_permission,
    organiser_or_guest,
    permission_somewhere,
)
from shared.audit_web import guest_actor
from shared.web import service_context

from ..ceremonies import get_ceremony
from ..corrections import correct_registration, resend_confirmation, send_own_link
from ..links import links
from ..privacy import erase_person
from ..registration_requests import register_or_request
from ..registrations import cancel, get_registration, list_registrations
from .correction_schemas import RegistrationCorrectionSchema
from .schemas import (
    RegistrationCreatedSchema,
    RegistrationInSchema,
    RegistrationQuerySchema,
    RegistrationSchema,
    RequestAcceptedSchema,
)

#: The answer to a public request, by the ceremony's registration mode.
REQUEST_ANSWERS = {
    "confirm_email": {
        "status": "confirmation_sent",
        "message": "Thank you. Please follow the link in the email sent to this address.",
    },
    "approval": {
        "status": "awaiting_approval",
        "message": "Thank you. The organisers will write to this address once they decide.",
    },
}

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
    @blp.alt_response(
        202,
        schema=RequestAcceptedSchema,
        description="A ceremony that confirms by email or approves: the request is taken.",
    )
    def post(self, fields, ceremony_id: uuid.UUID):
        """Register for a ceremony (public; organisers may also register protocol guests).

        An open ceremony registers at once (201). One that confirms by email, or whose
        organisers approve each guest, answers 202 to any request, whoever is registered: the
        email sent to the address says what happens next (a confirmation link, the request
        waiting for approval, or the guest's own link if the address is registered already).
        """
        principal = current_principal()
        by_organiser = principal is not None and has_permission(principal, ceremony_id, MANAGE)
        outcome = register_or_request(
            service_context().database,
            ceremony_id,
            fields,
            by_organiser=by_organiser,
            # Anyone else registers through the public form's rules: as the guest.
            actor=actor() if by_organiser else guest_actor(),
        )
        if isinstance(outcome, str):
            # The same answer whether the address was new, waiting or registered already.
            response = jsonify(RequestAcceptedSchema().dump(REQUEST_ANSWERS[outcome]))
            response.status_code = 202
            return response
        outcome.manage_url = links().manage_url(outcome.id)
        return outcome

    @ceremony_access(READ)
    @blp.arguments(RegistrationQuerySchema, location="query")
    @blp.response(200, RegistrationSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, filters, ceremony_id: uuid.UUID):
        """List a ceremony's registrations in protocol order (organiser)."""
        with service_context().database.transaction() as session:
            get_ceremony(session, ceremony_id)
            return list_registrations(session, ceremony_id, **filters)


@blp.route("/ceremonies/<uuid:ceremony_id>/registrations.csv")
class CeremonyRegistrationsCsv(MethodView):
    @ceremony_access(READ)
    @blp.arguments(RegistrationQuerySchema, location="query")
    @blp.response(200, content_type="text/csv")
    @blp.doc(security=BEARER)
    def get(self, filters, ceremony_id: uuid.UUID):
        """Export a ceremony's registrations as CSV (organiser)."""
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

    @permission_somewhere(MANAGE)
    @blp.arguments(RegistrationCorrectionSchema(partial=True))
    @blp.response(200, RegistrationSchema)
    @blp.doc(security=BEARER)
    def patch(self, changes: dict, registration_id: uuid.UUID):
        """Correct a guest's details (organiser): the badge is redrawn, the guest emailed.

        Only the fields sent change; an answer with nothing changed publishes nothing.
        """
        with service_context().database.transaction() as session:
            ensure_access(get_registration(session, registration_id).ceremony_id, MANAGE)
            registration, _changed = correct_registration(
                session, registration_id, changes, actor=actor()
            )
            return registration


@blp.route("/registrations/<uuid:registration_id>/resend-confirmation")
class RegistrationResend(MethodView):
    @permission_somewhere(MANAGE)
    @blp.response(200, RegistrationSchema)
    @blp.doc(security=BEARER)
    def post(self, registration_id: uuid.UUID):
        """Send the guest's confirmation again, badge and calendar entry (organiser)."""
        with service_context().database.transaction() as session:
            ensure_access(get_registration(session, registration_id).ceremony_id, MANAGE)
            return resend_confirmation(session, registration_id, actor=actor())


@blp.route("/registrations/<uuid:registration_id>/send-link")
class RegistrationSendLink(MethodView):
    @permission_somewhere(MANAGE)
    @blp.response(200, RegistrationSchema)
    @blp.doc(security=BEARER)
    def post(self, registration_id: uuid.UUID):
        """Email the guest the link to their own registration (organiser)."""
        with service_context().database.transaction() as session:
            ensure_access(get_registration(session, registration_id).ceremony_id, MANAGE)
            return send_own_link(session, registration_id, actor=actor())


@blp.route("/registrations/<uuid:registration_id>/cancel")
class RegistrationCancel(MethodView):
    @blp.response(200, RegistrationSchema)
    @blp.doc(security=BEARER)
    def post(self, registration_id: uuid.UUID):
        """Cancel a registration (organiser, or the guest's own capability); frees the seat."""
        with service_context().database.transaction() as session:
            registration = get_registration(session, registration_id)
            by_staff = ensure_registration_access(registration, MANAGE)
            registration, _promoted = cancel(
                session, registration_id, actor=actor() if by_staff else guest_actor()
            )
            return registration


@blp.route("/registrations/<uuid:registration_id>/erase")
class RegistrationErase(MethodView):
    @permission_somewhere(MANAGE)
    @blp.response(200, RegistrationSchema)
    @blp.doc(security=BEARER)
    def post(self, registration_id: uuid.UUID):
        """Erase a person on their request (organiser), here and in every service.

        Their registration is cancelled (seat freed, badge revoked), then their name, address,
        organisation and needs are removed from it, from their invitation and their requests;
        the badges and notifications services erase their copies too.
        """
        with service_context().database.transaction() as session:
            ensure_access(get_registration(session, registration_id).ceremony_id, MANAGE)
            return erase_person(session, registration_id, actor=actor())


def ensure_registration_access(registration, permission: str = READ) -> bool:
    """Let through a credential with ``permission`` on its ceremony, or the holder of this
    registration's link; whether it was a credential (not the guest)."""
    principal = organiser_or_guest(registration.id)
    ensure_ceremony(principal, registration.ceremony_id, permission)
    return principal is not None


def registrations_csv(rows) -> str:
    """The rows as CSV, every cell quoted, with text that a spreadsheet would run as a formula
    neutralised (at the start of a cell, and after a ``;`` or ``,`` where a spreadsheet that
    splits on them would start a cell)."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        writer.writerow([_cell(getattr(row, column)) for column in CSV_COLUMNS])
    return out.getvalue()


#: A formula's first character, at the start of a cell or after a separator and spaces.
_FORMULA = re.compile(r"(^|[;,])(\s*)(?=[=+\-@\t\r])")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return _FORMULA.sub(lambda match: f"{match.group(1)}{match.group(2)}'", text)
