"""Deliver messages to an SMTP server over one reused connection, at a bounded rate."""

import contextlib
import logging
import smtplib
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from urllib.parse import parse_qs, unquote, urlsplit

from services.notifications.deliver.sender import PermanentDeliveryError, TransientDeliveryError

log = logging.getLogger(__name__)

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _flag(query: Mapping[str, list[str]], name: str) -> bool:
    value = query.get(name, ["false"])[-1].strip().lower()
    if value not in _TRUE + _FALSE:
        raise ValueError(f"SMTP URL parameter {name} must be true or false, not {value!r}")
    return value in _TRUE


@dataclass(frozen=True)
class SmtpSettings:
    """Where and how to reach the SMTP server."""

    host: str
    port: int
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    implicit_tls: bool = False

    @classmethod
    def from_url(cls, url: str) -> "SmtpSettings":
        """Parse `smtp://[user:password@]host[:port][?starttls=true]` or `smtps://...`."""
        parts = urlsplit(url.strip())
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("SMTP URL must look like smtp://[user:password@]host:port")
        query = parse_qs(parts.query, keep_blank_values=True)
        unknown = set(query) - {"starttls"}
        if unknown:
            raise ValueError(f"unknown SMTP URL parameter(s): {', '.join(sorted(unknown))}")
        implicit_tls = parts.scheme == "smtps"
        starttls = _flag(query, "starttls")
        if implicit_tls and starttls:
            raise ValueError("smtps:// is already encrypted; starttls does not apply")
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if implicit_tls else 25),
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            starttls=starttls,
            implicit_tls=implicit_tls,
        )


class RateLimiter:
    """Space calls at least 1/`per_second` seconds apart; no limit when it is 0 or None.

    Thread-safe: senders on several threads may share one limiter, so the rate holds for all.
    """

    def __init__(
        self,
        per_second: float | None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_second is not None and per_second < 0:
            raise ValueError("rate must not be negative")
        self._interval = 1.0 / per_second if per_second else 0.0
        self._clock = clock
        self._sleep = sleep
        self._next: float | None = None
        self._lock = threading.Lock()

    def wait(self) -> None:
        """Block until the next call is allowed."""
        if not self._interval:
            return
        # Each caller books its slot under the lock and sleeps outside it.
        with self._lock:
            now = self._clock()
            slot = now if self._next is None or now >= self._next else self._next
            self._next = slot + self._interval
        if slot > now:
            self._sleep(slot - now)


def _error_for_code(
    code: int, text: str, what: str
) -> TransientDeliveryError | PermanentDeliveryError:
    error = PermanentDeliveryError if 500 <= code < 600 else TransientDeliveryError
    return error(f"{what}: {code} {text}", smtp_code=code, smtp_text=text)


def _reply_text(raw: bytes | str) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _refusal(
    recipients: Mapping[str, tuple[int, bytes]],
) -> TransientDeliveryError | PermanentDeliveryError:
    # If any recipient was only deferred (4xx), a retry can still succeed.
    answers = sorted(recipients.values(), key=lambda answer: answer[0] >= 500)
    code, text = answers[0]
    return _error_for_code(code, _reply_text(text), "recipient refused")


class SmtpSender:
    """Send messages over one SMTP connection that is kept open and reused.

    Safe to share between threads: sends are serialised on the one connection, so a worker
    that wants parallel delivery gives each thread its own sender.
    """

    def __init__(
        self,
        url: str,
        timeout: float,
        rate_per_second: float | None = None,
        *,
        ssl_context: ssl.SSLContext | None = None,
        local_hostname: str | None = None,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.settings = SmtpSettings.from_url(url)
        self.timeout = timeout
        self._ssl_context = ssl_context
        self._local_hostname = local_hostname
        # A limiter shared by several senders bounds their rate together; without either, the
        # rate is not limited (the worker's limit is CEREMONY_SMTP_RATE_PER_SECOND).
        self._limiter = limiter or RateLimiter(rate_per_second)
        self._connection: smtplib.SMTP | None = None
        self._lock = threading.Lock()

    def __enter__(self) -> "SmtpSender":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def send(self, message: Message) -> None:
        """Deliver `message`, raising TransientDeliveryError or PermanentDeliveryError."""
        with self._lock:
            self._limiter.wait()
            connection = self._usable_connection()
            try:
                refused = connection.send_message(message)
            except smtplib.SMTPRecipientsRefused as exc:
                raise _refusal(exc.recipients) from exc
            except smtplib.SMTPResponseException as exc:
                # The connection stays open; after a 421 smtplib has closed it, and the probe
                # before the next message notices.
                raise _error_for_code(
                    exc.smtp_code, _reply_text(exc.smtp_error), "refused"
                ) from exc
            except (smtplib.SMTPNotSupportedError, ValueError) as exc:
                # The message needs something this server lacks (e.g. SMTPUTF8) or is malformed.
                raise PermanentDeliveryError(f"message not sendable: {exc}") from exc
            except (smtplib.SMTPException, OSError) as exc:
                self._drop()
                raise TransientDeliveryError(f"connection failed while sending: {exc}") from exc
        if refused:
            # Some recipients took it: a retry would send them a second copy, so never retry.
            raise PermanentDeliveryError(f"recipients refused: {', '.join(sorted(refused))}")
        log.info(
            "sent message %s", message["Message-ID"], extra={"message_id": message["Message-ID"]}
        )

    def close(self) -> None:
        """Say goodbye to the server and close the connection, if one is open."""
        with self._lock:
            if self._connection is not None:
                # If the server already went away there is nothing left to say goodbye to.
                with contextlib.suppress(smtplib.SMTPException, OSError):
                    self._connection.quit()
            self._drop()

    def _usable_connection(self) -> smtplib.SMTP:
        if self._connection is not None and not self._answers(self._connection):
            log.info("SMTP connection to %s was dropped; reconnecting", self.settings.host)
            self._drop()
        if self._connection is None:
            self._connection = self._connect()
        return self._connection

    @staticmethod
    def _answers(connection: smtplib.SMTP) -> bool:
        # A NOOP before reusing the connection finds one the server closed while idle,
        # so a message is never half-sent on a dead socket.
        try:
            return connection.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        connection: smtplib.SMTP | None = None
        try:
            if settings.implicit_tls:
                connection = smtplib.SMTP_SSL(
                    settings.host,
                    settings.port,
                    self._local_hostname,
                    timeout=self.timeout,
                    context=self._tls_context(),
                )
            else:
                connection = smtplib.SMTP(
                    settings.host, settings.port, self._local_hostname, timeout=self.timeout
                )
            connection.ehlo()
            if settings.starttls:
                connection.starttls(context=self._tls_context())
                connection.ehlo()
            if settings.username:
                connection.login(settings.username, settings.password or "")
        except (smtplib.SMTPException, OSError) as exc:
            if connection is not None:
                connection.close()
            # Whatever the reply code, a failed session set-up says nothing about the message;
            # once the server or its settings are fixed, a retry succeeds.
            code = getattr(exc, "smtp_code", None)
            text = _reply_text(getattr(exc, "smtp_error", b""))
            raise TransientDeliveryError(
                f"cannot open SMTP session with {settings.host}:{settings.port}: {exc}",
                smtp_code=code,
                smtp_text=text,
            ) from exc
        return connection

    def _tls_context(self) -> ssl.SSLContext:
        # Built only when TLS is used: loading the system's CA certificates takes a moment.
        return self._ssl_context or ssl.create_default_context()

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
        self._connection = None
