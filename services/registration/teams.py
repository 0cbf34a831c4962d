"""Rules for who may work on what: accounts made by the suite's admins, and each ceremony's
team, one role per person (owner, organiser, protocol, door, viewer).

Roles are grants in the credential tables, written and published through ``credential_events``
so that every service applies them; each change is recorded in the audit trail.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.audit import record
from shared.auth import CEREMONY_ROLES, GATE_MAX_CHARS
from shared.credentials import SUITE
from shared.errors import DomainError
from shared.outbox import publish_event

from .accounts import (
    account_email_data,
    create_account,
    find_account,
    get_account,
    new_password_link,
    sign_out_everywhere,
)
from .ceremonies import get_ceremony, known_gate
from .credential_events import SOURCE, set_role, withdraw_role
from .models import Account, Ceremony, audit, credentials, outbox

#: The most gates one door role may be limited to.
MAX_GATES = 20


@dataclass(frozen=True)
class Member:
    """A person on a ceremony's team, with their role there."""

    account: Account
    role: str
    gates: tuple[str, ...] = ()


# -- the suite's accounts (suite admins) ----------------------------------------------------


def is_admin(session: Session, account_id: object) -> bool:
    """Whether the account holds the suite-wide admin role."""
    return _grant(session, account_id, SUITE) is not None


def add_account(
    session: Session,
    actor: dict[str, Any],
    *,
    email: str,
    display_name: str,
    language: str = "en",
    admin: bool = False,
    password: str | None = None,
    notify: bool = True,
) -> Account:
    """A new account; without a password it gets a link to set one, in a welcome email
    (``account.invited``) unless ``notify`` is false (the caller hands the link over).
    ``admin``: it holds the suite-wide admin role."""
    account = create_account(
        session, email=email, display_name=display_name, language=language, password=password
    )
    record(
        session,
        audit,
        actor,
        "account.created",
        "account",
        account.id,
        after={"display_name": account.display_name, "admin": admin},
    )
    if admin:
        set_role(session, account.id, SUITE, "admin")
        record(
            session,
            audit,
            actor,
            "role.granted",
            "account",
            account.id,
            after={"scope": SUITE, "role": "admin"},
        )
    if password is None:
        new_password_link(account)
    if password is None and notify:
        publish_event(
            session,
            outbox,
            "account.invited",
            account_email_data(account, invited_by=actor.get("name")),
            SOURCE,
        )
    return account


def set_disabled(
    session: Session, actor: dict[str, Any], account_id: object, *, disabled: bool
) -> Account:
    """Disable an account (every session refused at once, no new one) or enable it again."""
    account = get_account(session, account_id)
    if disabled and str(actor.get("id")) == str(account.id):
        raise DomainError(
            "cannot_disable_self", "You cannot disable the account you are signed in with."
        )
    was = account.disabled_at
    if disabled and was is None:
        account.disabled_at = datetime.now(UTC)
    elif not disabled:
        account.disabled_at = None
    # Enabling signs out too: it clears the refusal of every session, and none of the
    # sessions from before the account was disabled should come back.
    sign_out_everywhere(session, account.id, disabled=disabled)
    if (was is None) == disabled:
        record(
            session,
            audit,
            actor,
            "account.disabled" if disabled else "account.enabled",
            "account",
            account.id,
            before={"disabled_at": was},
            after={"disabled_at": account.disabled_at},
        )
    return account


# -- a ceremony's team ----------------------------------------------------------------------


def team_of(session: Session, ceremony_id: uuid.UUID) -> list[Member]:
    """The people holding a role on the ceremony, by name."""
    get_ceremony(session, ceremony_id)
    table = credentials.grants
    rows = session.execute(
        select(table.c.account_id, table.c.role, table.c.gates).where(
            table.c.scope == str(ceremony_id)
        )
    ).all()
    members = []
    for row in rows:
        account = session.get(Account, uuid.UUID(row.account_id))
        if account is not None:
            members.append(Member(account, row.role, tuple(row.gates or ())))
    return sorted(members, key=lambda m: (m.account.display_name.casefold(), m.account.email))


def invite_teammate(
    session: Session,
    actor: dict[str, Any],
    ceremony_id: uuid.UUID,
    *,
    email: str,
    role: str,
    display_name: str | None = None,
    language: str | None = None,
    gates: Sequence[str] = (),
) -> Member:
    """Give an address a role on the ceremony, making its account if it has none; a person
    who has not set a password yet is emailed a link to set one (``account.invited``)."""
    ceremony = get_ceremony(session, ceremony_id)
    gates = _checked(role, gates, ceremony)
    account = find_account(session, email)
    if account is not None and _grant(session, account.id, str(ceremony.id)) is not None:
        raise DomainError(
            "already_in_team",
            "This person holds a role on this ceremony already; change it instead.",
            errors={"email": ["Already on this ceremony's team."]},
        )
    if account is None:
        if not display_name:
            raise DomainError(
                "display_name_required",
                "This address has no account yet: give the person's name.",
                kind="invalid",
                errors={"display_name": ["Give the name of the person to invite."]},
            )
        account = create_account(
            session,
            email=email,
            display_name=display_name,
            language=language or ceremony.default_language or "en",
        )
        record(
            session,
            audit,
            actor,
            "account.created",
            "account",
            account.id,
            ceremony_id=ceremony.id,
            after={"display_name": account.display_name},
        )
    set_role(session, account.id, str(ceremony.id), role, gates=gates)
    record(
        session,
        audit,
        actor,
        "role.granted",
        "account",
        account.id,
        ceremony_id=ceremony.id,
        after={"role": role, "gates": list(gates)},
    )
    if account.password_hash is None and account.disabled_at is None:
        new_password_link(account)
        publish_event(
            session,
            outbox,
            "account.invited",
            account_email_data(
                account,
                ceremony_id=ceremony.id,
                ceremony_title=ceremony.title,
                role=role,
                invited_by=actor.get("name"),
            ),
            SOURCE,
        )
    return Member(account, role, tuple(gates))


