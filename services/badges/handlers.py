"""Bus handlers: keep the projections, give each ceremony its key, issue and revoke badges and
certificates."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.config import Settings
from shared.credentials import credential_handlers
from shared.db import Database
from shared.events import Event
from shared.projections import (
    apply_ceremony,
    apply_registration,
    erase_ceremony_people,
    erase_person,
)
from shared.service import Handler

from .certificates.issuing import erase_holder_names, reconcile
from .certificates.projection import apply_course, apply_graduate
from .issuing import issue_badge, revoke_badge
from .models import badges, ceremonies, certificates, checkins, credentials, registrations
from .signing.keys import KeyRing
from .venue import apply_access, apply_seat


def badge_handlers(keys: KeyRing) -> dict[str, Handler]:
    """Event type → handler, signing with ``keys``."""

    def on_ceremony_created(session: Session, event: Event) -> None:
        """Keep the ceremony and its door rules, and give it its signing key."""
        apply_ceremony(session, ceremonies, event)
        _apply_access(session, event)
        keys.ensure_key(session, event.data["ceremony_id"])

    def on_ceremony_updated(session: Session, event: Event) -> None:
        """Keep the ceremony's new title, date, venue and door rules for printing and the
        door; a printed badge whose zones changed needs a reprint."""
        apply_ceremony(session, ceremonies, event)
        _apply_access(session, event)

    def on_seating_assigned(session: Session, event: Event) -> None:
        """Keep the holder's seat: it is printed on the badge, so one printed with another
        seat now needs a reprint."""
        if apply_seat(session, event):
            _details_changed(session, badges.c.registration_id == event.data["registration_id"])

    def on_confirmed(session: Session, event: Event) -> None:
        """Keep the registration and issue its badge (once), and the certificates it earns
        once they are released (a result may have come before the confirmation)."""
        apply_registration(session, registrations, event)
        issue_badge(session, keys, event.data["registration_id"])
        reconcile(session, keys, event.data["registration_id"])

    def on_cancelled(session: Session, event: Event) -> None:
        """Keep the registration and revoke its badge and certificates."""
        apply_registration(session, registrations, event)
        revoke_badge(session, event.data["registration_id"])
        reconcile(session, keys, event.data["registration_id"])

    def on_updated(session: Session, event: Event) -> None:
        """Keep the corrected details: badges are drawn from them, so the badge is redrawn
        (its signed code stays). One printed before this service knew of the correction now
        needs a reprint — the time it learnt it, not the correction's, decides: a sheet
        printed in between still carried the old details — unless nothing printed changed."""
        registration_id = event.data["registration_id"]
        printed = _printed_details(session, registration_id)
        if apply_registration(session, registrations, event) and (
            printed != _printed_details(session, registration_id)
        ):
            _details_changed(session, badges.c.registration_id == registration_id)
        # A corrected name revokes the certificates printed with the old one and reissues them.
        if _NAMES & set(event.data["changed"]):
            reconcile(session, keys, registration_id)

    def on_erased(session: Session, event: Event) -> None:
        """Forget who a person was; their badge and certificates were revoked when they were
        cancelled, and the certificates keep only the digest of the name printed on them."""
        erase_person(session, registrations, event.data["registration_id"], event)
        erase_holder_names(session, certificates.c.registration_id == event.data["registration_id"])

    def on_purged(session: Session, event: Event) -> None:
        """Forget every person of the ceremony, keeping attendance counts; its certificates
        still verify, without their holders' names."""
        erase_ceremony_people(session, registrations, event)
        erase_holder_names(session, certificates.c.ceremony_id == event.data["ceremony_id"])
        # The answers kept for retried scans name the guest: only their verdict stays.
        kept = session.execute(
            select(checkins.c.id, checkins.c.result).where(
                checkins.c.ceremony_id == event.data["ceremony_id"]
            )
        )
        for checkin in kept.all():
            session.execute(
                checkins.update()
                .where(checkins.c.id == checkin.id)
                .values(response={"result": checkin.result})
            )

    def on_course_updated(session: Session, event: Event) -> None:
        """Keep the course: certificates are drawn from it when they are printed."""
        apply_course(session, event)

    def on_graduate_updated(session: Session, event: Event) -> None:
        """Keep the result and roll details; once released, the certificates follow it."""
        if apply_graduate(session, event):
            reconcile(session, keys, event.data["registration_id"])

    return {
        "ceremony.created": on_ceremony_created,
        "registration.erased": on_erased,
        "ceremony.purged": on_purged,
        "ceremony.updated": on_ceremony_updated,
        "registration.confirmed": on_confirmed,
        "registration.cancelled": on_cancelled,
        "registration.updated": on_updated,
        "seating.assigned": on_seating_assigned,
        "course.updated": on_course_updated,
        "graduate.updated": on_graduate_updated,
        **credential_handlers(credentials),
    }


#: What a badge shows of its holder: a correction of anything else needs no reprint. The
#: language is there as the name is printed in the holder's language.
_PRINTED = (
    "full_name",
    "honorific",
    "organisation",
    "job_title",
    "category",
    "precedence",
    "language",
    "given_name",
    "family_name",
    "family_first",
    "name_latin",
)


#: Corrections that may change the name printed on a certificate.
_NAMES = {"full_name", "given_name", "family_name", "name_latin"}


def _apply_access(session: Session, event: Event) -> None:
    changed = apply_access(session, event)
    if changed:
        holders = select(registrations.c.id).where(
            registrations.c.ceremony_id == event.data["ceremony_id"],
            registrations.c.category.in_(sorted(changed)),
        )
        _details_changed(session, badges.c.registration_id.in_(holders))


def _details_changed(session: Session, which) -> None:
    """Mark the badges ``which`` selects as drawn differently from now on: the time this
    service learnt it decides whether a printed one needs a reprint."""
    session.execute(badges.update().where(which).values(details_changed_at=datetime.now(UTC)))


def _printed_details(session: Session, registration_id) -> tuple | None:
    columns = [registrations.c[name] for name in _PRINTED]
    return session.execute(select(*columns).where(registrations.c.id == registration_id)).first()


def build_handlers(settings: Settings, database: Database) -> dict[str, Handler]:
    """The worker's routing table, with a key ring opened by the service secret."""
    return badge_handlers(KeyRing(settings.secret_keys()))
