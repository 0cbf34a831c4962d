"""HTTP API: invitations to dignitaries and speakers (drafts or sent at once), file import,
sending, reminders, answers, withdrawal."""

from __future__ import annotations

import uuid

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
from shared.web import service_context

from ..ceremonies import get_ceremony
from ..invitations import (
    answer,
    delegations,
    get_invitation,
    invite,
    list_invitations,
    remind,
    remind_pending,
    remove_draft,
    send_drafts,
    withdraw,
)
from ..links import links
from .invitees_csv import read_invitees
from .schemas import (
    AnswerSchema,
    CsvUploadSchema,
    ImportQuerySchema,
    InvitationQuerySchema,
    InvitationSchema,
    InvitationsInSchema,
    RemindChoiceSchema,
    RemindResultSchema,
    SendChoiceSchema,
    SendResultSchema,
)
from .uploads import uploaded_file

blp = Blueprint("invitations", __name__, url_prefix="/api", description="Invitations")


def with_links(session, invitations):
    """Invitations with their RSVP links and companions attached for the organiser's view."""
    single = not isinstance(invitations, list)
    companions = delegations(session, [invitations] if single else invitations)
    for invitation in [invitations] if single else invitations:
        invitation.companions = companions[invitation.id]
        if invitation.status == "draft":
            invitation.rsvp_url = None  # its link opens once it is sent
            continue
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
        """Invite dignitaries and speakers (organiser): all of them, or none; sent at once
        unless ``send`` is false (drafts)."""
        with service_context().database.transaction() as session:
            invited = invite(
                session, ceremony_id, body["invitees"], send=body["send"], actor=actor()
            )
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
    @blp.arguments(ImportQuerySchema, location="query")
    @blp.arguments(CsvUploadSchema, location="files")
    @blp.response(201, InvitationSchema(many=True))
    # The file may also come as the body itself; documented, it is also what the API accepts.
    @blp.doc(security=BEARER, requestBody={"content": {"text/csv": {"schema": {"type": "string"}}}})
    def post(self, query, _files, ceremony_id: uuid.UUID):
        """Invite from a CSV or XLSX file with a header row (organiser): every row valid, or
        none. An XLSX workbook comes as the file field; ``send=false`` imports drafts."""
        raw = uploaded_file()
        invitees = read_invitees(raw)
        with service_context().database.transaction() as session:
            invited = invite(session, ceremony_id, invitees, send=query["send"], actor=actor())
            return with_links(session, invited)


@blp.route("/ceremonies/<uuid:ceremony_id>/invitations/send")
class CeremonyInvitationsSend(MethodView):
    @ceremony_access(MANAGE)
    @blp.arguments(SendChoiceSchema)
    @blp.response(200, SendResultSchema)
    @blp.doc(security=BEARER)
    def post(self, body, ceremony_id: uuid.UUID):
        """Send drafts (organiser): those chosen, or all; others chosen are skipped."""
        chosen = None if body["all_drafts"] else body["invitation_ids"]
        with service_context().database.transaction() as session:
            sent, skipped = send_drafts(session, ceremony_id, chosen, actor=actor())
            return {"sent": len(sent), "skipped": skipped, "invitation_ids": [i.id for i in sent]}


@blp.route("/ceremonies/<uuid:ceremony_id>/invitations/remind")
class CeremonyInvitationsRemind(MethodView):
    @ceremony_access(MANAGE)
    @blp.arguments(RemindChoiceSchema)
    @blp.response(200, RemindResultSchema)
    @blp.doc(security=BEARER)
    def post(self, body, ceremony_id: uuid.UUID):
        """Remind invitees who have not answered (organiser): those chosen, or all of them;
        those who answered are skipped."""
        chosen = None if body["all_pending"] else body["invitation_ids"]
        with service_context().database.transaction() as session:
            done, skipped = remind_pending(session, ceremony_id, chosen, actor=actor())
            return {
                "reminded": len(done),
                "skipped": skipped,
                "invitation_ids": [i.id for i in done],
            }


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

    @permission_somewhere(MANAGE)
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, invitation_id: uuid.UUID):
        """Remove a draft (organiser); a sent invitation is withdrawn instead (409)."""
        with service_context().database.transaction() as session:
            ensure_access(get_invitation(session, invitation_id).ceremony_id, MANAGE)
            remove_draft(session, invitation_id, actor=actor())


@blp.route("/invitations/<uuid:invitation_id>/withdraw")
class InvitationWithdraw(MethodView):
    @permission_somewhere(MANAGE)
    @blp.response(200, InvitationSchema)
    @blp.doc(security=BEARER)
    def post(self, invitation_id: uuid.UUID):
        """Withdraw a sent invitation (organiser); an accepted one's registration is cancelled."""
        with service_context().database.transaction() as session:
            ensure_access(get_invitation(session, invitation_id).ceremony_id, MANAGE)
            return with_links(session, withdraw(session, invitation_id, actor=actor()))


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
        """Record an answer the invitee gave another way, e.g. by phone (organiser): accept
        with companions, represent (someone comes instead), or decline with regrets."""
        with service_context().database.transaction() as session:
            ensure_access(get_invitation(session, invitation_id).ceremony_id, MANAGE)
            invitation = answer(
                session,
                invitation_id,
                body["answer"],
                by="organiser",
                via=body["via"],
                note=body["note"],
                companions=body["companions"],
                representative=body["representative"],
                regrets=body["regrets"],
                actor=actor(),
            )
            return with_links(session, invitation)
