"""Bus handlers: keep the projections and record which emails each event calls for.

Handlers only record deliveries, in the worker's transaction with the inbox row; the delivery
loop sends them. The confirmation (or promotion) email waits for ``badge.issued``, so that the
badge it carries exists.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.contract import VIP_CATEGORIES, email_digest, programme_from_json
from shared.credentials import credential_handlers
from shared.events import Event
from shared.projections import (
    apply_ceremony,
    apply_invitation,
    erase_ceremony_people,
    erase_person,
)
from shared.service import Handler

from .certificate_letters import record_certificate_letter
from .compose.identity import MailIdentity
from .deliver.log import (
    erase_deliveries,
    record_delivery,
    record_for_invitation,
    record_for_registration,
)
from .models import ceremonies, credentials, invitations, promotions, registrations, seats
from .projections import (
    apply_course,
    apply_guest,
    apply_seat,
    ceremony_row,
    invitation_of_registration,
    invitation_row,
    is_promoted,
    items_spoken_by,
    registration_row,
)
from .seat_letters import record_seat_letter

log = logging.getLogger(__name__)

#: The parts of a person's name the events carry beside ``full_name``.
NAME_PARTS = ("given_name", "family_name", "family_first", "name_latin")

_ARRIVALS = uuid.UUID("5b0f3c1e-8f7e-4c55-9d0a-3c3f4f7b2a61")


def arrival_key(registration_id: object) -> uuid.UUID:
    """What names a guest's arrival alert: one per guest, so a re-entry alerts nobody again."""
    return uuid.uuid5(_ARRIVALS, str(registration_id))


#: How long the "details updated" email waits before it is composed: the badges service
#: redraws the badge on the same event, and the email attaches the badge as it is then.
BADGE_REDRAW_SECONDS = 10.0


class RegistrationNotYetKnown(RuntimeError):
    """A badge, a seat to announce or a certificate came before its registration's
    confirmation: the worker retries the event later."""


def _programme_as_shown(items: Any) -> list[tuple]:
    """The programme as guests read it: naming who speaks by their registration or invitation
    changes nothing in their calendar."""
    return [
        (item["title"], item["speaker"], item["role"], item["starts_at"])
        for item in programme_from_json(items)
    ]


def ceremony_changes(before: Any, data: dict[str, Any]) -> list[str]:
    """What guests must hear about: any of "title", "schedule", "venue", "programme"."""
    changes = []
    if before.title != data["title"]:
        changes.append("title")
    schedule = (data["starts_at"], data["ends_at"], data["timezone"])
    if (before.starts_at, before.ends_at, before.timezone) != schedule:
        changes.append("schedule")
    venue = data["venue"]
    if (before.venue_name, before.venue_address) != (venue["name"], venue.get("address")):
        changes.append("venue")
    if _programme_as_shown(before.programme) != _programme_as_shown(data.get("programme", [])):
        changes.append("programme")
    return changes


def confirmation_template(session: Session, registration: Any) -> str:
    """Which confirmation a guest with a seat gets: an invitee who accepted is answered in
    the formal letter of acceptance, a guest from the waitlist hears of the seat, any other
    guest gets the ordinary confirmation."""
    if invitation_of_registration(session, registration.id) is not None:
        return "invitation_accepted"
    return "promoted" if is_promoted(session, registration.id) else "confirmation"


