"""Turn a recorded delivery into the message to send, from the projections as they are now.

Names, honorifics and languages come from the registration exactly as the guest gave them; the
ceremony's details are the latest known, so an email that waited for a retry is not stale.
Emails to people with an account (a password reset, a teammate's invitation) are composed from
what their event carried, kept in the delivery's details.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.content import ceremony_words, invitation_words
from shared.contract import programme_from_json
from shared.graduation import course_title
from shared.links import GuestLinks, password_link, sign_in_link

from ..certificate_letters import CERTIFICATE_TEMPLATES
from ..compose.announcement_text import choose_text, markdown_html
from ..compose.calendar import build_cancel, build_invite
from ..compose.contexts import (
    Attachment,
    CeremonyInfo,
    CeremonyRef,
    CourseInfo,
    Recipient,
    VipGuest,
)
from ..compose.identity import MailIdentity
from ..compose.letters import render_email, template_language
from ..compose.message import build_message
from ..models import announcements, invitations
from ..projections import (
    ceremony_row,
    course_of,
    invitation_for_address,
    invitation_row,
    items_spoken_by,
    registration_row,
    seat_of,
)
from ..seat_letters import SEAT_TEMPLATES
from ..speaker_thanks import items_given_by
from .badge_source import BadgeSource
from .certificate_source import CertificateRevoked, CertificateSource
from .sender import PermanentDeliveryError, TransientDeliveryError

#: Emails to an invitee, about an invitation rather than a registration.
INVITATION_TEMPLATES = ("invitation", "invitation_reminder")
#: Emails about a public request to register, before it is a registration.
REQUEST_TEMPLATES = ("confirm_registration", "request_received", "request_declined")
#: Emails to a person with an account: about no registration, and a reset about no ceremony.
ACCOUNT_TEMPLATES = ("password_reset", "account_invited")
#: Emails that make no sense once the guest has cancelled: they are skipped, not sent.
MOOT_WHEN_CANCELLED = (
    "confirmation",
    "promoted",
    "invitation_accepted",
    "waitlisted",
    "ceremony_changed",
    "details_updated",
    *SEAT_TEMPLATES,
    *CERTIFICATE_TEMPLATES,
    "speaker_thanks",
)


class SkipDelivery(Exception):
    """The email no longer applies: the guest cancelled, the invitee answered or their
    reply-by day passed before it could be sent."""


@dataclass(frozen=True)
class Composed:
    """A message ready to send, and the language its templates were actually in."""

    message: EmailMessage
    language_used: str


@dataclass(frozen=True)
class Parts:
    """What one template adds: its context, a calendar file, attachments."""

    context: dict[str, Any]
    calendar: bytes | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    #: The language of words that are not the template's (an announcement's text).
    language: str | None = None


def ceremony_info(row: Any, language: str | None = None) -> CeremonyInfo:
    """The projected ceremony as the templates and calendar files want it, in its words in
    ``language`` where it has them (``shared.content``), else its own."""
    words = ceremony_words(
        title=row.title,
        venue_name=row.venue_name,
        venue_address=row.venue_address,
        programme=programme_from_json(row.programme),
        default_language=row.default_language,
        translations=getattr(row, "translations", None),
        language=language,
        reply_note=getattr(row, "reply_note", None),
    )
    return CeremonyInfo(
        id=str(row.id),
        title=words.title,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        timezone=row.timezone,
        venue_name=words.venue_name,
        venue_address=words.venue_address,
        reply_note=words.reply_note,
        language=language,
        programme=words.programme,
        protocol_contact_email=row.protocol_contact_email,
        sequence=row.sequence,
    )


def guest_seat(session: Session, delivery: Any, addressee: Any) -> dict[str, Any] | None:
    """The seat of the confirmed guest an email is about, as the last seating gave it: every
    letter to them (and the arrival alert about them) can say it."""
    if delivery.registration_id is None or getattr(addressee, "status", None) != "confirmed":
        return None
    return seat_of(session, delivery.registration_id)


def course_info(session: Session, ceremony_id: Any, ceremony: CeremonyInfo) -> CourseInfo:
    """The ceremony's course in the letter's language; without one, the ceremony's title."""
    course = course_of(session, ceremony_id)
    if course is None:
        return CourseInfo(title=ceremony.title)
    language = ceremony.language or ""
    return CourseInfo(
        title=course_title(course, language),
        starts_on=date.fromisoformat(course["starts_on"]),
        ends_on=date.fromisoformat(course["ends_on"]),
    )


