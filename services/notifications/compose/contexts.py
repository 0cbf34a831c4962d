"""What the email templates receive: small value objects and, per template, the keys it expects.

Every template gets `recipient` (Recipient) and `ceremony` (CeremonyInfo; a CeremonyRef for the
emails to people with an account), and may get `office_name` (the signature; each language has a
default) and `seat` (the guest's seat, a ``shared.venue.SeatInfoSchema`` mapping shown with the
`seat_label` filter; None when the guest has none or the email is about no seated guest).
Datetimes must be timezone-aware; templates show them in the ceremony's timezone and the
recipient's locale.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from services.notifications.compose.sanitising import single_line
from shared.protocol import Name, envelope_name, name_of, salutation, short_form


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


#: What ends a salutation: a comma (Arabic too), a colon (Spanish, Chinese).
_TRAILING_PUNCTUATION = ",،:：; "


class _Addressed:
    """The forms of address of a person, from ``shared.protocol`` and its table.

    A name is one line wherever it appears, even in a body where a break would be harmless.
    """

    full_name: str
    honorific: str | None
    job_title: str | None
    given_name: str | None
    family_name: str | None
    family_first: bool

    @property
    def name(self) -> Name:
        """The person as the protocol table addresses them."""
        return name_of(
            {
                "full_name": single_line(self.full_name),
                "given_name": single_line(self.given_name),
                "family_name": single_line(self.family_name),
                "family_first": self.family_first,
                "honorific": single_line(self.honorific),
                "job_title": single_line(self.job_title),
            }
        )

    def salutation(self, language: str) -> str:
        """The opening of a letter in ``language``: "Your Excellency,", "Dear Dr Marsh,"."""
        return salutation(self.name, language)

    def address_in_closing(self, language: str) -> str:
        """The salutation without its final comma, as French repeats it in the closing
        formula ("Veuillez agréer, Excellence, l'assurance ...")."""
        return self.salutation(language).rstrip(_TRAILING_PUNCTUATION)

    def envelope_name(self, language: str) -> str:
        """The name as on an envelope, for the address block and the To: header."""
        return single_line(envelope_name(self.name, language))

    def short_form(self, language: str) -> str:
        """The name in running text ("Dr Marsh", "S.E. M. Smith")."""
        return single_line(short_form(self.name, language))


@dataclass(frozen=True)
class Recipient(_Addressed):
    """Who an email is addressed to; `language` is a tag such as "fr" or "fr-CA".

    The name parts are those of ``shared.events.PersonData``; without them, ``full_name`` is
    split (see ``shared.protocol.name_of``). ``job_title`` picks a position's style of address
    ("Minister of Foreign Affairs").
    """

    full_name: str
    email: str
    honorific: str | None = None
    language: str = "en"
    given_name: str | None = None
    family_name: str | None = None
    family_first: bool = False
    name_latin: str | None = None
    job_title: str | None = None


@dataclass(frozen=True)
class ProgrammeItem:
    """One item of a ceremony's programme, in the order the organisers set."""

    title: str
    speaker: str | None = None
    role: str | None = None
    starts_at: datetime | None = None

    def __post_init__(self) -> None:
        _require_aware("programme starts_at", self.starts_at)


_PROGRAMME_FIELDS = ("title", "speaker", "role", "starts_at")


