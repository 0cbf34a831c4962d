"""The body limit under gunicorn, which de-chunks a streamed body itself: a CSV sent without
Content-Length is imported whole when it fits, and not at all when it does not."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from services.registration.service import SERVICE
from tests.conftest import SECRET, make_settings, migrated, wait_for
from tests.fuzz.harness import caller_headers
from tests.ports import free_port
from tests.registration.conftest import ceremony_body

REPO = Path(__file__).resolve().parents[2]
LIMIT = 16_384


def _answers(url: str) -> bool:
    # A slow first answer (the worker still importing the app) is "not yet".
    try:
        return requests.get(url, timeout=5).status_code == 200
    except (requests.ConnectionError, requests.Timeout):
        return False


@pytest.fixture
def served(tmp_path) -> Iterator[SimpleNamespace]:
    """gunicorn with deploy/gunicorn.conf.py serving registration on loopback, with a body
    limit of 16 KiB and a ceremony to import invitees into."""
    var_dir = tmp_path / "var"
    migrated(SERVICE, make_settings("registration", var_dir))
    port = free_port()
    environment = {
        "PATH": os.environ["PATH"],
        "CEREMONY_SECRET_KEY": SECRET,
        "CEREMONY_VAR_DIR": str(var_dir),
        "CEREMONY_MAX_BODY_BYTES": str(LIMIT),
        "GUNICORN_WORKERS": "1",
    }
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py"),
            *("--bind", f"127.0.0.1:{port}", "services.registration.app:create_app()"),
        ],
        cwd=REPO,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(f"{url}/healthz"), timeout=30)
        created = requests.post(
            f"{url}/api/ceremonies",
            json=ceremony_body(),
            headers=caller_headers("admin"),
            timeout=10,
        )
        assert created.status_code == 201, created.text
        yield SimpleNamespace(port=port, url=url, ceremony_id=created.json()["id"])
    finally:
        process.kill()
        process.wait(timeout=30)


def _import_streamed(served, csv: bytes) -> tuple[int, dict]:
    """POST the CSV in 1 KiB chunks, without Content-Length; the status and JSON answer."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    try:
        connection.request(
            "POST",
            f"/api/ceremonies/{served.ceremony_id}/invitations/import",
            body=(csv[start : start + 1024] for start in range(0, len(csv), 1024)),
            headers={"Content-Type": "text/csv", **caller_headers("admin")},
            encode_chunked=True,
        )
        response = connection.getresponse()
        return response.status, json.loads(response.read())
    finally:
        connection.close()


def _invited(served) -> int:
    url = f"{served.url}/api/ceremonies/{served.ceremony_id}/invitations"
    return len(requests.get(url, headers=caller_headers("admin"), timeout=10).json())


def _csv(rows: int) -> bytes:
    lines = [b"full_name,email"] + [b"Guest %d,guest%d@example.org" % (n, n) for n in range(rows)]
    return b"\n".join(lines) + b"\n"


def test_a_streamed_csv_over_the_limit_gets_413_and_imports_nothing(served):
    # Blank lines (which the reader skips) past the limit, then one more guest: a body cut at
    # the limit would still be a valid file, of the first 300 guests.
    csv = _csv(300) + b",\n" * LIMIT + b"Last Guest,last@example.org\n"

    status, answer = _import_streamed(served, csv)

    assert (status, answer["code"]) == (413, "payload_too_large")
    assert _invited(served) == 0


def test_a_streamed_csv_within_the_limit_is_imported_whole(served):
    csv = _csv(300)
    assert len(csv) < LIMIT

    status, answer = _import_streamed(served, csv)

    assert status == 201, answer
    assert _invited(served) == 300