def reminder_still_due(invitation: Any, timezone: str, now: datetime) -> None:
    """Raise SkipDelivery once the invitation's reply-by day is over where the ceremony is:
    a reminder then would ask for an answer the registration service no longer takes."""
    reply_by = invitation.reply_by
    if reply_by is not None and now.astimezone(ZoneInfo(timezone)).date() > reply_by:
        raise SkipDelivery(f"the reply-by day ({reply_by.isoformat()}) has passed")


def _recipient(person: Any) -> Recipient:
    """A registered guest or an invitee, named exactly as they were registered or invited."""
    return Recipient(
        full_name=person.full_name,
        email=person.email,
        honorific=person.honorific,
        language=person.language,
        given_name=person.given_name,
        family_name=person.family_name,
        family_first=bool(person.family_first),
        name_latin=person.name_latin,
        job_title=person.job_title,
    )


def _to_name(recipient: Recipient, language: str) -> str:
    """The To: display name: the envelope name in the email's language (one line)."""
    return recipient.envelope_name(language) or recipient.full_name


class Assembler:
    """Composes deliveries: templates, calendar files, the badge and certificate attachments.

    ``badges_url`` is the badges service's public address: certificates are verified there.
    """

    def __init__(
        self,
        identity: MailIdentity,
        badges: BadgeSource,
        links: GuestLinks,
        certificates: CertificateSource,
        badges_url: str,
    ):
        self.identity = identity
        self.badges = badges
        self.links = links
        self.certificates = certificates
        self.badges_url = badges_url.rstrip("/")
        self._parts: dict[str, Callable[..., Parts]] = {
            "confirmation": self._with_seat,
            "promoted": self._with_seat,
            "invitation_accepted": self._with_seat,
            "waitlisted": self._waitlisted,
            "cancelled": self._cancelled,
            "ceremony_changed": self._changed,
            "details_updated": self._with_seat,
            "announcement": self._announcement,
            "invitation": self._invitation,
            "invitation_reminder": self._invitation,
            "confirm_registration": self._request,
            "request_received": self._request,
            "request_declined": self._request,
            "manage_link": self._manage_link,
            "vip_arrival": self._arrival,
            **dict.fromkeys(SEAT_TEMPLATES, self._seat_letter),
            **dict.fromkeys(CERTIFICATE_TEMPLATES, self._certificate),
            "speaker_thanks": self._speaker_thanks,
        }

    def close(self) -> None:
        """Close the badge and certificate sources' connections."""
        self.badges.close()
        self.certificates.close()

    def compose(self, session: Session, delivery: Any, now: datetime | None = None) -> Composed:
        """The message for ``delivery``, composed at ``now`` (default: the current time);
        raises a delivery error or SkipDelivery."""
        if delivery.template in ACCOUNT_TEMPLATES:
            return self._compose_account_email(session, delivery)
        projected = ceremony_row(session, delivery.ceremony_id)
        if projected is None:
            raise TransientDeliveryError("the ceremony is not known here yet")
        build_parts = self._parts.get(delivery.template)
        if build_parts is None:
            raise PermanentDeliveryError(f"no email is composed for {delivery.template!r}")
        subject, recipient = self._addressee(session, delivery, projected)
        if delivery.template == "invitation_reminder":
            reminder_still_due(subject, projected.timezone, now or datetime.now(UTC))
        try:
            # The ceremony's words in the language the letter will be written in.
            letter_language = template_language(
                delivery.template, recipient.language, projected.default_language
            )
            ceremony = ceremony_info(projected, letter_language)
            parts = build_parts(session, delivery, subject, ceremony, recipient)
            context = {
                "recipient": recipient,
                "ceremony": ceremony,
                "seat": guest_seat(session, delivery, subject),
                **parts.context,
            }
            rendered = render_email(
                delivery.template,
                parts.language or recipient.language,
                context,
                default_language=projected.default_language,
            )
            if parts.language:
                # The words are the organiser's, in that language, whatever frames them.
                rendered = replace(rendered, language_used=parts.language)
            message = build_message(
                rendered,
                self.identity.from_header,
                _to_name(recipient, rendered.language_used),
                delivery.recipient,
                delivery.message_id,
                parts.attachments,
                parts.calendar,
                reply_to=ceremony.protocol_contact_email,
            )
        except ValueError as exc:
            # Data no template or header can carry: another try would fail the same way.
            raise PermanentDeliveryError(f"cannot compose the email: {exc}") from exc
        return Composed(message, rendered.language_used)

    def _compose_account_email(self, session: Session, delivery: Any) -> Composed:
        """A set-password link: after a reset, or for a teammate added to a ceremony's team."""
        details = delivery.details
        recipient = Recipient(
            full_name=delivery.recipient_name,
            email=delivery.recipient,
            language=details.get("language") or "en",
        )
        try:
            url = password_link(
                self.links.signer,
                self.links.public_url,
                details["account_id"],
                datetime.fromisoformat(details["requested_at"]),
            )
            context: dict[str, Any] = {
                "recipient": recipient,
                "ceremony": self._team_ceremony(session, delivery),
                "password_url": url,
            }
            if delivery.template == "account_invited":
                context.update(
                    sign_in_url=sign_in_link(self.links.public_url),
                    role=details.get("role"),
                    invited_by=details.get("invited_by"),
                )
            rendered = render_email(delivery.template, recipient.language, context)
            message = build_message(
                rendered,
                self.identity.from_header,
                _to_name(recipient, rendered.language_used),
                delivery.recipient,
                delivery.message_id,
            )
        except (KeyError, ValueError) as exc:
            raise PermanentDeliveryError(f"cannot compose the email: {exc}") from exc
        return Composed(message, rendered.language_used)

    def _team_ceremony(self, session: Session, delivery: Any) -> CeremonyRef:
        """The invitation's ceremony as known here now, else as its event named it."""
        if delivery.ceremony_id is None:
            return CeremonyRef()
        projected = ceremony_row(session, delivery.ceremony_id)
        if projected is None:
            title = delivery.details.get("ceremony_title") or ""
            return CeremonyRef(id=str(delivery.ceremony_id), title=title)
        return CeremonyRef(
            id=str(projected.id),
            title=projected.title,
            starts_at=projected.starts_at,
            timezone=projected.timezone,
        )

    def _addressee(self, session: Session, delivery: Any, ceremony: Any) -> tuple[Any, Recipient]:
        """Whom the email is about (a registration or an invitation), and whom it goes to."""
        if delivery.template in REQUEST_TEMPLATES:
            # A request is not kept here: its email carries who asked, as they asked.
            details = delivery.details
            asker = Recipient(
                full_name=delivery.recipient_name,
                email=delivery.recipient,
                honorific=details.get("honorific"),
                language=details.get("language") or ceremony.default_language,
                given_name=details.get("given_name"),
                family_name=details.get("family_name"),
                family_first=bool(details.get("family_first")),
                name_latin=details.get("name_latin"),
                job_title=details.get("job_title"),
            )
            return details, asker
        if delivery.template in INVITATION_TEMPLATES:
            invitation = invitation_row(session, uuid.UUID(str(delivery.details["invitation_id"])))
            if invitation is None:
                raise TransientDeliveryError("the invitation is not known here yet")
            if delivery.template == "invitation_reminder" and invitation.status != "pending":
                raise SkipDelivery(f"the invitee has answered ({invitation.status})")
            return invitation, _recipient(invitation)
        if delivery.template == "announcement" and delivery.registration_id is None:
            return self._announcement_addressee(session, delivery, ceremony)
        registration = registration_row(session, delivery.registration_id)
        if registration is None:
            raise TransientDeliveryError("the registration is not known here yet")
        if delivery.template == "vip_arrival":
            # To the protocol office, in the ceremony's own language.
            office = Recipient(
                full_name=delivery.recipient_name,
                email=delivery.recipient,
                language=ceremony.default_language,
            )
            return registration, office
        if registration.status == "cancelled" and delivery.template in MOOT_WHEN_CANCELLED:
            raise SkipDelivery("the registration was cancelled before this email could be sent")
        if delivery.details.get("reason") == "replaced_by_invitation":
            # Whoever registered the address may have typed any name: the invitee is addressed
            # as they were invited.
            invitation = invitation_for_address(
                session, registration.ceremony_id, delivery.recipient
            )
            if invitation is not None:
                return registration, _recipient(invitation)
        return registration, _recipient(registration)

    def _announcement_addressee(
        self, session: Session, delivery: Any, ceremony: Any
    ) -> tuple[Any, Recipient]:
        """An invitee who has not registered, or the one address a test goes to."""
        invitation_id = delivery.details.get("invitation_id")
        if invitation_id:
            invitation = invitation_row(session, uuid.UUID(str(invitation_id)))
            if invitation is None:
                raise TransientDeliveryError("the invitation is not known here yet")
            return invitation, _recipient(invitation)
        tester = Recipient(
            full_name=delivery.recipient_name,
            email=delivery.recipient,
            language=delivery.details.get("language") or ceremony.default_language,
        )
        return None, tester

    @staticmethod
    def calendar_sequence(ceremony: CeremonyInfo, registration: Any) -> int:
        """The SEQUENCE of a guest's calendar entry: the ceremony's sequence plus the
        registration's revision.

        Both only grow (the ceremony's with each change calendars must pick up, the revision
        with each correction of the guest's details), so their sum grows whenever either does:
        an update after a correction outranks the entry sent before it, and a later change of
        the ceremony outranks both. An invitation's entry (no registration yet) is revision 0.
        """
        revision = getattr(registration, "revision", 0) or 0
        return ceremony.sequence + revision

    def _calendar_uid(self, session: Session, registration: Any) -> str:
        """An accepted invitation's entry carries on into the confirmation: one entry, not two."""
        invitation_id = session.execute(
            select(invitations.c.id).where(invitations.c.registration_id == registration.id)
        ).scalar()
        return self.identity.calendar_uid(invitation_id or registration.id)

    def _organizer(self, ceremony: CeremonyInfo) -> dict[str, Any]:
        return {
            "organizer_email": ceremony.protocol_contact_email or self.identity.address,
            "organizer_name": self.identity.display_name or None,
        }

    def _invite(
        self, uid: str, ceremony: CeremonyInfo, recipient: Recipient, sequence: int | None = None
    ) -> bytes:
        organizer = self._organizer(ceremony)
        sequence = ceremony.sequence if sequence is None else sequence
        return build_invite(ceremony, recipient, uid, sequence, **organizer)

    def _guest_invite(self, session, registration, ceremony, recipient) -> bytes:
        """The guest's one calendar entry: its UID, at the registration's current SEQUENCE."""
        uid = self._calendar_uid(session, registration)
        sequence = self.calendar_sequence(ceremony, registration)
        return self._invite(uid, ceremony, recipient, sequence)

    def _with_seat(self, session, delivery, registration, ceremony, recipient) -> Parts:
        """A confirmation, a promotion or a correction: the badge as it is now, the entry."""
        badge = self.badges.badge_pdf(ceremony.id, registration.id)
        context = {"manage_url": self.links.manage_url(registration.id), "badge_attached": True}
        if delivery.template == "details_updated":
            context["changes"] = delivery.details.get("changes", [])
        return Parts(
            context,
            self._guest_invite(session, registration, ceremony, recipient),
            (Attachment("badge.pdf", badge, "application/pdf"),),
        )

    def _seat_letter(self, session, delivery, registration, ceremony, recipient) -> Parts:
        """A seat told, changed or taken back: the seats as the seating said, the badge now."""
        badge = self.badges.badge_pdf(ceremony.id, registration.id)
        context = {
            "seat": delivery.details.get("seat"),
            "previous_seat": delivery.details.get("previous_seat"),
            "manage_url": self.links.manage_url(registration.id),
            "badge_attached": True,
        }
        return Parts(context, attachments=(Attachment("badge.pdf", badge, "application/pdf"),))

    def _certificate(self, session, delivery, registration, ceremony, recipient) -> Parts:
        """A certificate: which one, for which course, its verification link and its PDF."""
        details = delivery.details
        try:
            pdf = self.certificates.certificate_pdf(ceremony.id, details["certificate_id"])
        except CertificateRevoked as exc:
            raise SkipDelivery(
                "the certificate was revoked before this email could be sent"
            ) from exc
        context = {
            "certificate_kind": details["kind"],
            "certificate_result": details.get("result"),
            "course": course_info(session, delivery.ceremony_id, ceremony),
            "verify_url": f"{self.badges_url}/verify/{details['code']}",
            "certificate_attached": True,
        }
        return Parts(context, attachments=(Attachment("certificate.pdf", pdf, "application/pdf"),))

    def _speaker_thanks(self, session, delivery, registration, ceremony, recipient) -> Parts:
        """The letter of thanks: the items the speaker gave, in the letter's language."""
        projected = ceremony_row(session, delivery.ceremony_id)
        spoke_at = tuple(
            ceremony.programme[position]
            for position in items_given_by(session, projected, registration.id)
            if position < len(ceremony.programme)
        )
        return Parts({"spoke_at": spoke_at})

    def _waitlisted(self, session, delivery, registration, ceremony, recipient) -> Parts:
        return Parts({"manage_url": self.links.manage_url(registration.id)})

    def _cancelled(self, session, delivery, registration, ceremony, recipient) -> Parts:
        with_calendar = bool(delivery.details.get("with_calendar"))
        calendar = None
        if with_calendar:
            # One above the ceremony's sequence, so the cancel outranks any invite already sent.
            uid = self._calendar_uid(session, registration)
            sequence = self.calendar_sequence(ceremony, registration) + 1
            calendar = build_cancel(ceremony, recipient, uid, sequence, **self._organizer(ceremony))
        register_url = self.links.register_url(ceremony.id)
        context = {
            "register_url": register_url,
            "calendar_attached": with_calendar,
            "reason": delivery.details.get("reason"),
        }
        return Parts(context, calendar)

    def _changed(self, session, delivery, registration, ceremony, recipient) -> Parts:
        return Parts(
            {
                "changes": delivery.details.get("changes", []),
                "manage_url": self.links.manage_url(registration.id),
            },
            self._guest_invite(session, registration, ceremony, recipient),
        )

    def _invitation(self, session, delivery, invitation, ceremony, recipient) -> Parts:
        """The invitation or its reminder: the reply links and the invitation's terms."""
        rsvp_url = self.links.rsvp_url(invitation.id, until=ceremony.ends_at)
        # The invitation's own words in the language the letter is written in.
        words = invitation_words(invitation, ceremony.language)
        # Each button opens the RSVP page, which records nothing until its form is posted.
        return Parts(
            {
                "accept_url": f"{rsvp_url}?answer=accept",
                "decline_url": f"{rsvp_url}?answer=decline",
                "host": words["host"],
                "reply_by": invitation.reply_by,
                "dress_code": words["dress_code"],
                "arrival_instructions": words["arrival_instructions"],
                "companions_allowed": invitation.companions_allowed or 0,
                "representative_allowed": bool(invitation.representative_allowed),
            },
            self._invite(self.identity.calendar_uid(invitation.id), ceremony, recipient),
        )

    def _request(self, session, delivery, details, ceremony, recipient) -> Parts:
        expires_at = datetime.fromisoformat(details["expires_at"])
        request_id = uuid.UUID(details["request_id"])
        return Parts(
            {
                "confirm_url": self.links.confirm_url(request_id, until=expires_at),
                "expires_at": expires_at,
            }
        )

    def _manage_link(self, session, delivery, registration, ceremony, recipient) -> Parts:
        return Parts({"manage_url": self.links.manage_url(registration.id)})

    def _arrival(self, session, delivery, registration, ceremony, recipient) -> Parts:
        guest = VipGuest(
            full_name=registration.full_name,
            honorific=registration.honorific,
            organisation=registration.organisation,
            job_title=registration.job_title,
            category=registration.category,
            given_name=registration.given_name,
            family_name=registration.family_name,
            family_first=bool(registration.family_first),
            name_latin=registration.name_latin,
        )
        arrived_at = datetime.fromisoformat(delivery.details["at"])
        gate = delivery.details.get("gate")
        # The items as the ceremony's words name them in the letter's language.
        projected = ceremony_row(session, delivery.ceremony_id)
        speaks_at = tuple(
            ceremony.programme[position]
            for position in items_spoken_by(projected, registration.id)
            if position < len(ceremony.programme)
        )
        return Parts(
            {"guest": guest, "arrived_at": arrived_at, "gate": gate, "speaks_at": speaks_at}
        )

    def _announcement(self, session, delivery, addressee, ceremony, recipient) -> Parts:
        """The organiser's text in the reader's language (else the ceremony's, else English),
        its Markdown rendered for the HTML part and kept as written for the text part."""
        bodies = delivery.details.get("bodies")  # a test carries its own text
        legacy = None
        if bodies is None:
            announcement_id = uuid.UUID(str(delivery.details.get("announcement_id")))
            announcement = session.execute(
                select(announcements).where(announcements.c.id == announcement_id)
            ).first()
            if announcement is None:
                raise PermanentDeliveryError("the announcement of this email is gone")
            bodies = announcement.bodies
            legacy = {"subject": announcement.subject, "body": announcement.body}
        language = None
        if bodies:
            default = ceremony_row(session, delivery.ceremony_id).default_language
            language, text = choose_text(bodies, recipient.language, default)
        else:
            text = legacy  # written before there was a text per language: plain, as then
        is_guest = addressee is not None and delivery.registration_id is not None
        live = is_guest and addressee.status != "cancelled"
        return Parts(
            {
                "subject": text["subject"],
                "body": text["body"],
                "body_html": markdown_html(text["body"]) if bodies else None,
                "manage_url": self.links.manage_url(addressee.id) if live else None,
            },
            language=language,
        )
