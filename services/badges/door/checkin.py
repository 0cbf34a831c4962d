"""The door: one function decides and records every scan, online or uploaded later.

``perform_checkin`` verifies the code with the ceremony's cached public key, locks the badge's
presence row (so two gates scanning one badge at the same instant admit it once), answers a
retried nonce with its first answer, holds an entry to the gate's zones and door hours
(``access``), and records the scan and its event in the caller's transaction. The functions
around it are what every way into the door shares: the gate a token speaks for, the order
uploaded scans are applied in, admission by name (which the audit trail records too: it is a
person's decision, where a scan is the badge's).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, bindparam
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from shared.audit import SYSTEM, record
from shared.db import Database
from shared.events import make_envelope
from shared.observability import CHECKINS
from shared.outbox import outbox_row

from ..models import audit, badges, ceremony_access, checkins, presence, seats
from ..projections import GUEST_COLUMNS, badge_holders, guest_summary
from ..signing import codes
from ..signing.keys import KeyRing
from ..venue import SEAT_COLUMNS, seat_view
from .access import RulesCache, refusal
from .search import badge_code_for
from .writes import ENTER, LEAVE, write_scan

log = logging.getLogger(__name__)

#: HTTP status of each verdict, through the API and in offline upload results alike.
VERDICT_STATUS = {
    "admitted": 201,
    "exited": 201,
    "already_admitted": 409,
    "not_inside": 409,
    "revoked": 409,
    "wrong_ceremony": 409,
    "not_allowed_here": 409,
    "too_early": 409,
    "too_late": 409,
    "invalid": 422,
    # An uploaded scan the database failed to record: nothing of it was kept, so the door may
    # send it again under the same nonce.
    "not_recorded": 503,
}
#: Times in a verdict; stored answers keep them as ISO text and get them back as datetimes.
_TIMES = ("at", "admitted_at", "opens_at", "closes_at")
#: Each ceremony's zones and door hours, parsed once per ceremony event.
_RULES = RulesCache()

# Built once: the door is the hot path, and a prebuilt statement skips SQLAlchemy's per-call
# construction and cache-key work.
_BADGE_AT_DOOR = (
    badge_holders(
        badges.c.id.label("badge_id"),
        badges.c.registration_id,
        badges.c.ceremony_id,
        badges.c.status,
        presence.c.inside,
        presence.c.last_in_at,
        presence.c.last_in_gate,
        *GUEST_COLUMNS,
        *SEAT_COLUMNS,
        # The ceremony's rules come with the badge, so a scan stays one round trip.
        ceremony_access.c.zones,
        ceremony_access.c.gate_rules,
        ceremony_access.c.as_of.label("rules_as_of"),
        checkins.c.badge_id.label("answered_badge_id"),
        checkins.c.result.label("answered_result"),
        checkins.c.response.label("answer"),
    )
    .outerjoin(seats, seats.c.registration_id == badges.c.registration_id)
    .outerjoin(ceremony_access, ceremony_access.c.ceremony_id == badges.c.ceremony_id)
    # The first answer to this nonce, if any, in the same round trip (NULL never matches).
    .outerjoin(
        checkins,
        and_(
            checkins.c.ceremony_id == badges.c.ceremony_id, checkins.c.nonce == bindparam("nonce")
        ),
    )
    .where(badges.c.serial == bindparam("serial"))
    .with_for_update(of=presence)
)


@dataclass(frozen=True)
class Scan:
    """One scan at a door; offline scans bring the time the scanner saw the badge."""

    code: str
    gate: str | None = None
    direction: str = "in"
    nonce: str | None = None
    scanned_at: datetime | None = None
    #: The enrolled door device that scanned, if a device did (its credential's id).
    device_id: uuid.UUID | None = None


@dataclass(frozen=True)
class Verdict:
    """The door's answer: a result and the body that tells it, times as datetimes."""

    result: str
    body: dict[str, Any] = field(default_factory=dict)
    #: True when this is the stored first answer to a retried nonce.
    replayed: bool = False

    @property
    def status(self) -> int:
        """The HTTP status of this verdict."""
        return VERDICT_STATUS[self.result]


