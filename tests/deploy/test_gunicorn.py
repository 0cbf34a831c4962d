"""deploy/gunicorn.conf.py: its values, its JSON access log, and gunicorn running with it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
import requests
from gunicorn.config import Config
from gunicorn.http.message import MAX_REQUEST_LINE

from tests.conftest import SECRET, wait_for
from tests.deploy.contract import GUNICORN_CONF, REPO, gunicorn_settings
from tests.ports import free_port

APP = "services.registration.app:create_app()"


def test_workers_default_to_twice_the_cpus_plus_one():
    settings = gunicorn_settings({})
    assert settings["workers"] == 2 * settings["cpu_count"]() + 1


def test_gunicorn_workers_sets_the_workers():
    assert gunicorn_settings({"GUNICORN_WORKERS": "3"})["workers"] == 3


def test_cpu_count_honours_a_cgroup_cpu_quota(tmp_path):
    cpu_max = tmp_path / "cpu.max"
    cpu_max.write_text("50000 100000\n")
    cpu_count = gunicorn_settings({})["cpu_count"]
    cpu_count.__globals__["CGROUP_CPU_MAX"] = cpu_max
    assert cpu_count() == 1


def test_workers_are_threaded_and_gunicorn_threads_sets_the_threads():
    settings = gunicorn_settings({"GUNICORN_THREADS": "8"})
    assert (settings["worker_class"], settings["threads"]) == ("gthread", 8)


def test_port_sets_the_bind_address():
    assert gunicorn_settings({"PORT": "8002"})["bind"] == "0.0.0.0:8002"


def test_timeouts_have_production_defaults():
    settings = gunicorn_settings({})
    assert (settings["timeout"], settings["graceful_timeout"], settings["keepalive"]) == (30, 25, 5)


def test_timeouts_follow_the_environment():
    settings = gunicorn_settings(
        {"GUNICORN_TIMEOUT": "60", "GUNICORN_GRACEFUL_TIMEOUT": "40", "GUNICORN_KEEPALIVE": "75"}
    )
    assert (settings["timeout"], settings["graceful_timeout"], settings["keepalive"]) == (
        60,
        40,
        75,
    )


def test_a_malformed_number_names_the_variable():
    with pytest.raises(ValueError, match="GUNICORN_WORKERS"):
        gunicorn_settings({"GUNICORN_WORKERS": "many"})


def test_access_log_goes_to_stdout():
    assert gunicorn_settings({})["accesslog"] == "-"


def test_access_log_line_is_json_whatever_the_request_carries():
    settings = gunicorn_settings({})
    config = Config()
    config.set("access_log_format", settings["access_log_format"])
    logger = settings["logger_class"](config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": '/api/ceremonies?q="x"',
        "PATH_INFO": "/api/ceremonies",
        "QUERY_STRING": 'q="x"',
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "10.0.0.7",
    }
    request = SimpleNamespace(headers=[("USER-AGENT", 'scanner "door\\1"\n')])
    response = SimpleNamespace(status="201 CREATED", sent=17, headers=[])
    atoms = logger.atoms_wrapper_class(
        logger.atoms(response, request, environ, timedelta(milliseconds=12))
    )
    line = json.loads(settings["access_log_format"] % atoms)
    assert line | {"time": None} == {
        "time": None,
        "log": "access",
        "remote_addr": "10.0.0.7",
        "method": "GET",
        "path": "/api/ceremonies",
        "query": 'q="x"',
        "protocol": "HTTP/1.1",
        "status": 201,
        "bytes": 17,
        "duration_ms": 12.0,
        "referer": None,
        "user_agent": 'scanner "door\\1"\n',
        "request_id": None,
    }


def test_gunicorn_accepts_the_settings(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--check-config", "-c", str(GUNICORN_CONF), APP],
        cwd=REPO,
        env=_environment(tmp_path, port=free_port()),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


@pytest.fixture
def served(tmp_path):
    """gunicorn serving the registration app with deploy/gunicorn.conf.py on a free port."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), APP],
        cwd=REPO,
        env=_environment(tmp_path, port=port) | {"GUNICORN_WORKERS": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(lambda: _answers(f"{url}/healthz"), timeout=30)
        yield SimpleNamespace(process=process, url=url)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=30)


def test_a_served_request_is_logged_as_one_json_line(served):
    requests.get(f"{served.url}/healthz", headers={"X-Request-ID": "abc-1"}, timeout=5)
    served.process.send_signal(signal.SIGTERM)
    stdout, _ = served.process.communicate(timeout=30)
    lines = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    assert {"path": "/healthz", "status": 200, "request_id": "abc-1"}.items() <= lines[-1].items()


def test_sigterm_stops_gunicorn_cleanly_within_the_graceful_timeout(served):
    started = time.monotonic()
    served.process.send_signal(signal.SIGTERM)
    served.process.wait(timeout=30)
    elapsed = time.monotonic() - started
    assert (served.process.returncode, elapsed < gunicorn_settings({})["graceful_timeout"]) == (
        0,
        True,
    )


def _environment(tmp_path, *, port: int) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "CEREMONY_SECRET_KEY": SECRET,
        "CEREMONY_VAR_DIR": str(tmp_path / "var"),
        "PORT": str(port),
    }


def _answers(url: str) -> bool:
    # gunicorn listens before its worker has imported the app; on a loaded machine the
    # first request can wait for that import, so a slow answer is "not yet", not a failure.
    try:
        return requests.get(url, timeout=5).status_code == 200
    except (requests.ConnectionError, requests.Timeout):
        return False


def test_request_lines_may_be_as_long_as_gunicorn_allows():
    assert gunicorn_settings({})["limit_request_line"] == MAX_REQUEST_LINE


def test_a_url_over_the_services_limit_gets_their_json_414(served):
    response = requests.get(f"{served.url}/healthz?pad={'x' * 5000}", timeout=5)

    assert (response.status_code, response.headers["Content-Type"]) == (414, "application/json")
    assert response.json()["code"] == "uri_too_long"


def test_a_request_line_over_gunicorns_limit_gets_gunicorns_own_answer(served):
    # What is left to gunicorn: it answers before any app sees the request.
    response = requests.get(f"{served.url}/healthz?pad={'x' * MAX_REQUEST_LINE}", timeout=5)

    assert (response.status_code, response.headers["Content-Type"]) == (414, "text/html")
