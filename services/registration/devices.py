"""Door devices: a phone or laptop enrolled at one gate of one ceremony by a QR code.

Someone with the protocol permission asks for an enrolment code; the device opens its link
and exchanges it, once and within ``ENROL_SECONDS``, for a device credential (role door, its
gate, until the ceremony ends plus a day). Revoking a device refuses that credential in every
service, from the bus.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record
from shared.auth import DEVICE_GRACE_SECONDS, GATE_MAX_CHARS, AuthError, Signer
from shared.errors import DomainError, not_found

from .ceremonies import get_ceremony, known_gate
from .credential_events import revoke_credential
from .models import Ceremony, Device, audit

#: Purpose of the capability an enrolment link carries.
ENROLMENT = "device-enrolment"
#: How long an enrolment code works.
ENROL_SECONDS = 15 * 60
#: The longest name a device is shown by.
NAME_MAX_CHARS = 100


def create_device(
    session: Session,
    ceremony_id: uuid.UUID,
    gate: str,
    name: str | None = None,
    *,
    created_by: str | None = None,
    actor: dict[str, Any] = SYSTEM,
) -> Device:
    """A device waiting to be enrolled at ``gate`` (one of the ceremony's gates, when it names
    them); its code works for ``ENROL_SECONDS``."""
    ceremony = get_ceremony(session, ceremony_id)
    gate = known_gate(ceremony, _checked_gate(gate))
    if ended(ceremony):
        raise DomainError(
            "ceremony_ended",
            "The ceremony has ended: no device can be enrolled for it.",
            kind="conflict",
        )
    now = datetime.now(UTC)
    device = Device(
        id=uuid.uuid4(),
        ceremony_id=ceremony.id,
        gate=gate,
        name=(name or "").strip()[:NAME_MAX_CHARS] or f"Door at {gate}"[:NAME_MAX_CHARS],
        created_by=created_by,
        created_at=now,
        enrol_until=now + timedelta(seconds=ENROL_SECONDS),
    )
    session.add(device)
    session.flush()
    _audit(session, actor, device, "device.enrolment_created", after=_described(device))
    return device


def enrolment_code(signer: Signer, device: Device) -> str:
    """The capability a device's enrolment link carries, valid while the code is."""
    remaining = (device.enrol_until - datetime.now(UTC)).total_seconds()
    return signer.issue_capability(ENROLMENT, device.id, ttl_seconds=max(1.0, remaining))


def enrolment_url(public_url: str, code: str) -> str:
    """The link a device opens to be enrolled (the QR code shows it)."""
    return f"{public_url.rstrip('/')}/enrol/{code}"


def device_for_code(session: Session, signer: Signer, code: str) -> Device:
    """The device an enrolment code names, if it may still be enrolled with it.

    Refusals are ``gone`` (410) for a code that was good once (used, expired, revoked, or its
    ceremony ended) and ``not_found`` for one that never was.
    """
    return _enrollable(session, _device_of_code(session, signer, code, lock=False))


def enrol_device(
    session: Session, signer: Signer, code: str, *, actor: dict[str, Any] = SYSTEM
) -> tuple[Device, str]:
    """Exchange an enrolment code, once, for the device's credential."""
    device = _enrollable(session, _device_of_code(session, signer, code, lock=True))
    ceremony = get_ceremony(session, device.ceremony_id)
    now = datetime.now(UTC)
    device.enrolled_at = now
    device.expires_at = ceremony.ends_at + timedelta(seconds=DEVICE_GRACE_SECONDS)
    credential = signer.issue_device(
        str(device.id),
        ceremony_id=str(device.ceremony_id),
        gate=device.gate,
        ceremony_ends_at=ceremony.ends_at.timestamp(),
        name=device.name,
    )
    session.flush()
    who = {**actor, "kind": "device", "id": str(device.id), "name": device.name}
    _audit(session, who, device, "device.enrolled", after={"enrolled_at": now})
    return device, credential


def get_device(session: Session, device_id: uuid.UUID) -> Device:
    """One device, or ``device_not_found``."""
    device = session.get(Device, device_id)
    if device is None:
        raise not_found("device", device_id)
    return device


def list_devices(session: Session, ceremony_id: uuid.UUID) -> list[Device]:
    """A ceremony's devices, newest first."""
    get_ceremony(session, ceremony_id)
    query = select(Device).where(Device.ceremony_id == ceremony_id)
    return list(session.scalars(query.order_by(Device.created_at.desc(), Device.id)))


