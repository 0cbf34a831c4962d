"""Template previews for organisers: each email rendered with a sample guest and ceremony."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from shared.errors import DomainError

from .contexts import TEMPLATES, CeremonyInfo, CourseInfo, ProgrammeItem, Recipient, VipGuest
from .letters import RenderedEmail, render_email

_EXAMPLE = "https://ceremony.example.org"
#: A seat in the front rows, and the one further back it replaced.
_SEAT = {"id": "A:1:5", "section": "A", "kind": "rows", "row": "1", "number": 5}
_PREVIOUS_SEAT = {"id": "B:3:12", "section": "B", "kind": "rows", "row": "3", "number": 12}


def sample_context(language: str) -> dict[str, Any]:
    """A closing ceremony a month ahead, and a guest who reads ``language``."""
    starts = (datetime.now(UTC) + timedelta(days=30)).replace(
        hour=15, minute=0, second=0, microsecond=0
    )
    ceremony = CeremonyInfo(
        id="00000000-0000-4000-8000-000000000000",
        title="Closing Ceremony of the International Protocol Course",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2, minutes=30),
        timezone="Europe/Zurich",
        venue_name="Palais des Nations, Assembly Hall",
        venue_address="Avenue de la Paix 14, 1211 Geneva",
        programme=[
            ProgrammeItem("Welcome address", "Dr Helena Marsh", "Chair", starts),
            ProgrammeItem(
                "Address by the Director General",
                "H.E. Mr Li Wei",
                "Director General",
                starts + timedelta(minutes=15),
            ),
            ProgrammeItem("Presentation of certificates"),
        ],
        protocol_contact_email="protocol@example.org",
    )
    return {
        "recipient": Recipient(
            "Amina Diallo",
            "amina.diallo@example.org",
            "Ms",
            language,
            given_name="Amina",
            family_name="Diallo",
        ),
        "ceremony": ceremony,
        "manage_url": f"{_EXAMPLE}/manage/sample",
        "confirm_url": f"{_EXAMPLE}/confirm/sample",
        "expires_at": starts - timedelta(days=20),
        "badge_attached": True,
        "waitlist_position": 3,
        "register_url": f"{_EXAMPLE}/ceremonies/sample/register",
        "calendar_attached": True,
        "changes": ["schedule", "venue"],
        "accept_url": f"{_EXAMPLE}/rsvp/sample",
        "decline_url": f"{_EXAMPLE}/rsvp/sample",
        "reply_by": (starts - timedelta(days=10)).date(),
        "guest": VipGuest("Li Wei", "H.E. Mr", "Ministry of Foreign Affairs", "Director General"),
        "arrived_at": starts - timedelta(minutes=20),
        "gate": "North Gate",
        "subject": "Arrival times and dress code",
        "body": "Doors open at 16:30.\n\nThe dress code is business attire.",
        "password_url": f"{_EXAMPLE}/account/password/sample",
        "sign_in_url": f"{_EXAMPLE}/sign-in",
        "role": "organiser",
        "invited_by": "Dr Helena Marsh",
        "seat": _SEAT,
        "previous_seat": _PREVIOUS_SEAT,
        "certificate_kind": "completion",
        "certificate_result": "distinction",
        "course": CourseInfo(
            "International Protocol Course",
            (starts - timedelta(days=42)).date(),
            (starts - timedelta(days=1)).date(),
        ),
        "verify_url": f"{_EXAMPLE}/verify/SAMPLECODE",
        "certificate_attached": True,
    }


#: What differs for one template from the shared sample.
_PER_TEMPLATE: dict[str, dict[str, Any]] = {
    "details_updated": {"changes": ["full_name", "organisation"]},
    # What an invitation may allow, in the letter's own words.
    "invitation": {"companions_allowed": 2, "representative_allowed": True},
    "invitation_reminder": {"companions_allowed": 2, "representative_allowed": True},
    # A seat taken back leaves the guest with none.
    "seat_released": {"seat": None},
    # The course's experts are thanked; no result is recorded.
    "appreciation_certificate": {"certificate_kind": "appreciation", "certificate_result": None},
}
#: Invitations go to dignitaries: their letters show the formal forms of address.
_INVITEE_TEMPLATES = (
    "invitation",
    "invitation_reminder",
    "invitation_accepted",
    "speaker_thanks",
)


def _invitee(language: str) -> Recipient:
    return Recipient(
        "Amina Diallo",
        "amina.diallo@example.org",
        "H.E. Ms",
        language,
        given_name="Amina",
        family_name="Diallo",
        job_title="Ambassador",
    )


def preview(template: str, language: str, ceremony: CeremonyInfo | None = None) -> RenderedEmail:
    """Render ``template`` with sample data in ``language`` (or its English fallback), about
    ``ceremony`` when given (a real ceremony's title, times and venue), else a sample one."""
    if template not in TEMPLATES:
        raise DomainError(
            "template_not_found", f"No email template named {template!r}.", kind="not_found"
        )
    context = {**sample_context(language), **_PER_TEMPLATE.get(template, {})}
    if template in _INVITEE_TEMPLATES:
        context["recipient"] = _invitee(language)
    if ceremony is not None:
        context["ceremony"] = ceremony
    if template == "vip_arrival":
        # The sample guest gives the programme's second address.
        context["speaks_at"] = tuple(context["ceremony"].programme[1:2])
    if template == "speaker_thanks":
        context["spoke_at"] = tuple(context["ceremony"].programme[1:2])
    return render_email(template, language, context)
