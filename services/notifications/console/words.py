"""What the console calls the emails' templates and statuses, in the page's language."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

#: Each template by what it is for.
TEMPLATE_LABELS = {
    "account_invited": _l("Team invitation"),
    "announcement": _l("Announcement"),
    "appreciation_certificate": _l("Certificate of appreciation"),
    "cancelled": _l("Cancellation"),
    "certificate_corrected": _l("Corrected certificate"),
    "certificate_issued": _l("Certificate"),
    "ceremony_changed": _l("Ceremony changed"),
    "confirm_registration": _l("Confirm your registration"),
    "confirmation": _l("Confirmation"),
    "details_updated": _l("Details updated"),
    "invitation": _l("Invitation"),
    "invitation_accepted": _l("Invitation accepted"),
    "invitation_reminder": _l("Invitation reminder"),
    "manage_link": _l("Personal link"),
    "password_reset": _l("Password reset"),
    "promoted": _l("Seat from the waitlist"),
    "request_declined": _l("Request declined"),
    "request_received": _l("Request received"),
    "seat_assigned": _l("Seat assigned"),
    "seat_changed": _l("Seat changed"),
    "seat_released": _l("Seat no longer reserved"),
    "speaker_thanks": _l("Thanks to speakers"),
    "vip_arrival": _l("VIP arrival alert"),
    "waitlisted": _l("Waitlisted"),
}

#: An email's status in the delivery log.
STATUS_LABELS = {
    "queued": _l("Queued"),
    "sent": _l("Sent"),
    "failed": _l("Failed"),
    "skipped": _l("Skipped"),
}

#: An announcement's status.
ANNOUNCEMENT_STATUS_LABELS = {
    "draft": _l("Draft"),
    "scheduled": _l("Scheduled"),
    "sent": _l("Sent"),
    "cancelled": _l("Cancelled"),
}
