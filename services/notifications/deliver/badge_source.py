"""Fetch a guest's badge PDF from the badges service, with a short-lived service credential."""

from __future__ import annotations

import urllib3

from shared.auth import Signer

from .sender import TransientDeliveryError

#: Long enough to send one email; the token is bound to the badge's ceremony as well.
TOKEN_TTL_HOURS = 0.1


class BadgeSource:
    """Reads badges over HTTP; any failure is transient, so the email waits and tries again.

    Keeps one connection alive (urllib3 directly: a third of the time requests takes per call,
    which counts at a hundred emails a second). Give each delivery thread its own.
    """

    def __init__(self, base_url: str, signer: Signer, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.signer = signer
        self.http = urllib3.PoolManager(
            maxsize=1, timeout=urllib3.Timeout(total=timeout), retries=False
        )

    def badge_pdf(self, ceremony_id: object, registration_id: object) -> bytes:
        """The registration's badge as PDF bytes; raises TransientDeliveryError otherwise."""
        token = self.signer.issue_token(
            "organiser", ceremony_id=str(ceremony_id), ttl_hours=TOKEN_TTL_HOURS
        )
        url = f"{self.base_url}/api/registrations/{registration_id}/badge.pdf"
        try:
            response = self.http.request("GET", url, headers={"Authorization": f"Bearer {token}"})
        except urllib3.exceptions.HTTPError as exc:
            raise TransientDeliveryError(f"badges service unreachable: {exc}") from exc
        if response.status != 200 or not response.data.startswith(b"%PDF"):
            # A 404 or 409 may be a replica that has not caught up yet; the guest cancelling
            # meanwhile is noticed from the projection before the next try.
            raise TransientDeliveryError(
                f"badges service answered {response.status} for the badge of "
                f"registration {registration_id}"
            )
        return response.data

    def close(self) -> None:
        """Close the kept-alive connections."""
        self.http.clear()