def revoke_device(
    session: Session, device_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> Device:
    """Refuse the device everywhere from now on (and its enrolment code); once is enough."""
    device = session.get(Device, device_id, with_for_update=True, populate_existing=True)
    if device is None:
        raise not_found("device", device_id)
    if device.revoked_at is not None:
        return device
    device.revoked_at = datetime.now(UTC)
    # An enrolled device's credential lasts until expires_at; an unused code could have been
    # exchanged for one lasting as long as any device of the ceremony.
    ceremony = get_ceremony(session, device.ceremony_id)
    lasts = device.expires_at or ceremony.ends_at + timedelta(seconds=DEVICE_GRACE_SECONDS)
    revoke_credential(session, device.id, "device", expires_at=lasts)
    session.flush()
    _audit(session, actor, device, "device.revoked", after={"revoked_at": device.revoked_at})
    return device


def note_scan(session: Session, device_id: uuid.UUID, at: datetime) -> None:
    """Keep the time of a device's latest scan (an older or repeated report changes nothing)."""
    device = session.get(Device, device_id, with_for_update=True)
    if device is not None and (device.last_scan_at is None or device.last_scan_at < at):
        device.last_scan_at = at


def device_status(device: Device, now: datetime | None = None) -> str:
    """waiting (for its enrolment), enrolled, expired or revoked."""
    now = now or datetime.now(UTC)
    if device.revoked_at is not None:
        return "revoked"
    if device.enrolled_at is None:
        return "waiting" if device.enrol_until > now else "expired"
    return "enrolled" if device.expires_at is None or device.expires_at > now else "expired"


def ended(ceremony: Ceremony, now: datetime | None = None) -> bool:
    """Whether a device credential for the ceremony would already have run out."""
    now = now or datetime.now(UTC)
    return ceremony.ends_at + timedelta(seconds=DEVICE_GRACE_SECONDS) <= now


def _device_of_code(session: Session, signer: Signer, code: str, *, lock: bool) -> Device:
    try:
        device_id = uuid.UUID(signer.verify_capability(ENROLMENT, code))
    except AuthError as exc:
        if str(exc) == "expired":
            raise _gone("enrolment_expired", "This enrolment code has expired.") from None
        raise _invalid_code() from None
    except ValueError:
        raise _invalid_code() from None
    # Locked for the exchange: two taps on the button enrol the device once.
    device = session.get(Device, device_id, with_for_update=lock, populate_existing=lock)
    if device is None:
        raise _invalid_code()
    return device


def _enrollable(session: Session, device: Device) -> Device:
    if device.revoked_at is not None:
        raise _gone("device_revoked", "This device has been revoked.")
    if device.enrolled_at is not None:
        raise _gone("enrolment_used", "This enrolment code was already used.")
    if device.enrol_until <= datetime.now(UTC):
        raise _gone("enrolment_expired", "This enrolment code has expired.")
    if ended(get_ceremony(session, device.ceremony_id)):
        raise _gone("ceremony_ended", "The ceremony has ended.")
    return device


def _checked_gate(gate: str) -> str:
    """A gate is shown on the door and recorded with each scan: one short printable line."""
    gate = (gate or "").strip()
    if not gate or len(gate) > GATE_MAX_CHARS or not gate.isprintable():
        raise DomainError(
            "invalid_gate",
            f"The gate must be one line of 1 to {GATE_MAX_CHARS} printable characters.",
            kind="invalid",
            errors={"gate": [f"One line of 1 to {GATE_MAX_CHARS} printable characters."]},
        )
    return gate


def _gone(code: str, message: str) -> DomainError:
    return DomainError(code, message, kind="gone")


def _invalid_code() -> DomainError:
    return DomainError("enrolment_invalid", "This is not a valid enrolment code.", kind="not_found")


def _described(device: Device) -> dict[str, Any]:
    return {"gate": device.gate, "name": device.name, "enrol_until": device.enrol_until}


def _audit(
    session: Session, actor: dict[str, Any], device: Device, action: str, **change: Any
) -> None:
    record(
        session,
        audit,
        actor,
        action,
        "device",
        device.id,
        ceremony_id=device.ceremony_id,
        **change,
    )
