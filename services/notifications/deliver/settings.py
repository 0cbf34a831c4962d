"""Turn delivery configuration strings into a sender and a retry schedule."""

import math
from pathlib import Path
from urllib.parse import unquote, urlsplit

from services.notifications.deliver.files import FileSender
from services.notifications.deliver.sender import Sender
from services.notifications.deliver.smtp import RateLimiter, SmtpSender


def sender_from_url(
    url: str | None,
    mail_dir: str | Path,
    *,
    timeout: float = 10.0,
    rate_per_second: float | None = 20.0,
    limiter: RateLimiter | None = None,
) -> Sender:
    """Return an SmtpSender for smtp(s)://, else a FileSender (file://path, or `mail_dir`)."""
    url = (url or "").strip()
    if not url:
        return FileSender(mail_dir)
    parts = urlsplit(url)
    if parts.scheme in ("smtp", "smtps"):
        return SmtpSender(url, timeout=timeout, rate_per_second=rate_per_second, limiter=limiter)
    if parts.scheme == "file":
        # file:///var/mail is absolute; file://var/mail is read as the relative path var/mail.
        host = "" if parts.netloc == "localhost" else parts.netloc
        path = unquote(host + parts.path)
        return FileSender(path or mail_dir)
    raise ValueError(
        f"unsupported mail URL scheme {parts.scheme!r}: use smtp://, smtps:// or file://"
    )


def retry_delays(schedule: str | None) -> list[float]:
    """Parse a backoff schedule such as "5,30,120,600" into delays in seconds."""
    delays = []
    for item in (schedule or "").split(","):
        if not item.strip():
            continue
        try:
            delay = float(item)
        except ValueError:
            raise ValueError(f"retry delay {item.strip()!r} is not a number of seconds") from None
        if not math.isfinite(delay) or delay < 0:
            raise ValueError(f"retry delay {item.strip()!r} must be zero or more seconds")
        delays.append(delay)
    return delays
