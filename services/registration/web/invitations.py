"""HTTP API: invitations to dignitaries and speakers, CSV import, reminders, answers."""

from __future__ import annotations

import uuid

from flask import request
from flask.views import MethodView
from flask_smorest import Blueprint

from shared.access import (
    BEARER,
    MANAGE,
    READ,
    actor,
    ceremony_access,
    ensure_access,
    permission_somewhere,
)
from shared.errors import DomainError
from shared.web import service_context

from ..ceremonies import get_ceremony
from ..invitations import answer, get_invitation, invite, list_invitations, remind
from ..links import links
from .invitees_csv import read_invitees
from .schemas import (
    AnswerSchema,
    CsvUploadSchema,
    InvitationQuerySchema,
    InvitationSchema,
    InvitationsInSchema,
)

blp = Blueprint("invitations", __name__, url_prefix="/api", description="Invitations")


def with_links(session, invitations):
    """Invitations with their RSVP links attached for the organiser's view."""
    single = not isinstance(invitations, list)
    for invitation in [invitations] if single else invitations:
        ends_at = get_ceremony(session, invitation.ceremony_id).ends_at
        invitation.rsvp_url = links().rsvp_url(invitation.id, until=ends_at)
    return invitations


@blp.route("/ceremonies/<uuid:ceremony_id>/invitations")
class CeremonyInvitations(MethodView):
    @ceremony_access(MANAGE)
    @blp.arguments(InvitationsInSchema)
    @blp.response(201, InvitationSchema(many=True))
    @blp.doc(security=BEARER)
    def post(self, body, ceremony_id: uuid.UUID):
        """Invite dignitaries and speakers (organiser): all of them, or none."""
        with service_context().database.transaction() as session:
            invited = invite(session, ceremony_id, body["invitees"], actor=actor())
            return with_links(session, invited)

    @ceremony_access(READ)
    @blp.arguments(InvitationQuerySchema, location="query")
    @blp.response(200, InvitationSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self, filters, ceremony_id: uuid.UUID):
        """List a ceremony's invitations in protocol order (organiser)."""
        with service_context().database.transaction() as session:
            return with_links(session, list_invitations(session, ceremony_id, **filters))


@blp.route("/ceremonies/<uuid:ceremony_id>/invitations/import")
class CeremonyInvitationsImport(MethodView):
    @ceremony_access(MANAGE)
    @blp.arguments(CsvUploadSchema, location="files")
    @blp.response(201, InvitationSchema(many=True))
    # The file may also come as the body itself; documented, it is also what the API accepts.
    @blp.doc(security=BEARER, requestBody={"content": {"text/csv": {"schema": {"type": "string"}}}})
    def post(self, _files, ceremony_id: uuid.UUID):
        """Invite from a CSV file with a header row (organiser): every row valid, or none."""
        upload = request.files.get("file")
        raw = upload.read() if upload is not None else request.get_data()
        if not raw:
            raise DomainError(
                "invalid_csv",
                "Send the CSV as the file field 'file' or as the request body.",
                kind="invalid",
                errors={"file": ["Missing data for required field."]},
            )
        invitees = read_invitees(raw)
        with service_context().database.transaction() as session:
            return with_links(session, invite(session, ceremony_id, invitees, actor=actor()))


@blp.route("/invitations/<uuid:invitation_id>")
class InvitationById(MethodView):
    @permission_somewhere(READ)
    @blp.response(200, InvitationSchema)
    @blp.doc(security=BEARER)
    def get(self, invitation_id: uuid.UUID):
        """Show one invitation (organiser)."""
        with service_context().database.transaction() as session:
            invitation = get_invitation(session, invitation_id)
            ensure_access(invitation.ceremony_id, READ)
            return with_links(session, invitation)


@blp.route("/invitations/<uuid:invitation_id>/remind")
class InvitationRemind(MethodView):
    @permission_somewhere(MANAGE)
    @blp.response(200, InvitationSchema)
    @blp.doc(security=BEARER)
    def post(self, invitation_id: uuid.UUID):
        """Remind exactly this invitee (organiser)."""
        with service_context().database.transaction() as session:
            ensure_access(get_invitation(session, invitation_id).ceremony_id, MANAGE)
            return with_links(session, remind(session, invitation_id, actor=actor()))


@blp.route("/invitations/<uuid:invitation_id>/answer")
class InvitationAnswer(MethodView):
    @permission_somewhere(MANAGE)
    @blp.arguments(AnswerSchema)
    @blp.response(200, InvitationSchema)
    @blp.doc(security=BEARER)
    def post(self, body, invitation_id: uuid.UUID):
        """Record an answer the invitee gave another way, e.g. by phone (organiser)."""
        with service_context().database.transaction() as session:
            ensure_access(get_invitation(session, invitation_id).ceremony_id, MANAGE)
            invitation = answer(
                session, invitation_id, body["answer"], by="organiser", actor=actor()
            )
            return with_links(session, invitation)
