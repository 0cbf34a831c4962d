"""Logging: plain lines on a terminal, JSON lines in production, with request and event ids."""

from __future__ import annotations

import contextvars
import json
import logging
import re
from datetime import UTC, datetime

#: The event a worker is handling, for every log line written meanwhile.
current_event_id: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "current_event_id", default=None
)


#: What a guest's link or a credential looks like in a log line: the path segment after
#: /manage/, /rsvp/, /confirm/ or /account/password/ (set-password links), a ``capability=``
#: parameter, a bearer token.
_SECRETS = re.compile(
    r"(?P<keep>/(?:manage|rsvp|confirm|account/password)/|(?<![A-Za-z0-9_])capability="
    r"|\bBearer\s+)"
    r"[A-Za-z0-9._~%+/=-]+",
    re.IGNORECASE,
)
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """``text`` with guests' links and credentials replaced, so a log line cannot open them."""
    return _SECRETS.sub(lambda match: match.group("keep") + REDACTED, text)


class ContextFilter(logging.Filter):
    """Adds ``request_id`` (inside a Flask request) and ``event_id`` (inside a handler)."""

    def filter(self, record: logging.LogRecord) -> bool:
        from flask import g, has_request_context

        record.request_id = g.get("request_id") if has_request_context() else None
        record.event_id = current_event_id.get()
        return True


class RedactingFormatter(logging.Formatter):
    """Plain lines, with guests' links and credentials redacted (exceptions included)."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, ids and the exception if any;
    guests' links and credentials are redacted."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key in ("request_id", "event_id", "service"):
            value = getattr(record, key, None)
            if value:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(service: str | None = None, *, fmt: str = "text", level: str = "INFO"):
    """Set up the root logger once: ``fmt`` is text or json (``CEREMONY_LOG_FORMAT``)."""
    root = logging.getLogger()
    if getattr(root, "_ceremony_configured", False):
        return
    handler = logging.StreamHandler()
    handler.addFilter(ContextFilter())
    if service:
        handler.addFilter(_ServiceFilter(service))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(RedactingFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    root._ceremony_configured = True


class _ServiceFilter(logging.Filter):
    def __init__(self, service: str):
        super().__init__()
        self.service = service

    def filter(self, record: logging.LogRecord) -> bool:
        record.service = self.service
        return True
