"""What every sender promises: `send(message)` delivers or raises one of two delivery errors."""

from email.message import Message
from typing import Protocol


class DeliveryError(Exception):
    """A message could not be handed over; carries the SMTP reply when there was one."""

    def __init__(self, message: str, *, smtp_code: int | None = None, smtp_text: str = "") -> None:
        super().__init__(message)
        self.smtp_code = smtp_code
        self.smtp_text = smtp_text


class TransientDeliveryError(DeliveryError):
    """Worth retrying later: a 4xx answer, a dropped connection, a timeout, a full disk."""


class PermanentDeliveryError(DeliveryError):
    """Retrying will not help: a 5xx answer or a message the server cannot take."""


class Sender(Protocol):
    """Something that delivers composed messages."""

    def send(self, message: Message) -> None:
        """Deliver `message` or raise TransientDeliveryError / PermanentDeliveryError."""

    def close(self) -> None:
        """Release connections or files held open."""