@dataclass(frozen=True)
class CeremonyInfo:
    """The ceremony an email is about; `timezone` is an IANA name such as "Europe/Paris".

    `programme` may also be given as dicts with the ProgrammeItem fields, as bus payloads carry it.
    """

    id: str
    title: str
    starts_at: datetime
    ends_at: datetime
    timezone: str
    venue_name: str
    venue_address: str | None = None
    programme: Sequence[ProgrammeItem] = ()
    protocol_contact_email: str | None = None
    #: What invitees are asked about their reply, in the letter's language.
    reply_note: str | None = None
    #: The language the letter is written in, whose words the ceremony's are (None: its own).
    language: str | None = None
    # Bumped by each change that calendars must pick up (iCalendar SEQUENCE).
    sequence: int = 0

    def __post_init__(self) -> None:
        _require_aware("starts_at", self.starts_at)
        _require_aware("ends_at", self.ends_at)
        if self.ends_at < self.starts_at:
            raise ValueError("ends_at is before starts_at")
        ZoneInfo(self.timezone)  # raises for an unknown timezone name
        # Bus payloads carry the programme as dicts; templates and calendars want items.
        # Fields an email does not show (a speaker's invitation) are left out.
        items = tuple(
            ProgrammeItem(**{key: item.get(key) for key in _PROGRAMME_FIELDS})
            if isinstance(item, Mapping)
            else item
            for item in self.programme
        )
        object.__setattr__(self, "programme", items)

    @property
    def zone(self) -> ZoneInfo:
        """The ceremony's timezone."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class CeremonyRef:
    """The ceremony an email to a person with an account is about, as far as it is known.

    A teammate's invitation names its ceremony (`starts_at` when the ceremony is known here);
    a password reset is about no ceremony, and its `title` is empty.
    """

    id: str | None = None
    title: str = ""
    starts_at: datetime | None = None
    timezone: str = "UTC"

    def __post_init__(self) -> None:
        _require_aware("starts_at", self.starts_at)
        ZoneInfo(self.timezone)

    @property
    def zone(self) -> ZoneInfo:
        """The ceremony's timezone (UTC when none is known)."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class VipGuest(_Addressed):
    """A guest whose arrival the protocol contact is told about."""

    full_name: str
    honorific: str | None = None
    organisation: str | None = None
    job_title: str | None = None
    category: str | None = None
    given_name: str | None = None
    family_name: str | None = None
    family_first: bool = False
    name_latin: str | None = None


@dataclass(frozen=True)
class CourseInfo:
    """The course a certificate is for, in the letter's language; its dates when known."""

    title: str
    starts_on: date | None = None
    ends_on: date | None = None


@dataclass(frozen=True)
class Attachment:
    """A file attached to an email, such as a badge PDF."""

    filename: str
    content: bytes
    mime_type: str = "application/octet-stream"


@dataclass(frozen=True)
class TemplateSpec:
    """The context keys a template needs, and the optional ones with their defaults."""

    required: tuple[str, ...] = ()
    optional: Mapping[str, Any] = field(default_factory=dict)


COMMON_REQUIRED = ("recipient", "ceremony")
#: fallback_notice: set by the renderer when the letter is not in the language asked for.
COMMON_OPTIONAL: Mapping[str, Any] = {"office_name": None, "fallback_notice": None, "seat": None}

_INVITATION = TemplateSpec(
    # accept_url/decline_url open the RSVP page (which changes nothing until its form is posted);
    # host is who invites, e.g. "The Director General"; reply_by is the day answers are asked
    # for (a date, the ceremony's day; an aware datetime is shown as its day there);
    # dress_code and arrival_instructions are one line each, shown in the details;
    # companions_allowed (how many named companions may come) and representative_allowed say
    # what the invitee may ask for on the reply page.
    required=("accept_url", "decline_url"),
    optional={
        "host": None,
        "reply_by": None,
        "dress_code": None,
        "arrival_instructions": None,
        "companions_allowed": 0,
        "representative_allowed": False,
    },
)
_CONFIRMED = TemplateSpec(
    # Expects the calendar file attached; badge_attached says the badge PDF is attached too,
    # badge_url (optional) is where the guest can see the badge online.
    required=("manage_url",),
    optional={"badge_attached": False, "badge_url": None},
)
_SEATED = TemplateSpec(("seat", "manage_url"), {"badge_attached": False, "badge_url": None})
_CERTIFICATE = TemplateSpec(
    # certificate_kind: one of shared.graduation.CERTIFICATE_KINDS; certificate_result: the
    # result it records (None for appreciation); course: CourseInfo; verify_url: the public
    # page the certificate's QR code opens; certificate_attached: the PDF is attached.
    ("certificate_kind", "course", "verify_url"),
    {"certificate_result": None, "certificate_attached": False},
)

