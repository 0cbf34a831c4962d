"""Fetch a certificate's PDF from the badges service, with a short-lived service credential."""

from __future__ import annotations

import json

import urllib3

from shared.auth import Signer

from .badge_source import TOKEN_TTL_HOURS
from .sender import TransientDeliveryError


class CertificateRevoked(Exception):
    """The badges service says the certificate was revoked: it is no longer sent."""


class CertificateSource:
    """Reads certificates over HTTP; any failure is transient, so the email waits and tries
    again (as a badge's does). Give each delivery thread its own."""

    def __init__(self, base_url: str, signer: Signer, *, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.signer = signer
        self.http = urllib3.PoolManager(
            maxsize=1, timeout=urllib3.Timeout(total=timeout), retries=False
        )

    def certificate_pdf(self, ceremony_id: object, certificate_id: object) -> bytes:
        """The certificate as PDF bytes; raises CertificateRevoked for a revoked one and
        TransientDeliveryError for any other failure."""
        # The credential badge.pdf accepts: an organiser's, bound to the certificate's ceremony.
        token = self.signer.issue_token(
            "organiser", ceremony_id=str(ceremony_id), ttl_hours=TOKEN_TTL_HOURS
        )
        url = f"{self.base_url}/api/certificates/{certificate_id}.pdf"
        try:
            response = self.http.request("GET", url, headers={"Authorization": f"Bearer {token}"})
        except urllib3.exceptions.HTTPError as exc:
            raise TransientDeliveryError(f"badges service unreachable: {exc}") from exc
        if response.status == 409 and _code_of(response.data) == "certificate_revoked":
            raise CertificateRevoked(f"certificate {certificate_id} was revoked")
        if response.status != 200 or not response.data.startswith(b"%PDF"):
            # A 404 may be a replica that has not caught up yet.
            raise TransientDeliveryError(
                f"badges service answered {response.status} for certificate {certificate_id}"
            )
        return response.data

    def close(self) -> None:
        """Close the kept-alive connections."""
        self.http.clear()


def _code_of(body: bytes) -> str | None:
    """The ``code`` of a JSON error body, if it is one."""
    try:
        answer = json.loads(body)
    except ValueError:
        return None
    return answer.get("code") if isinstance(answer, dict) else None