def perform_checkin(
    connection: Connection, keys: KeyRing, scan: Scan, *, ceremony_id: uuid.UUID | None = None
) -> Verdict:
    """Decide and record one scan; ``ceremony_id`` is the ceremony the door admits to, if bound.

    Runs inside the caller's transaction, on a bare connection rather than an ORM session: the
    door needs no unit of work, and skipping it is a good part of its time. A scan that names a
    nonce already answered for this ceremony gets the first answer back and changes nothing.
    """
    try:
        parsed = _verified(connection, keys, scan.code)
    except codes.InvalidCode as exc:
        return Verdict("invalid", {"result": "invalid", "reason": exc.reason})
    if ceremony_id is not None and parsed.ceremony_id != ceremony_id:
        # The holder belongs to another ceremony: nothing about them is shown at this door.
        return Verdict("wrong_ceremony", {"result": "wrong_ceremony"})
    row = connection.execute(
        _BADGE_AT_DOOR, {"serial": parsed.serial_hex, "nonce": scan.nonce}
    ).first()
    if row is None:
        return Verdict("invalid", {"result": "invalid", "reason": "unknown_badge"})
    if row.answered_badge_id is not None:
        if row.answered_badge_id != row.badge_id:
            return Verdict("invalid", {"result": "invalid", "reason": "nonce_reused"})
        return Verdict(row.answered_result, _from_stored(row.answer), replayed=True)
    return _record(connection, row, scan)


def _verified(connection: Connection, keys: KeyRing, text: str) -> codes.ParsedCode:
    parsed = codes.parse_code(text)
    public = keys.public_key(connection, parsed.kid)
    # A key signs for its own ceremony only; a code naming another one is forged.
    if public is None or public.ceremony_id != parsed.ceremony_id:
        raise codes.InvalidCode("unknown_key")
    if not codes.verify_code(parsed, public.key):
        raise codes.InvalidCode("bad_signature")
    return parsed


def _record(connection: Connection, row, scan: Scan) -> Verdict:
    now = datetime.now(UTC)
    at = scan.scanned_at or now
    checkin_id = uuid.uuid4()
    guest = guest_summary(row)
    result, change, extra = _decide(row, scan, at)
    body: dict[str, Any] = {
        "result": result,
        "checkin_id": checkin_id,
        "guest": guest,
        # Named in English here; the door page names it in its own language from the fields.
        "seat": seat_view(row, "en"),
        "accessible_seat": bool(row.accessible_seat),
        "direction": scan.direction,
        "gate": scan.gate,
        "at": at,
        **extra,
    }
    log = {
        "id": checkin_id,
        "ceremony_id": row.ceremony_id,
        "badge_id": row.badge_id,
        "nonce": scan.nonce,
        "direction": scan.direction,
        "gate": scan.gate,
        "result": result,
        "http_status": VERDICT_STATUS[result],
        "response": _stored(body),
        "scanned_at": at,
        "recorded_at": now,
        "offline": scan.scanned_at is not None,
    }
    event = None
    if result == "admitted":
        event = outbox_row(
            make_envelope(
                "checkin.recorded", _checkin_data(row, scan, at, checkin_id, guest), "badges"
            )
        )
    write_scan(connection, log, change, event)
    return Verdict(result, body)


def _decide(row, scan: Scan, at: datetime) -> tuple[str, Any, dict[str, Any]]:
    """The result, the presence change it makes and what the answer adds."""
    if scan.direction == "out":
        # A guest inside may always leave, even one whose registration was cancelled meanwhile,
        # and through any door at any hour.
        return ("exited", LEAVE, {}) if row.inside else ("not_inside", None, {})
    if row.status != "issued":
        return "revoked", None, {}
    rules = _RULES.get(row.ceremony_id, row.rules_as_of, row.zones, row.gate_rules)
    refused = refusal(rules, scan.gate, row.category, at)
    if refused is not None:
        # Not an arrival: no presence changes and no event goes out (so no VIP alert either).
        return refused[0], None, refused[1]
    if row.inside:
        since = {"admitted_at": row.last_in_at, "admitted_gate": row.last_in_gate}
        return "already_admitted", None, since
    return "admitted", ENTER, {}


def _checkin_data(row, scan: Scan, at: datetime, checkin_id: uuid.UUID, guest) -> dict:
    return {
        "checkin_id": checkin_id,
        "ceremony_id": row.ceremony_id,
        "registration_id": row.registration_id,
        "gate": scan.gate,
        "direction": scan.direction,
        "at": at,
        "guest": guest,
        "device_id": scan.device_id,
    }


def _stored(body: dict[str, Any]) -> dict[str, Any]:
    """The answer as the check-in log keeps it (JSON): times as ISO text, ids as text."""
    stored = {**body, "checkin_id": str(body["checkin_id"])}
    for name in _TIMES:
        if isinstance(stored.get(name), datetime):
            stored[name] = stored[name].isoformat()
    return stored


def _from_stored(stored: dict[str, Any]) -> dict[str, Any]:
    """A kept answer as it was first given."""
    body = dict(stored)
    for name in _TIMES:
        if isinstance(body.get(name), str):
            body[name] = datetime.fromisoformat(body[name])
    return body


