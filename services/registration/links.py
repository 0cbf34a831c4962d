"""Links guests receive: the capability link to manage a registration."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from shared.auth import MANAGE_REGISTRATION, AuthError, Signer

MANAGE = MANAGE_REGISTRATION


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
