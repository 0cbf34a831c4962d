"""Links guests receive: to manage a registration, and to answer an invitation."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Flask, current_app

from shared.auth import MANAGE_REGISTRATION, AuthError, Signer

MANAGE = MANAGE_REGISTRATION
RSVP = "rsvp"
#: Where an app keeps its links.
EXTENSION = "registration.links"


@dataclass(frozen=True)
class Links:
    """Builds and reads the guest links of this service."""

    signer: Signer
    public_url: str
    ttl_seconds: float

    def manage_capability(self, registration_id: uuid.UUID) -> str:
        """A capability to see and cancel one registration."""
        return self.signer.issue_capability(MANAGE, registration_id, ttl_seconds=self.ttl_seconds)

    def manage_url(self, registration_id: uuid.UUID) -> str:
        """The guest's own page for one registration."""
        return f"{self.public_url}/manage/{self.manage_capability(registration_id)}"

    def registration_for(self, capability: str) -> uuid.UUID | None:
        """The registration a manage capability grants, or None if it is not valid."""
        try:
            return uuid.UUID(self.signer.verify_capability(MANAGE, capability))
        except (AuthError, ValueError):
            return None

    def rsvp_capability(self, invitation_id: uuid.UUID, *, until: datetime) -> str:
        """A capability to answer one invitation, valid until the ceremony ends."""
        ttl = max((until - datetime.now(UTC)).total_seconds(), 60)
        return self.signer.issue_capability(RSVP, invitation_id, ttl_seconds=ttl)

    def rsvp_url(self, invitation_id: uuid.UUID, *, until: datetime) -> str:
        """The invitee's RSVP page."""
        return f"{self.public_url}/rsvp/{self.rsvp_capability(invitation_id, until=until)}"

    def invitation_for(self, capability: str) -> uuid.UUID:
        """The invitation an RSVP capability grants; raises ``AuthError`` (``expired``...)."""
        try:
            return uuid.UUID(self.signer.verify_capability(RSVP, capability))
        except ValueError:
            raise AuthError("malformed token") from None

    def ceremony_registration_url(self, ceremony_id: uuid.UUID) -> str:
        """The public registration page of a ceremony."""
        return f"{self.public_url}/ceremonies/{ceremony_id}/register"


def install_links(app: Flask, links: Links) -> None:
    """Give ``app`` the links its views build."""
    app.extensions[EXTENSION] = links


def links() -> Links:
    """The guest links of the running app."""
    return current_app.extensions[EXTENSION]
