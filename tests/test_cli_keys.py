"""``ceremony apikey …``, ``ceremony device enrol`` and the older ``ceremony token issue``, run
as a user runs them: the installed command, against a migrated registration database."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from services.registration.app import create_app
from shared.auth import Signer
from shared.config import load_settings
from tests.registration.conftest import ceremony_body

SECRET = "cli-test-secret-key-of-more-than-32-characters"
COMMAND = Path(sys.executable).with_name("ceremony")


def installed(var_dir: Path) -> dict[str, str]:
    """The environment of a fresh install: its own var directory, migrated, and a secret."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEREMONY_")}
    env.update(CEREMONY_VAR_DIR=str(var_dir), CEREMONY_SECRET_KEY=SECRET)
    upgraded = subprocess.run(
        [str(COMMAND), "db", "upgrade", "--service", "registration"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert upgraded.returncode == 0, upgraded.stderr
    return env


@pytest.fixture
def env(tmp_path) -> dict[str, str]:
    return installed(tmp_path / "var")


def make_ceremony(env: dict[str, str]) -> str:
    """A ceremony made through the API on the command's database; returns its id."""
    app = create_app(load_settings("registration", env))
    try:
        admin = {"Authorization": f"Bearer {Signer(SECRET).issue_token('admin')}"}
        response = app.test_client().post("/api/ceremonies", json=ceremony_body(), headers=admin)
        assert response.status_code == 201, response.json
        return response.json["id"]
    finally:
        app.extensions["ceremony"].database.dispose()


@pytest.fixture(scope="module")
def refusing(tmp_path_factory) -> tuple[dict[str, str], str]:
    """One install with a ceremony, for commands that must change nothing."""
    env = installed(tmp_path_factory.mktemp("var"))
    return env, make_ceremony(env)


def ceremony(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(COMMAND), *args], env=env, capture_output=True, text=True, timeout=60
    )


def last_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


@pytest.fixture
def registration(env):
    """The registration app on the command's database, to see what the command did."""
    app = create_app(load_settings("registration", env))
    yield app.test_client()
    app.extensions["ceremony"].database.dispose()


@pytest.fixture
def ceremony_id(env) -> str:
    return make_ceremony(env)


def test_apikey_create_prints_the_key_last_and_list_shows_it_without_it(env, registration):
    key = last_line(
        ceremony("apikey", "create", "--name", "Nightly export", "--role", "admin", env=env)
    )
    principal = Signer(SECRET).verify_token(key)
    assert (principal.kind, principal.role, principal.ceremony_id, principal.name) == (
        "apikey",
        "admin",
        None,
        "Nightly export",
    )
    assert principal.expires_at - principal.issued_at == 90 * 86400
    # The key works on the API: the command wrote its record where the service looks.
    listed = registration.get("/api/apikeys", headers={"Authorization": f"Bearer {key}"})
    assert [(row["id"], row["name"]) for row in listed.json] == [
        (principal.credential_id, "Nightly export")
    ]
    listing = ceremony("apikey", "list", env=env)
    assert listing.returncode == 0
    [line] = listing.stdout.splitlines()
    assert line.split("\t")[:5] == [
        principal.credential_id,
        "Nightly export",
        "admin",
        "suite-wide",
        "active",
    ]
    assert key not in listing.stdout


def test_apikey_create_binds_a_key_to_a_ceremony_for_some_days(env, ceremony_id):
    key = last_line(
        ceremony(
            "apikey", "create", "--name", "Printer", "--role", "protocol",
            "--ceremony", ceremony_id, "--days", "7", env=env,
        )
    )  # fmt: skip
    principal = Signer(SECRET).verify_token(key)
    assert (principal.role, principal.ceremony_id) == ("protocol", ceremony_id)
    assert principal.expires_at - principal.issued_at == 7 * 86400
    listing = ceremony("apikey", "list", "--ceremony", ceremony_id, env=env)
    assert [line.split("\t")[3] for line in listing.stdout.splitlines()] == [ceremony_id]


@pytest.mark.parametrize(
    "args, says",
    [
        (["--role", "viewer", "--days", "366"], "--days"),
        (["--role", "viewer", "--days", "0"], "--days"),
        (["--role", "chancellor"], "--role"),
        (["--role", "admin", "--ceremony", "CEREMONY"], "--role"),
        (["--role", "viewer", "--ceremony", "not-an-id"], "--ceremony"),
        (["--role", "viewer", "--ceremony", str(uuid.UUID(int=1))], "No ceremony"),
    ],
)
def test_apikey_create_refuses_bad_input_by_name_and_writes_nothing(refusing, args, says):
    env, ceremony_id = refusing
    args = [ceremony_id if arg == "CEREMONY" else arg for arg in args]
    refused = ceremony("apikey", "create", "--name", "Printer", *args, env=env)
    assert refused.returncode == 2
    assert says in refused.stderr
    assert refused.stdout == ""
    assert ceremony("apikey", "list", env=env).stdout == ""


def test_apikey_revoke_refuses_the_key_in_the_service(env, registration):
    key = last_line(ceremony("apikey", "create", "--name", "Old", "--role", "admin", env=env))
    key_id = Signer(SECRET).verify_token(key).credential_id
    revoked = ceremony("apikey", "revoke", key_id, env=env)
    assert revoked.returncode == 0, revoked.stderr
    assert f"revoked {key_id}" in revoked.stdout
    refused = registration.get("/api/apikeys", headers={"Authorization": f"Bearer {key}"})
    assert (refused.status_code, refused.json["code"]) == (401, "credential_revoked")
    assert "\trevoked\t" in ceremony("apikey", "list", env=env).stdout
    unknown = ceremony("apikey", "revoke", str(uuid.uuid4()), env=env)
    assert unknown.returncode == 2 and "No apikey" in unknown.stderr


def qr_of_block_text(lines: list[str]) -> Image.Image:
    """The picture a terminal shows for ``print_ascii(invert=True)``: each character is two
    modules, one above the other, a drawn half light (qrcode draws with code page 437, whose
    blank is a no-break space)."""
    halves = {"\xa0": (0, 0), " ": (0, 0), "▀": (1, 0), "▄": (0, 1), "█": (1, 1)}
    width = max(len(line) for line in lines)
    image = Image.new("L", (width + 8, 2 * len(lines) + 8), 255)
    for row, line in enumerate(lines):
        for column, char in enumerate(line):
            top, bottom = halves[char]
            image.putpixel((column + 4, 2 * row + 4), 255 if top else 0)
            image.putpixel((column + 4, 2 * row + 5), 255 if bottom else 0)
    return image.resize((image.width * 8, image.height * 8), Image.NEAREST)


def test_device_enrol_prints_the_link_last_and_its_qr_code(env, ceremony_id, registration):
    result = ceremony(
        "device", "enrol", "--ceremony", ceremony_id, "--gate", "North", "--name", "Phone 1",
        env=env,
    )  # fmt: skip
    link = last_line(result)
    assert link.startswith("http://127.0.0.1:8001/enrol/")
    lines = result.stdout.splitlines()
    drawing = [line for line in lines if line and set(line) <= set("\xa0 ▀▄█")]
    decoded = zxingcpp.read_barcodes(qr_of_block_text(drawing))
    assert [found.text for found in decoded] == [link]
    assert "'Phone 1' at gate 'North'" in result.stdout

    page = registration.get("/" + link.split("/", 3)[3])
    assert page.status_code == 200
    assert "Sign in this device at gate" in page.get_data(as_text=True)
    enrolled = registration.post("/" + link.split("/", 3)[3])
    assert enrolled.status_code == 303


def test_device_enrol_refuses_an_unknown_ceremony_or_a_bad_gate(refusing):
    env, ceremony_id = refusing
    unknown = ceremony("device", "enrol", "--ceremony", str(uuid.uuid4()), "--gate", "N", env=env)
    assert unknown.returncode == 2 and "No ceremony" in unknown.stderr
    bad_gate = ceremony("device", "enrol", "--ceremony", ceremony_id, "--gate", "G" * 65, env=env)
    assert bad_gate.returncode == 2 and "--gate" in bad_gate.stderr


def test_token_issue_is_the_old_name_of_apikey_create(env, ceremony_id):
    result = ceremony(
        "token", "issue", "--role", "staff", "--ceremony", ceremony_id, "--gate", "North",
        "--ttl", "6", env=env,
    )  # fmt: skip
    principal = Signer(SECRET).verify_token(last_line(result))
    assert (principal.kind, principal.role, principal.ceremony_id, principal.gate) == (
        "apikey",
        "door",
        ceremony_id,
        "North",
    )
    assert principal.expires_at - principal.issued_at == 6 * 3600
    assert "old name of `apikey create`" in result.stderr
    [line] = ceremony("apikey", "list", env=env).stdout.splitlines()
    assert line.split("\t")[:3] == [principal.credential_id, "staff token (North)", "door"]
