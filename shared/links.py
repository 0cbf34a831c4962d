"""The links guests receive, built wherever an email is written and read where they land.

Each is a signed capability for one object and one purpose (``shared.auth``): to manage a
registration, to answer an invitation, to confirm a request to register, to set an account's
password. Events carry ids, not links: a link is made when the email is composed, so no live
link waits in an outbox or a projection.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from .auth import MANAGE_REGISTRATION, AuthError, Signer

RSVP = "rsvp"
CONFIRM_REQUEST = "confirm-registration"
PASSWORD_LINK = "password-link"
#: A set-password link works for an hour; the registration service also closes it once used.
PASSWORD_LINK_TTL_SECONDS = 3600
#: The registration service's page where people with an account sign in (password or SSO).
SIGN_IN_PATH = "/sign-in"
#: A link valid until a moment already past still lives this long, so it opens a clear page.
_MINIMUM_TTL_SECONDS = 60


@dataclass(frozen=True)
class GuestLinks:
    """Builds and reads the guest links of the registration service's pages."""

    signer: Signer
    #: Where the registration service is reached (its pages answer these links).
    public_url: str
    #: How long a "manage my registration" link lives.
    ttl_seconds: float

    def manage_capability(self, registration_id: uuid.UUID) -> str:
        """A capability to see and cancel one registration."""
        return self.signer.issue_capability(
            MANAGE_REGISTRATION, registration_id, ttl_seconds=self.ttl_seconds
        )

    def manage_url(self, registration_id: uuid.UUID) -> str:
        """The guest's own page for one registration."""
        return f"{self.public_url}/manage/{self.manage_capability(registration_id)}"

    def registration_for(self, capability: str) -> uuid.UUID | None:
        """The registration a manage capability grants, or None if it is not valid."""
        try:
            return uuid.UUID(self.signer.verify_capability(MANAGE_REGISTRATION, capability))
        except (AuthError, ValueError):
            return None

    def rsvp_capability(self, invitation_id: uuid.UUID, *, until: datetime) -> str:
        """A capability to answer one invitation, valid until the ceremony ends."""
        return self.signer.issue_capability(RSVP, invitation_id, ttl_seconds=_ttl(until))

    def rsvp_url(self, invitation_id: uuid.UUID, *, until: datetime) -> str:
        """The invitee's RSVP page."""
        return f"{self.public_url}/rsvp/{self.rsvp_capability(invitation_id, until=until)}"

    def invitation_for(self, capability: str) -> uuid.UUID:
        """The invitation an RSVP capability grants; raises ``AuthError`` (``expired``...)."""
        return _subject(self.signer, RSVP, capability)

    def confirm_url(self, request_id: uuid.UUID, *, until: datetime) -> str:
        """The page where a guest confirms a request to register, valid until it expires."""
        capability = self.signer.issue_capability(
            CONFIRM_REQUEST, request_id, ttl_seconds=_ttl(until)
        )
        return f"{self.public_url}/confirm/{capability}"

    def request_for(self, capability: str) -> uuid.UUID:
        """The request a confirmation capability names; raises ``AuthError`` (``expired``...)."""
        return _subject(self.signer, CONFIRM_REQUEST, capability)

    def register_url(self, ceremony_id: uuid.UUID) -> str:
        """The public registration page of a ceremony."""
        return f"{self.public_url}/ceremonies/{ceremony_id}/register"


def password_link(
    signer: Signer, registration_public_url: str, account_id: object, requested_at: datetime
) -> str:
    """The page where an account's holder sets a password (after a reset, or when invited).

    The link names the account and the instant it was asked for: the registration service
    opens it only while that is the account's newest request, so a newer one closes it.
    """
    subject = f"{account_id}.{int(requested_at.timestamp() * 1000)}"
    token = signer.issue_capability(PASSWORD_LINK, subject, ttl_seconds=PASSWORD_LINK_TTL_SECONDS)
    return f"{registration_public_url.rstrip('/')}/account/password/{token}"


def password_link_request(signer: Signer, token: str) -> tuple[uuid.UUID, int]:
    """The account and the request instant (epoch milliseconds) a set-password token names;
    raises ``AuthError`` (``expired``, ``invalid signature``...)."""
    subject = signer.verify_capability(PASSWORD_LINK, token)
    account_id, _, millis = subject.partition(".")
    try:
        return uuid.UUID(account_id), int(millis)
    except ValueError:
        raise AuthError("malformed token") from None


def sign_in_link(registration_public_url: str) -> str:
    """The sign-in page of the suite (by password or single sign-on)."""
    return f"{registration_public_url.rstrip('/')}{SIGN_IN_PATH}"


def _ttl(until: datetime) -> float:
    return max((until - datetime.now(UTC)).total_seconds(), _MINIMUM_TTL_SECONDS)


def _subject(signer: Signer, purpose: str, capability: str) -> uuid.UUID:
    try:
        return uuid.UUID(signer.verify_capability(purpose, capability))
    except ValueError:
        raise AuthError("malformed token") from None