def change_role(
    session: Session,
    actor: dict[str, Any],
    ceremony_id: uuid.UUID,
    account_id: uuid.UUID,
    *,
    role: str,
    gates: Sequence[str] = (),
) -> Member:
    """Change a teammate's role on the ceremony (a ceremony keeps at least one owner)."""
    ceremony = get_ceremony(session, ceremony_id)
    gates = _checked(role, gates, ceremony)
    account = get_account(session, account_id)
    grant = _grant(session, account.id, str(ceremony_id))
    if grant is None:
        raise _not_in_team(account_id)
    if grant.role == "owner" and role != "owner":
        _keep_an_owner(session, ceremony_id, account.id)
    set_role(session, account.id, str(ceremony_id), role, gates=gates)
    record(
        session,
        audit,
        actor,
        "role.changed",
        "account",
        account.id,
        ceremony_id=ceremony_id,
        before={"role": grant.role, "gates": list(grant.gates or ())},
        after={"role": role, "gates": list(gates)},
    )
    return Member(account, role, tuple(gates))


def withdraw_teammate(
    session: Session, actor: dict[str, Any], ceremony_id: uuid.UUID, account_id: uuid.UUID
) -> None:
    """Take a teammate's role on the ceremony away (not the last owner's)."""
    get_ceremony(session, ceremony_id)
    account = get_account(session, account_id)
    grant = _grant(session, account.id, str(ceremony_id))
    if grant is None:
        raise _not_in_team(account_id)
    if grant.role == "owner":
        _keep_an_owner(session, ceremony_id, account.id)
    withdraw_role(session, account.id, str(ceremony_id))
    record(
        session,
        audit,
        actor,
        "role.withdrawn",
        "account",
        account.id,
        ceremony_id=ceremony_id,
        before={"role": grant.role, "gates": list(grant.gates or ())},
    )


# -- inside ---------------------------------------------------------------------------------


def _grant(session: Session, account_id: object, scope: str):
    table = credentials.grants
    return session.execute(
        select(table.c.role, table.c.gates).where(
            table.c.account_id == str(account_id), table.c.scope == scope
        )
    ).first()


def _keep_an_owner(session: Session, ceremony_id: uuid.UUID, leaving: uuid.UUID) -> None:
    table = credentials.grants
    others = session.execute(
        select(table.c.account_id).where(
            table.c.scope == str(ceremony_id),
            table.c.role == "owner",
            table.c.account_id != str(leaving),
        )
    ).first()
    if others is None:
        raise DomainError(
            "last_owner",
            "This is the ceremony's last owner: make someone else owner first.",
        )


def _checked(role: str, gates: Sequence[str], ceremony: Ceremony) -> list[str]:
    if role not in CEREMONY_ROLES:
        raise DomainError(
            "unknown_role",
            f"The role must be one of {', '.join(CEREMONY_ROLES)}.",
            kind="invalid",
            errors={"role": [f"Must be one of: {', '.join(CEREMONY_ROLES)}."]},
        )
    gates = list(dict.fromkeys(gates or ()))
    if gates and role != "door":
        raise DomainError(
            "gates_for_door_only",
            "Only the door role is limited to gates.",
            kind="invalid",
            errors={"gates": ["Only the door role is limited to gates."]},
        )
    if any(not (0 < len(gate) <= GATE_MAX_CHARS and gate.isprintable()) for gate in gates):
        raise DomainError(
            "invalid_gate",
            f"A gate is one line of 1 to {GATE_MAX_CHARS} printable characters.",
            kind="invalid",
            errors={"gates": [f"Each gate: one line of 1 to {GATE_MAX_CHARS} characters."]},
        )
    if len(gates) > MAX_GATES:
        raise DomainError(
            "too_many_gates",
            f"At most {MAX_GATES} gates.",
            kind="invalid",
            errors={"gates": [f"At most {MAX_GATES} gates."]},
        )
    # A ceremony that names its gates: a door role is limited to some of them, as it names them.
    return list(dict.fromkeys(known_gate(ceremony, gate, "gates") for gate in gates))


def _not_in_team(account_id: object) -> DomainError:
    return DomainError(
        "not_in_team", f"Account {account_id} holds no role on this ceremony.", kind="not_found"
    )