def notification_handlers(identity: MailIdentity) -> dict[str, Handler]:
    """Event type → handler."""

    def on_ceremony_created(session: Session, event: Event) -> None:
        apply_ceremony(session, ceremonies, event)

    def on_ceremony_updated(session: Session, event: Event) -> None:
        ceremony_id = event.data["ceremony_id"]
        before = ceremony_row(session, ceremony_id)
        if not apply_ceremony(session, ceremonies, event) or before is None:
            return  # an older copy, or a ceremony nobody has registered for yet
        changes = ceremony_changes(before, event.data)
        if not changes:
            return  # e.g. only the capacity changed: nothing for guests' calendars
        confirmed = session.execute(
            select(registrations).where(
                registrations.c.ceremony_id == ceremony_id, registrations.c.status == "confirmed"
            )
        )
        for registration in confirmed:
            record_for_registration(
                session,
                identity,
                event.event_id,
                "ceremony_changed",
                registration,
                {"changes": changes},
            )

    def on_confirmed(session: Session, event: Event) -> None:
        apply_guest(session, event)
        if event.data["promoted"] and not is_promoted(session, event.data["registration_id"]):
            session.execute(
                promotions.insert().values(
                    registration_id=event.data["registration_id"], promoted_at=event.occurred_at
                )
            )

    def on_waitlisted(session: Session, event: Event) -> None:
        # A newer state is kept already (the guest got a seat): the waitlist email is moot.
        if apply_guest(session, event):
            registration = registration_row(session, event.data["registration_id"])
            record_for_registration(session, identity, event.event_id, "waitlisted", registration)

    def on_cancelled(session: Session, event: Event) -> None:
        apply_guest(session, event)
        registration = registration_row(session, event.data["registration_id"])
        # Only a confirmed guest was sent a calendar entry that now has to be removed.
        details = {"with_calendar": event.data["previous_status"] == "confirmed"}
        if event.data.get("cancel_reason"):
            details["reason"] = event.data["cancel_reason"]
        record_for_registration(
            session, identity, event.event_id, "cancelled", registration, details
        )

    def on_badge_issued(session: Session, event: Event) -> None:
        registration = registration_row(session, event.data["registration_id"])
        if registration is None or registration.status == "waitlisted":
            raise RegistrationNotYetKnown(
                f"badge {event.data['badge_id']} came before registration "
                f"{event.data['registration_id']} was confirmed here"
            )
        if registration.status == "cancelled":
            log.info("no confirmation for cancelled registration %s", registration.id)
            return
        template = confirmation_template(session, registration)
        record_for_registration(session, identity, event.event_id, template, registration)

    def on_updated(session: Session, event: Event) -> None:
        """Tell a confirmed guest their details were corrected: the redrawn badge, the
        calendar entry updated (same UID, higher SEQUENCE)."""
        if not apply_guest(session, event):
            return  # a newer state is kept already: that one's email, if any, stands
        registration = registration_row(session, event.data["registration_id"])
        if registration.status != "confirmed":
            return  # a waitlisted guest has neither badge nor calendar entry yet
        record_for_registration(
            session,
            identity,
            event.event_id,
            "details_updated",
            registration,
            {"changes": list(event.data["changed"]), "revision": event.data["revision"]},
            delay_seconds=BADGE_REDRAW_SECONDS,
        )

    def on_confirmation_resent(session: Session, event: Event) -> None:
        """Send the confirmation again, as a new email: the same calendar entry, not a new one."""
        apply_guest(session, event)
        registration = registration_row(session, event.data["registration_id"])
        if registration is None or registration.status != "confirmed":
            log.info("no confirmation to resend for registration %s", event.data["registration_id"])
            return
        # An invitee's confirmation is their letter of acceptance, sent again as it was.
        template = "confirmation"
        if invitation_of_registration(session, registration.id) is not None:
            template = "invitation_accepted"
        record_for_registration(session, identity, event.event_id, template, registration)

    def on_seating_assigned(session: Session, event: Event) -> None:
        """Keep the guest's seat; write to them when the seating is to be announced."""
        data = event.data
        if not apply_seat(session, event) or not data["announce"]:
            return  # an older seating, or one the guest is not told of
        registration = registration_row(session, data["registration_id"])
        if registration is None:
            raise RegistrationNotYetKnown(
                f"a seat to announce came before registration {data['registration_id']}"
            )
        record_seat_letter(
            session, identity, event, registration, delay_seconds=BADGE_REDRAW_SECONDS
        )

    def on_course_updated(session: Session, event: Event) -> None:
        apply_course(session, event)

    def on_certificate_issued(session: Session, event: Event) -> None:
        """Write the certificate to its holder, with the PDF attached when it is sent."""
        data = event.data
        registration = registration_row(session, data["registration_id"])
        if registration is None:
            raise RegistrationNotYetKnown(
                f"certificate {data['certificate_id']} came before registration "
                f"{data['registration_id']}"
            )
        record_certificate_letter(session, identity, event, registration)

    def on_invitation(template: str | None) -> Handler:
        def handle(session: Session, event: Event) -> None:
            # An older copy changes nothing; an answer already given makes the email moot.
            if not apply_invitation(session, invitations, event) or template is None:
                return
            invitation = invitation_row(session, event.data["invitation_id"])
            if invitation.status == "pending":
                record_for_invitation(session, identity, event.event_id, template, invitation)

        return handle

    def on_request(template_by_status: dict[str, str]) -> Handler:
        def handle(session: Session, event: Event) -> None:
            """Write to the address of a public request; nothing of it is kept but the email."""
            data = event.data
            record_delivery(
                session,
                identity,
                event_id=event.event_id,
                template=template_by_status[data["status"]],
                email=data["email"],
                full_name=data["full_name"],
                ceremony_id=data["ceremony_id"],
                registration_id=None,
                details={
                    "request_id": str(data["request_id"]),
                    "expires_at": data["expires_at"].isoformat(),
                    "honorific": data.get("honorific"),
                    "job_title": data.get("job_title"),
                    "language": data["language"],
                    # A request is not projected: its email is addressed from these.
                    **{key: data.get(key) for key in NAME_PARTS},
                },
            )

        return handle

    def on_link_requested(session: Session, event: Event) -> None:
        apply_guest(session, event)
        registration = registration_row(session, event.data["registration_id"])
        record_for_registration(session, identity, event.event_id, "manage_link", registration)

    def on_account_email(template: str, *, about_ceremony: bool) -> Handler:
        def handle(session: Session, event: Event) -> None:
            """Write to a person with an account; the link is made when the email is composed."""
            data = event.data
            details = {
                "account_id": str(data["account_id"]),
                # The link opens only with this instant: it is rebuilt from it at each try.
                "requested_at": data["requested_at"].isoformat(),
                "language": data["language"],
            }
            if about_ceremony:
                details.update(
                    {key: data.get(key) for key in ("ceremony_title", "role", "invited_by")}
                )
            record_delivery(
                session,
                identity,
                event_id=event.event_id,
                template=template,
                email=data["email"],
                full_name=data["display_name"],
                ceremony_id=data["ceremony_id"] if about_ceremony else None,
                registration_id=None,
                details=details,
            )

        return handle

    def on_erased(session: Session, event: Event) -> None:
        """Forget a person: their projected registration and invitation, their emails."""
        data = event.data
        erase_person(session, registrations, data["registration_id"], event)
        # Emptied rather than deleted: a seating older than the erasure stays ignored.
        session.execute(
            seats.update()
            .where(seats.c.registration_id == data["registration_id"])
            .values(seat=None, as_of=event.occurred_at)
        )
        digest = data["email_digest"]
        for invitation in session.execute(
            select(invitations.c.id, invitations.c.email).where(
                invitations.c.ceremony_id == data["ceremony_id"]
            )
        ).all():
            if invitation.email and email_digest(invitation.email) == digest:
                erase_person(session, invitations, invitation.id, event)
        erase_deliveries(
            session,
            data["ceremony_id"],
            lambda row: (
                row.registration_id == data["registration_id"]
                or (row.recipient and email_digest(row.recipient) == digest)
            ),
        )

    def on_purged(session: Session, event: Event) -> None:
        """Forget every person of the ceremony; the counts of the delivery log remain."""
        erase_ceremony_people(session, registrations, event)
        erase_ceremony_people(session, invitations, event)
        session.execute(
            seats.update()
            .where(seats.c.ceremony_id == event.data["ceremony_id"])
            .values(seat=None, as_of=event.occurred_at)
        )
        session.execute(
            ceremonies.update()
            .where(ceremonies.c.id == event.data["ceremony_id"])
            .values(protocol_contact_email=None)
        )
        erase_deliveries(session, event.data["ceremony_id"], lambda row: True)

    def on_checkin(session: Session, event: Event) -> None:
        """Tell the protocol contact a VIP, or anyone who speaks at the ceremony, arrived."""
        data = event.data
        if data["direction"] != "in":
            return
        ceremony = ceremony_row(session, data["ceremony_id"])
        speaks = ceremony is not None and items_spoken_by(ceremony, data["registration_id"])
        if data["guest"]["category"] not in VIP_CATEGORIES and not speaks:
            return
        if ceremony is None or not ceremony.protocol_contact_email:
            log.info("no protocol contact to tell of %s's arrival", data["registration_id"])
            return
        record_delivery(
            session,
            identity,
            event_id=arrival_key(data["registration_id"]),
            template="vip_arrival",
            email=ceremony.protocol_contact_email,
            full_name="",
            ceremony_id=data["ceremony_id"],
            registration_id=data["registration_id"],
            details={"gate": data.get("gate"), "at": data["at"].isoformat()},
        )

    return {
        "ceremony.created": on_ceremony_created,
        "ceremony.updated": on_ceremony_updated,
        "registration.confirmed": on_confirmed,
        "registration.waitlisted": on_waitlisted,
        "registration.cancelled": on_cancelled,
        "registration.requested": on_request(
            {
                "awaiting_confirmation": "confirm_registration",
                "awaiting_approval": "request_received",
            }
        ),
        "registration.request_declined": on_request({"declined": "request_declined"}),
        "registration.link_requested": on_link_requested,
        "registration.updated": on_updated,
        "registration.confirmation_resent": on_confirmation_resent,
        "badge.issued": on_badge_issued,
        "seating.assigned": on_seating_assigned,
        "course.updated": on_course_updated,
        "certificate.issued": on_certificate_issued,
        "invitation.created": on_invitation("invitation"),
        "invitation.reminded": on_invitation("invitation_reminder"),
        "invitation.accepted": on_invitation(None),
        "invitation.declined": on_invitation(None),
        "checkin.recorded": on_checkin,
        "registration.erased": on_erased,
        "ceremony.purged": on_purged,
        "account.password_reset_requested": on_account_email(
            "password_reset", about_ceremony=False
        ),
        "account.invited": on_account_email("account_invited", about_ceremony=True),
        **credential_handlers(credentials),
    }
