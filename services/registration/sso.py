"""Single sign-on: the person an OpenID provider vouches for, matched to an account.

An account is found by the provider's subject once it has signed in with it, and before that
by its email address, which must be one the provider has verified: an unverified address could
be anyone's, and would hand them the account of whoever owns it here. A person the provider
vouches for who has no account yet gets one, with no roles and no password. Both the new
account and the link to a subject are recorded in the audit trail.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.audit import record
from shared.errors import DomainError

from .accounts import create_account, find_account
from .models import Account, audit

#: A name as accounts keep it (``Account.display_name``).
_NAME_MAX_CHARS = 200
_PRIMARY_LANGUAGE = re.compile(r"^([A-Za-z]{2,3})(?:[-_]|$)")


@dataclass(frozen=True)
class ProviderIdentity:
    """What the provider's ID token (or userinfo) says about the person signing in."""

    subject: str
    email: str | None
    email_verified: bool
    name: str | None = None
    language: str | None = None

    @classmethod
    def from_claims(cls, claims: Mapping[str, Any]) -> ProviderIdentity:
        """Read the standard claims (``sub``, ``email``, ``email_verified``, ``name``,
        ``locale``); anything malformed counts as absent."""
        subject = claims.get("sub")
        email = claims.get("email")
        name = claims.get("name")
        locale = claims.get("locale")
        language = _PRIMARY_LANGUAGE.match(locale) if isinstance(locale, str) else None
        return cls(
            subject=subject if isinstance(subject, str) else "",
            email=email.strip() if isinstance(email, str) and email.strip() else None,
            # Only a true boolean: some providers send "false" as a string.
            email_verified=claims.get("email_verified") is True,
            name=" ".join(name.split())[:_NAME_MAX_CHARS] if isinstance(name, str) else None,
            language=language.group(1).lower() if language else None,
        )


def account_for_identity(
    session: Session, identity: ProviderIdentity, actor: dict[str, Any]
) -> Account:
    """The account the provider's identity signs in to: the one linked to its subject, else
    the one of its verified address (now linked), else a new one."""
    if not identity.subject or len(identity.subject) > 255:
        raise DomainError(
            "sso_subject_missing",
            "The sign-on service did not say who you are.",
            kind="unauthorized",
        )
    if not identity.email:
        raise DomainError(
            "sso_email_missing",
            "The sign-on service did not give your email address, which this site needs.",
            kind="forbidden",
        )
    if not identity.email_verified:
        raise DomainError(
            "sso_email_unverified",
            "The sign-on service has not verified your email address: verify it there, then "
            "sign in again.",
            kind="forbidden",
        )
    account = session.scalars(
        select(Account).where(Account.oidc_subject == identity.subject)
    ).first() or _account_by_email(session, identity, actor)
    if account.disabled_at is not None:
        raise DomainError("account_disabled", "This account is disabled.", kind="forbidden")
    if account.oidc_subject != identity.subject:
        account.oidc_subject = identity.subject
        record(
            session,
            audit,
            actor,
            "account.sso_linked",
            "account",
            account.id,
            after={"oidc_subject": identity.subject},
        )
    return account


def _account_by_email(
    session: Session, identity: ProviderIdentity, actor: dict[str, Any]
) -> Account:
    account = find_account(session, identity.email)
    if account is None:
        account = create_account(
            session,
            email=identity.email,
            display_name=identity.name if _has_letter(identity.name) else identity.email,
            language=identity.language or "en",
        )
        record(
            session,
            audit,
            actor,
            "account.created",
            "account",
            account.id,
            after={"display_name": account.display_name, "by": "sso"},
        )
        return account
    if account.oidc_subject is not None and account.oidc_subject != identity.subject:
        # The address moved to another person at the provider, or two identities claim it:
        # neither may take over the account that is linked already.
        raise DomainError(
            "sso_account_linked_elsewhere",
            "The account of this email address signs in with another identity of the "
            "sign-on service.",
            kind="forbidden",
        )
    return account


def _has_letter(name: str | None) -> bool:
    return bool(name) and any(character.isalpha() for character in name)