def gate_for(token_gate: str | None, asked: str | None) -> str | None:
    """The gate a scan is recorded at: a token issued for one gate speaks for that gate,
    whatever the page asks for."""
    return token_gate or asked


def scan_at_gate(
    fields: Mapping[str, Any], token_gate: str | None, *, device_id: uuid.UUID | None = None
) -> Scan:
    """The scan a request describes, at the gate ``gate_for`` gives, by ``device_id`` if an
    enrolled device made it."""
    return Scan(
        code=fields["code"],
        gate=gate_for(token_gate, fields.get("gate")),
        direction=fields.get("direction") or "in",
        nonce=fields.get("nonce"),
        scanned_at=fields.get("scanned_at"),
        device_id=device_id,
    )


#: What else to write with a verdict, in its transaction.
AlsoRecord = Callable[[Connection, Verdict], None]


def record_scan(
    database: Database,
    keys: KeyRing,
    scan: Scan,
    *,
    ceremony_id: uuid.UUID | None = None,
    also: AlsoRecord | None = None,
) -> Verdict:
    """Decide and record one scan in a transaction of its own, and count its verdict;
    ``also`` writes more in that transaction."""
    verdict = _record_once(database, keys, scan, ceremony_id, also)
    CHECKINS.labels(verdict.result).inc()
    return verdict


def record_uploaded_scans(
    database: Database, keys: KeyRing, scans: Sequence[Scan], ceremony_id: uuid.UUID
) -> list[Verdict]:
    """Apply scans a door made offline, in the order they were made; verdicts as given.

    Each scan gets its own transaction and the verdict a live scan would have had at that
    moment, so an admission scanned before an exit is applied before it. A scan the database
    fails to record gets ``not_recorded`` and the others go on: an error for the whole upload
    would hide the verdicts already applied (a retried upload gets them again by nonce anyway).
    """
    verdicts: list[Verdict | None] = [None] * len(scans)
    for index in sorted(range(len(scans)), key=lambda i: scans[i].scanned_at):
        scan = scans[index]
        try:
            verdicts[index] = record_scan(database, keys, scan, ceremony_id=ceremony_id)
        except Exception:
            log.exception(
                "uploaded scan %r for ceremony %s not recorded",
                scan.nonce,
                ceremony_id,
                extra={"ceremony_id": str(ceremony_id)},
            )
            CHECKINS.labels("not_recorded").inc()
            verdicts[index] = Verdict("not_recorded", {"result": "not_recorded"})
    return verdicts


def admit_by_name(
    database: Database,
    keys: KeyRing,
    ceremony_id: uuid.UUID,
    registration_id: uuid.UUID,
    *,
    gate: str | None,
    nonce: str | None,
    actor: dict[str, Any] = SYSTEM,
    device_id: uuid.UUID | None = None,
) -> Verdict:
    """Admit a guest found by name with the badge on file, by the same rules as a scan; the
    audit trail says ``actor`` admitted them, at which gate (a refusal changes nothing)."""
    with database.transaction() as session:
        code = badge_code_for(session, ceremony_id, registration_id)

    def audited(connection: Connection, verdict: Verdict) -> None:
        if verdict.result != "admitted" or verdict.replayed:
            return
        record(
            connection,
            audit,
            actor,
            "checkin.admitted_by_name",
            "registration",
            registration_id,
            ceremony_id=ceremony_id,
            after={"gate": gate, "checkin_id": verdict.body["checkin_id"]},
        )

    return record_scan(
        database,
        keys,
        Scan(code=code, gate=gate, nonce=nonce, device_id=device_id),
        ceremony_id=ceremony_id,
        also=audited,
    )


def _record_once(
    database: Database,
    keys: KeyRing,
    scan: Scan,
    ceremony_id: uuid.UUID | None,
    also: AlsoRecord | None = None,
) -> Verdict:
    """Run ``perform_checkin`` in a transaction of its own.

    Two requests racing with one nonce can both miss the other's answer: on two badges they lock
    different rows, and on one badge the waiter's row lock does not refresh what it joined. The
    loser fails on the nonce's unique index and is answered again, now seeing the winner's scan.
    """
    try:
        return _record_in_transaction(database, keys, scan, ceremony_id, also)
    except IntegrityError:
        if not scan.nonce:
            raise
    return _record_in_transaction(database, keys, scan, ceremony_id, also)


def _record_in_transaction(
    database: Database,
    keys: KeyRing,
    scan: Scan,
    ceremony_id: uuid.UUID | None,
    also: AlsoRecord | None,
) -> Verdict:
    with database.engine.begin() as connection:
        verdict = perform_checkin(connection, keys, scan, ceremony_id=ceremony_id)
        if also is not None:
            also(connection, verdict)
        return verdict
