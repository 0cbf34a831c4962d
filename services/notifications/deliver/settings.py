"""Turn the delivery URL (``CEREMONY_SMTP_URL``) into a sender."""

from pathlib import Path
from urllib.parse import unquote, urlsplit

from services.notifications.deliver.files import FileSender
from services.notifications.deliver.sender import Sender
from services.notifications.deliver.smtp import RateLimiter, SmtpSender


def sender_from_url(
    url: str | None,
    mail_dir: str | Path,
    *,
    timeout: float,
    limiter: RateLimiter | None = None,
) -> Sender:
    """Return an SmtpSender for smtp(s)://, else a FileSender (file://path, or `mail_dir`).

    `limiter` bounds the rate of every sender that shares it; without one there is no limit.
    """
    url = (url or "").strip()
    if not url:
        return FileSender(mail_dir)
    parts = urlsplit(url)
    if parts.scheme in ("smtp", "smtps"):
        return SmtpSender(url, timeout, limiter=limiter)
    if parts.scheme == "file":
        # file:///var/mail is absolute; file://var/mail is read as the relative path var/mail.
        host = "" if parts.netloc == "localhost" else parts.netloc
        path = unquote(host + parts.path)
        return FileSender(path or mail_dir)
    raise ValueError(
        f"unsupported mail URL scheme {parts.scheme!r}: use smtp://, smtps:// or file://"
    )