TEMPLATES: Mapping[str, TemplateSpec] = {
    "confirmation": _CONFIRMED,
    "promoted": _CONFIRMED,
    # An invitee accepted: the formal letter that confirms their attendance.
    "invitation_accepted": _CONFIRMED,
    # waitlist_position: 1 for the first guest waiting, or None when not shown.
    "waitlisted": TemplateSpec(("manage_url",), {"waitlist_position": None}),
    # calendar_attached: a METHOD:CANCEL calendar file is attached (the guest had an entry);
    # reason: None when the guest cancelled, "replaced_by_invitation" when the address was
    # registered before its owner accepted an invitation (their own registration replaces it).
    "cancelled": TemplateSpec(
        (), {"register_url": None, "calendar_attached": False, "reason": None}
    ),
    # changes: any of "title", "schedule", "venue", "programme"; expects the calendar update.
    "ceremony_changed": TemplateSpec((), {"changes": (), "manage_url": None}),
    "invitation": _INVITATION,
    "invitation_reminder": _INVITATION,
    # guest: VipGuest; arrived_at: aware datetime; gate: the gate's name, if known;
    # speaks_at: the ProgrammeItems the guest speaks at (a speaker of any category is announced).
    "vip_arrival": TemplateSpec(("guest", "arrived_at"), {"gate": None, "speaks_at": ()}),
    # A public request to register: confirm_url opens the page whose button takes the seat;
    # expires_at (aware datetime) is when the link stops working.
    "confirm_registration": TemplateSpec(("confirm_url", "expires_at")),
    # A request an organiser will approve or decline.
    "request_received": TemplateSpec(),
    "request_declined": TemplateSpec(),
    # An address already registered asked again: its own manage link.
    "manage_link": TemplateSpec(("manage_url",)),
    # subject and body: the organiser's own words, the text part as written (Markdown);
    # body_html: that Markdown rendered (Markup), else the body is escaped in paragraphs.
    "announcement": TemplateSpec(("subject", "body"), {"manage_url": None, "body_html": None}),
    # A confirmed guest's details were corrected: changes lists the fields (e.g. "full_name");
    # the redrawn badge and the calendar update are attached.
    "details_updated": TemplateSpec(
        ("manage_url",), {"changes": (), "badge_attached": False, "badge_url": None}
    ),
    # A seat told to a confirmed guest: the first one (seat), another one instead (seat and
    # previous_seat), or the seat taken back (previous_seat); the redrawn badge is attached.
    "seat_assigned": _SEATED,
    "seat_changed": TemplateSpec(
        ("seat", "previous_seat", "manage_url"), {"badge_attached": False, "badge_url": None}
    ),
    "seat_released": TemplateSpec(
        ("previous_seat", "manage_url"), {"badge_attached": False, "badge_url": None}
    ),
    # A certificate of completion or attendance; a corrected one, replacing one sent earlier
    # (of any kind); a certificate of appreciation, to the course's experts.
    "certificate_issued": _CERTIFICATE,
    "certificate_corrected": _CERTIFICATE,
    "appreciation_certificate": _CERTIFICATE,
    # After the ceremony, to those who spoke: spoke_at, the ProgrammeItems they gave, if known.
    "speaker_thanks": TemplateSpec((), {"spoke_at": ()}),
    # To a person with an account: password_url sets a new password (an hour, once).
    "password_reset": TemplateSpec(("password_url",)),
    # An account opened for someone, most often a teammate added to a ceremony's team (the
    # ceremony is then a CeremonyRef with an id): role is one of shared.auth.ROLES or None,
    # invited_by who did it; password_url sets a first password, sign_in_url is where someone
    # who signs in by single sign-on goes instead.
    "account_invited": TemplateSpec(
        ("password_url", "sign_in_url"), {"role": None, "invited_by": None}
    ),
}
