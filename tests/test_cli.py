"""The ``ceremony`` command, including the embedded suite started as a user would."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import urllib.request

import pytest

from shared.auth import Signer
from shared.cli import main
from tests.conftest import SECRET, wait_for
from tests.ports import free_port


def test_token_issue_prints_a_valid_token_on_its_last_line(capsys, monkeypatch, tmp_path):
    # The older name of `ceremony apikey create` (tests/test_cli_keys.py): the key it prints is
    # recorded in the registration database, and a staff token is now a door key.
    monkeypatch.setenv("CEREMONY_SECRET_KEY", SECRET)
    monkeypatch.setenv("CEREMONY_VAR_DIR", str(tmp_path))
    assert main(["db", "upgrade", "--service", "registration"]) == 0
    assert main(["token", "issue", "--role", "staff", "--gate", "North"]) == 0
    printed = capsys.readouterr()
    token = printed.out.strip().splitlines()[-1]
    principal = Signer(SECRET).verify_token(token)
    assert (principal.role, principal.ceremony_id, principal.gate) == ("door", None, "North")
    assert "old name" in printed.err


def test_token_issue_refuses_an_unknown_role(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["token", "issue", "--role", "admin"])
    assert exit_info.value.code == 2


def test_token_issue_without_any_secret_says_so(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("CEREMONY_SECRET_KEY", raising=False)
    monkeypatch.setenv("CEREMONY_VAR_DIR", str(tmp_path))
    assert main(["token", "issue", "--role", "organiser"]) == 2
    assert "CEREMONY_SECRET_KEY" in capsys.readouterr().err


def test_db_upgrade_migrates_every_service(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CEREMONY_VAR_DIR", str(tmp_path))
    assert main(["db", "upgrade"]) == 0
    for name in ("registration", "badges", "notifications"):
        tables = sqlite3.connect(tmp_path / f"{name}.db").execute(
            "select name from sqlite_master where type='table'"
        )
        assert {"outbox", "inbox", "alembic_version"} <= {row[0] for row in tables}


def test_purge_dry_run_says_what_would_go_and_changes_nothing(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CEREMONY_VAR_DIR", str(tmp_path))
    assert main(["db", "upgrade", "--service", "registration"]) == 0
    with sqlite3.connect(tmp_path / "registration.db") as db:
        db.execute(
            "insert into ceremonies (id, title, starts_at, ends_at, timezone, venue_name, "
            "capacity, default_language, languages, programme, sequence, seats_taken, "
            "registration_mode, created_at, updated_at) values "
            "('0123456789abcdef0123456789abcdef', 'Old Ceremony', '2020-01-01 10:00:00', "
            "'2020-01-01 12:00:00', 'UTC', 'Hall', 10, "
            "'en', '[]', '[]', 0, 0, 'open', '2019-12-01 00:00:00', '2019-12-01 00:00:00')"
        )
    capsys.readouterr()
    assert main(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Old Ceremony" in out and "would erase 0 registration(s)" in out
    with sqlite3.connect(tmp_path / "registration.db") as db:
        assert db.execute("select purged_at from ceremonies").fetchone() == (None,)
    assert main(["purge"]) == 0
    assert "erased 0 registration(s)" in capsys.readouterr().out
    with sqlite3.connect(tmp_path / "registration.db") as db:
        assert db.execute("select purged_at from ceremonies").fetchone() != (None,)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def _projected(path) -> int:
    try:
        with sqlite3.connect(path, timeout=5) as db:
            return db.execute("select count(*) from registrations").fetchone()[0]
    except sqlite3.Error:
        return 0


def test_the_embedded_suite_runs_end_to_end_and_stops_cleanly(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEREMONY_")}
    env["CEREMONY_VAR_DIR"] = str(tmp_path / "var")
    command = [sys.executable, "-m", "shared.cli"]
    suite = subprocess.Popen(
        [*command, "run", "--base-port", "18201"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        for port in (18201, 18202, 18203):
            wait_for(lambda port=port: _healthy(f"http://127.0.0.1:{port}/healthz"), timeout=60)
        demo = subprocess.run(
            [*command, "demo", "--base-port", "18201"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert demo.returncode == 0, demo.stderr
        assert "Registration page:   http://127.0.0.1:18201/ceremonies/" in demo.stdout
        # 3 dignitaries who accepted, 20 officers, 14 experts, 6 ministry guests travel the
        # file bus; the fourth invitee has not answered yet.
        assert "An invitation (RSVP): http://127.0.0.1:18201/rsvp/" in demo.stdout
        for name in ("badges", "notifications"):
            wait_for(lambda name=name: _projected(tmp_path / "var" / f"{name}.db") == 43, 30)
        # Mail to files: four invitations, and a confirmation with its badge for each of the 43.
        mail = tmp_path / "var" / "mail"
        wait_for(lambda: len(list(mail.glob("*.eml"))) == 47, 90)
        staff_token = demo.stdout.split("Staff token (Main Gate, 24 h): ")[1].split()[0]
        secret = (tmp_path / "var" / "secret_key").read_text().strip()
        principal = Signer(secret).verify_token(staff_token)
        assert (principal.role, principal.gate) == ("door", "Main Gate")
        assert _healthy("http://127.0.0.1:18202/scan")
        assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o077 == 0
    finally:
        suite.send_signal(signal.SIGTERM)
        output, _ = suite.communicate(timeout=60)
    assert suite.returncode == 0, output
    for process in ("registration", "badges", "notifications"):
        assert f"{process}-worker stopped (rc=0)" in output
        assert f"{process}-web stopped (rc=0)" in output


def test_a_worker_serves_its_metrics_on_the_port_it_is_given(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("CEREMONY_")}
    env.update(
        CEREMONY_VAR_DIR=str(tmp_path / "var"),
        CEREMONY_SECRET_KEY=SECRET,
        CEREMONY_WORKER_METRICS_PORT=str(port),
    )
    command = [sys.executable, "-m", "shared.cli"]
    subprocess.run([*command, "db", "upgrade"], env=env, check=True, capture_output=True)
    worker = subprocess.Popen(
        [*command, "worker", "badges"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )

    def scraped() -> str:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=1) as answer:
                return answer.read().decode()
        except OSError:
            return ""

    try:
        text = wait_for(scraped, timeout=30)
        assert 'ceremony_outbox_backlog{service="badges"} 0.0' in text
        assert 'ceremony_dead_letters{service="badges"} 0.0' in text
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
    assert worker.returncode == 0, output


@pytest.mark.parametrize("gate", ["G" * 65, "North\x00", "North\nGate", ""])
def test_token_issue_refuses_a_gate_a_scan_cannot_record(capsys, monkeypatch, gate):
    monkeypatch.setenv("CEREMONY_SECRET_KEY", SECRET)
    assert main(["token", "issue", "--role", "staff", "--gate", gate]) == 2
    assert "gate must be one line" in capsys.readouterr().err


from io import StringIO  # noqa: E402  (for the tests of ``ceremony user create`` below)


def _registration_app(tmp_path):
    """The registration app on the database the command wrote (its settings from the env)."""
    from services.registration.app import create_app
    from tests.conftest import make_settings

    app = create_app(make_settings("registration", tmp_path))
    return app, app.test_client()


def test_user_create_owner_prints_a_link_that_sets_the_password(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CEREMONY_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("CEREMONY_SECRET_KEY", SECRET)
    assert main(["db", "upgrade", "--service", "registration"]) == 0
    capsys.readouterr()
    assert main(["user", "create", "--email", "Owner@Example.org", "--name", "Olu", "--owner"]) == 0
    out = capsys.readouterr().out
    assert "created with the suite-wide admin role" in out
    link = out.strip().splitlines()[-1]
    assert link.startswith("http://127.0.0.1:8001/account/password/")
    app, client = _registration_app(tmp_path)
    try:
        body = {"token": link.rsplit("/", 1)[1], "password": "the owner's passphrase"}
        done = client.post("/api/auth/password-reset/complete", json=body)
        assert done.status_code == 200
        assert done.json["account"]["admin"] is True
        again = client.post("/api/auth/password-reset/complete", json=body)
        assert again.json["code"] == "link_used"  # the link works once
    finally:
        app.extensions["ceremony"].database.dispose()


def test_user_create_takes_a_password_on_stdin_and_never_prints_it(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CEREMONY_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("CEREMONY_SECRET_KEY", SECRET)
    assert main(["db", "upgrade", "--service", "registration"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", StringIO("a passphrase typed once\n"))
    assert (
        main(["user", "create", "--email", "bo@example.org", "--name", "Bo", "--password-stdin"])
        == 0
    )
    out, err = capsys.readouterr()
    assert "passphrase" not in out + err and "/account/password/" not in out
    assert "admin" not in out
    app, client = _registration_app(tmp_path)
    try:
        body = {"email": "bo@example.org", "password": "a passphrase typed once"}
        assert client.post("/api/auth/sign-in", json=body).status_code == 200
    finally:
        app.extensions["ceremony"].database.dispose()


@pytest.mark.parametrize(
    ("arguments", "stdin", "said"),
    [
        # The same address again, in another case: refused, nothing made.
        (["--email", "OWNER@example.org", "--name", "Olu"], "", "exists already"),
        (["--email", "not-an-address", "--name", "Olu"], "", "--email"),
        (["--email", "x@example.org", "--name", "Olu\u200b"], "", "--name"),
        (["--email", "x@example.org", "--name", "Olu", "--password-stdin"], "short\n", "12"),
        (["--email", "x@example.org", "--name", "Olu", "--password-stdin"], "", "no password"),
    ],
    ids=["same address", "not an address", "invisible character", "short password", "no stdin"],
)
def test_user_create_refuses_bad_input_with_status_2(
    capsys, monkeypatch, tmp_path, arguments, stdin, said
):
    monkeypatch.setenv("CEREMONY_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("CEREMONY_SECRET_KEY", SECRET)
    assert main(["db", "upgrade", "--service", "registration"]) == 0
    assert main(["user", "create", "--email", "owner@example.org", "--name", "Olu"]) == 0
    capsys.readouterr()
    monkeypatch.setattr(sys, "stdin", StringIO(stdin))
    assert main(["user", "create", *arguments]) == 2
    assert said in capsys.readouterr().err
    with sqlite3.connect(tmp_path / "registration.db") as db:
        assert db.execute("select count(*) from accounts").fetchone() == (1,)


def test_user_create_before_migrating_says_what_to_run(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CEREMONY_VAR_DIR", str(tmp_path))
    assert main(["user", "create", "--email", "a@example.org", "--name", "Ann"]) == 2
    assert "ceremony db upgrade" in capsys.readouterr().err


def test_demo_prints_an_organisers_sign_in_that_works(capsys, monkeypatch, tmp_path):
    from services.registration.service import SERVICE
    from tests.browser.guest_harness import LiveRegistration
    from tests.conftest import make_settings, migrated

    live = LiveRegistration(migrated(SERVICE, make_settings("registration", tmp_path)), SECRET)
    monkeypatch.setenv("CEREMONY_SECRET_KEY", SECRET)
    monkeypatch.setenv("CEREMONY_VAR_DIR", str(tmp_path / "cli"))
    port = live.url.rsplit(":", 1)[1]
    try:
        for _ in range(2):  # a second demo makes an organiser of its own
            assert main(["demo", "--base-port", port]) == 0
            out = capsys.readouterr().out
            assert f"Organiser sign-in:   {live.url}/sign-in" in out
            console = out.split("  then the console:  ")[1].split()[0]
            assert console.startswith(f"{live.url}/console/ceremonies/")
            email = out.split("  email:             ")[1].split()[0]
            password = out.split("  password:          ")[1].split()[0]
            assert len(password) >= 12
            signed_in = live.http.post(
                f"{live.url}/api/auth/sign-in",
                json={"email": email, "password": password},
                headers={"Authorization": ""},
                timeout=10,
            )
            assert signed_in.status_code == 200, signed_in.text
            me = live.http.get(
                f"{live.url}/api/auth/me",
                headers={"Authorization": f"Bearer {signed_in.json()['token']}"},
                timeout=10,
            ).json()
            assert [grant["role"] for grant in me["grants"]] == ["organiser"]
            page = live.http.get(
                console,
                headers={"Authorization": f"Bearer {signed_in.json()['token']}"},
                timeout=10,
            )
            assert page.status_code == 200 and "Ceremony console" in page.text, page.text
            # Everyone confirmed is seated in the demo's hall, by the rules, not yet announced.
            seating = live.http.get(
                console.replace("/console/", "/api/") + "/seating",
                headers={"Authorization": f"Bearer {signed_in.json()['token']}"},
                timeout=10,
            ).json()
            assert seating["guests"] and all(guest["seat_id"] for guest in seating["guests"])
            assert seating["announced_at"] is None
            # The officers graduate (three of them otherwise than "completed"); the experts
            # are thanked with a certificate of appreciation.
            roll = live.http.get(
                console.replace("/console/", "/api/") + "/roll",
                headers={"Authorization": f"Bearer {signed_in.json()['token']}"},
                timeout=10,
            ).json()
            results = [graduate["result"] for graduate in roll["graduates"]]
            assert len(results) == 20 and results.count("completed") == 17
            assert {"distinction", "attended", "not_completed"} <= set(results)
    finally:
        live.close()
