"""Who the emails come from, and the domain that names their Message-IDs and calendar entries."""

from __future__ import annotations

from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr

from flask import Flask, current_app

from shared.config import ConfigurationError

from .message import message_id_for
from .sanitising import email_address, single_line

#: Where an app keeps its mail identity.
EXTENSION = "notifications.identity"


@dataclass(frozen=True)
class MailIdentity:
    """The sender of every email: its From header, bare address and domain."""

    from_header: str
    address: str
    display_name: str
    domain: str

    @classmethod
    def from_setting(cls, value: str) -> MailIdentity:
        """Read ``CEREMONY_MAIL_FROM`` ("Protocol Office <protocol@example.org>")."""
        name, raw_address = parseaddr(value or "")
        try:
            address = email_address(raw_address)
            domain = address.rsplit("@", 1)[1]
            message_id_for("check", address, "check", domain)  # refuses an unusable domain
        except (ValueError, IndexError):
            raise ConfigurationError(
                f"CEREMONY_MAIL_FROM must be an address such as 'Protocol Office "
                f"<protocol@example.org>', got {value!r}"
            ) from None
        name = single_line(name)
        return cls(
            from_header=str(Address(display_name=name, addr_spec=address)),
            address=address,
            display_name=name,
            domain=domain,
        )

    def message_id(self, event_id: object, recipient: str, template: str) -> str:
        """The Message-ID of the email ``template`` sent to ``recipient`` for ``event_id``."""
        return message_id_for(event_id, recipient, template, self.domain)

    def calendar_uid(self, registration_id: object) -> str:
        """The calendar UID of a registration (or of the invitation it came from).

        The same in its invite, updates and cancel, so calendars keep one entry.
        """
        return f"registration-{registration_id}@{self.domain}"


def install_identity(app: Flask, identity: MailIdentity) -> None:
    """Give ``app`` the identity its emails are sent under."""
    app.extensions[EXTENSION] = identity


def identity() -> MailIdentity:
    """Who the running app's emails come from."""
    return current_app.extensions[EXTENSION]
