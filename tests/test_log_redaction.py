"""No log line holds a guest's live link or a credential: they are redacted where lines are made."""

from __future__ import annotations

import json
import logging
import sys

import pytest

from shared.auth import Signer
from shared.logs import REDACTED, JsonFormatter, RedactingFormatter, redact
from tests.conftest import SECRET

SIGNER = Signer(SECRET)
CAPABILITY = SIGNER.issue_capability("manage-registration", "1234", ttl_seconds=60)
TOKEN = SIGNER.issue_token("admin")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"GET /manage/{CAPABILITY} 200", f"GET /manage/{REDACTED} 200"),
        (f"POST /rsvp/{CAPABILITY}?answer=accept", f"POST /rsvp/{REDACTED}?answer=accept"),
        (f"GET /confirm/{CAPABILITY}", f"GET /confirm/{REDACTED}"),
        (
            f"referer https://reg.example.org/manage/{CAPABILITY}?lang=fr",
            f"referer https://reg.example.org/manage/{REDACTED}?lang=fr",
        ),
        (
            f"GET /api/registrations/1/badge.pdf?capability={CAPABILITY}&x=1",
            f"GET /api/registrations/1/badge.pdf?capability={REDACTED}&x=1",
        ),
        (f"Authorization: Bearer {TOKEN}", f"Authorization: Bearer {REDACTED}"),
        ("GET /api/ceremonies 200", "GET /api/ceremonies 200"),
    ],
)
def test_links_and_tokens_are_redacted(line, expected):
    assert redact(line) == expected
    assert CAPABILITY not in redact(line) and TOKEN not in redact(line)


def record_with_error(message: str) -> logging.LogRecord:
    try:
        raise ValueError(f"while answering /rsvp/{CAPABILITY}")
    except ValueError:
        exc_info = sys.exc_info()
    return logging.LogRecord("x", logging.ERROR, __file__, 1, message, (), exc_info)


@pytest.mark.parametrize("formatter", [RedactingFormatter("%(message)s"), JsonFormatter()])
def test_messages_and_tracebacks_are_redacted_in_both_formats(formatter):
    line = formatter.format(record_with_error(f"unexpected error on POST /rsvp/{CAPABILITY}"))
    assert CAPABILITY not in line
    assert f"/rsvp/{REDACTED}" in line
    if isinstance(formatter, JsonFormatter):
        assert REDACTED in json.loads(line)["exception"]


def test_the_access_log_holds_no_guest_link(tmp_path):
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from tests.deploy.contract import gunicorn_settings

    settings = gunicorn_settings({})
    config = Config()
    config.set("access_log_format", settings["access_log_format"])
    logger = settings["logger_class"](config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/api/registrations/1/badge.pdf?capability={CAPABILITY}",
        "PATH_INFO": f"/manage/{CAPABILITY}",
        "QUERY_STRING": f"capability={CAPABILITY}&lang=fr",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
    }
    request = SimpleNamespace(headers=[("REFERER", f"https://reg.example.org/rsvp/{CAPABILITY}")])
    response = SimpleNamespace(status="200 OK", sent=17, headers=[])
    atoms = logger.atoms_wrapper_class(
        logger.atoms(response, request, environ, timedelta(milliseconds=3))
    )
    line = settings["access_log_format"] % atoms
    assert CAPABILITY not in line
    entry = json.loads(line)
    assert entry["path"] == f"/manage/{REDACTED}"
    assert entry["query"] == f"capability={REDACTED}&lang=fr"
    assert entry["referer"] == f"https://reg.example.org/rsvp/{REDACTED}"
