"""The ``ceremony`` command: run the embedded suite, issue tokens, migrate, replay dead letters."""

from __future__ import annotations

import argparse
import logging
import math
import os
import queue
import secrets
import signal
import subprocess
import sys
import threading
import time
from importlib.metadata import entry_points
from pathlib import Path

from .config import PORTS, ConfigurationError, load_settings
from .logs import configure_logging
from .secret_keys import SecretKeys
from .service import Service

log = logging.getLogger(__name__)


def services() -> dict[str, Service]:
    """Every installed service, by name (from the ``ceremony.services`` entry points)."""
    found = {ep.name: ep.load() for ep in entry_points(group="ceremony.services")}
    return {name: found[name] for name in PORTS if name in found}


def embedded_secret(var_dir: Path) -> str:
    """The embedded suite's secret: generated once and kept in ``var/secret_key``."""
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def secret_for_cli() -> SecretKeys:
    """``CEREMONY_SECRET_KEY`` (and the previous ones), or the embedded suite's kept secret."""
    settings = load_settings("registration")
    if not settings.secret_key:
        path = settings.var_dir / "secret_key"
        if not path.exists():
            raise ConfigurationError(
                "CEREMONY_SECRET_KEY is not set and no embedded suite has run here "
                "(no var/secret_key)"
            )
        settings = settings.with_overrides(secret_key=path.read_text().strip())
    return settings.secret_keys()


def cmd_run(args) -> int:
    """Run the three services and their workers on this machine."""
    ports = {name: args.base_port + offset for offset, name in enumerate(PORTS)}
    env = dict(os.environ)
    for name, port in ports.items():
        env.setdefault(f"CEREMONY_PUBLIC_URL_{name.upper()}", f"http://127.0.0.1:{port}")
    settings = load_settings("registration", env)
    env.setdefault("CEREMONY_VAR_DIR", str(settings.var_dir))
    env.setdefault("CEREMONY_SECRET_KEY", settings.secret_key or embedded_secret(settings.var_dir))
    env.setdefault("PYTHONUNBUFFERED", "1")
    os.environ.update(env)
    for service in services().values():
        _upgrade(service)
    # The bus's exchanges and queues, once, before six processes would race to create the
    # file bus's exchange file at the same moment.
    from .bus import connect, declare_topology

    with connect(load_settings("registration")) as connection:
        declare_topology(connection, load_settings("registration"))
    commands = {}
    for name, service in services().items():
        commands[f"{name}-web"] = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"{args.host}:{ports[name]}",
            "--workers",
            "1",
            "--threads",
            "8",
            "--graceful-timeout",
            "10",
            "--no-control-socket",
            f"{service.app_factory}()",
        ]
        commands[f"{name}-worker"] = [sys.executable, "-m", "shared.cli", "worker", name]
    print(_banner(settings), flush=True)
    return run_together(commands, env)


def _banner(settings) -> str:
    lines = ["", "Ceremony suite (embedded: SQLite, file bus, mail to files)"]
    for name, url in settings.public_urls.items():
        lines.append(f"  {name:<14} {url}   API docs: {url}/api/docs")
    lines.append(f"  data           {settings.var_dir}   mail: {settings.var_dir / 'mail'}")
    registration = settings.public_urls.get("registration", "")
    lines.append(f"  {'sign in':<14} {registration}/sign-in")
    lines.append(
        f"  {'first account':<14} "
        "ceremony user create --email you@example.org --name 'Your Name' --owner"
    )
    lines.append(f"  {'':<14} (it prints a one-time link to set the account's password)")
    lines.append("  organiser token: ceremony token issue --role organiser")
    lines.append("  sample ceremony: ceremony demo (with an organiser's sign-in)   stop: Ctrl-C")
    return "\n".join(lines) + "\n"


#: What stops the embedded suite: Ctrl-C and SIGTERM.
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
#: How long the processes get to stop (gunicorn's graceful timeout is 10 s) before SIGKILL.
_KILL_AFTER_SECONDS = 15.0


def run_together(commands: dict[str, list[str]], env: dict[str, str]) -> int:
    """Run ``commands`` side by side, their output prefixed with their names, until one stops
    or Ctrl-C or SIGTERM asks: then stop the others (SIGTERM, later SIGKILL) and wait for them.

    Returns 0 when a signal stopped the suite, else the status of the process that stopped
    first by itself (1 if that was 0: a part of the suite is never meant to end on its own).
    """
    asked: list[int] = []
    previous = {
        sig: signal.signal(sig, lambda signum, _: asked.append(signum)) for sig in _STOP_SIGNALS
    }
    output: queue.Queue[tuple[str, str]] = queue.Queue()
    width = max(len(name) for name in [*commands, "system"])
    running: dict[str, tuple[subprocess.Popen, threading.Thread]] = {}
    first: int | None = None
    deadline: float | None = None
    try:
        for name, argv in commands.items():
            # A session of its own: Ctrl-C reaches this process alone, which stops the others.
            child = subprocess.Popen(
                argv,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                start_new_session=True,
            )
            reader = threading.Thread(target=_forward, args=(name, child.stdout, output))
            reader.start()
            running[name] = (child, reader)
            output.put(("system", f"{name} started (pid={child.pid})"))
        while running:
            _print_output(output, width, wait=0.1)
            for name, (child, reader) in list(running.items()):
                if child.poll() is None:
                    continue
                reader.join(timeout=1)
                output.put(("system", f"{name} stopped (rc={child.returncode})"))
                del running[name]
                if first is None and not asked:
                    first = _exit_status(child.returncode)
            if deadline is None and (asked or first is not None):
                if asked:
                    output.put(("system", f"{signal.Signals(asked[0]).name} received"))
                for child, _ in running.values():
                    child.terminate()
                deadline = time.monotonic() + _KILL_AFTER_SECONDS
            elif deadline is not None and time.monotonic() > deadline:
                for child, _ in running.values():
                    child.kill()
                deadline = math.inf
    finally:
        for child, _ in running.values():
            child.kill()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        _print_output(output, width)
    return first or 0


def _exit_status(returncode: int) -> int:
    """A shell's status for a process that stopped by itself: 128 + N when signal N ended it."""
    return 128 - returncode if returncode < 0 else returncode or 1


def _forward(name: str, stream, output: queue.Queue) -> None:
    with stream:
        for line in stream:
            output.put((name, line.rstrip("\n")))


def _print_output(output: queue.Queue, width: int, wait: float = 0.0) -> None:
    """Print the lines waiting in ``output``, after waiting up to ``wait`` seconds for one."""
    try:
        name, line = output.get(timeout=wait) if wait else output.get_nowait()
        while True:
            print(f"{time.strftime('%H:%M:%S')} {name:<{width}} | {line}")
            name, line = output.get_nowait()
    except queue.Empty:
        sys.stdout.flush()


def cmd_worker(args) -> int:
    """Run one service's worker (consumer and outbox relay) until SIGTERM or Ctrl-C."""
    import signal

    from .observability import serve_worker_metrics
    from .worker import ServiceWorker

    service = services()[args.service]
    settings = load_settings(service.name)
    settings.require_secret()
    worker = ServiceWorker(service, settings)
    # Stop cleanly from the moment anything (the metrics port) says the worker is up.
    signal.signal(signal.SIGTERM, worker.stop)
    signal.signal(signal.SIGINT, worker.stop)
    serve_worker_metrics(settings, worker.database, service.outbox)
    worker.run()
    return 0


def cmd_db_upgrade(args) -> int:
    """Migrate each service's database to the latest revision."""
    for name, service in services().items():
        if args.service in (None, name):
            _upgrade(service)
            print(f"{name}: database at the latest revision")
    return 0


def _upgrade(service: Service) -> None:
    from .migrations import upgrade

    settings = load_settings(service.name)
    if settings.database_url.startswith("sqlite"):
        settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(service, settings.database_url)


def cmd_dead_letters(args) -> int:
    """List or replay the dead letters of each service."""
    from .dead_letters import list_dead_letters, replay_dead_letters

    for name in services():
        if args.service not in (None, name):
            continue
        settings = load_settings(name)
        if args.action == "list":
            for letter in list_dead_letters(settings):
                print(f"{name}\t{letter.message_id}\t{letter.event_type}\t{letter.reason}")
        else:
            count = replay_dead_letters(settings, message_id=args.id)
            print(f"{name}: replayed {count} message(s)")
    return 0


def cmd_purge(args) -> int:
    """Erase the personal data of ceremonies past their retention (or say what would go)."""
    from .db import Database

    for name, service in services().items():
        if service.purge is None:
            continue
        settings = load_settings(name)
        database = Database(settings.database_url, pool_size=1)
        try:
            lines = service.purge(settings, database, dry_run=args.dry_run)
        finally:
            database.dispose()
        for line in lines:
            print(f"{name}\t{line}")
        if not lines:
            print(f"{name}: nothing is past its retention")
    return 0


def cmd_demo(args) -> int:
    """Seed the reference ceremony into a running suite and print the links to open."""
    from .auth import Signer
    from .demo import seed_reference_ceremony

    signer = Signer(secret_for_cli())
    token = signer.issue_token("admin", ttl_hours=24)
    urls = dict(load_settings("registration").public_urls)
    if args.base_port:
        urls = {name: f"http://127.0.0.1:{args.base_port + i}" for i, name in enumerate(PORTS)}

    def door_token(ceremony_id: str) -> str:
        return signer.issue_token("staff", ceremony_id=ceremony_id, gate="Main Gate", ttl_hours=24)

    for line in seed_reference_ceremony(urls, token, door_token):
        print(line)
    print(f"Organiser token (24 h): {token}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The command's arguments."""
    parser = argparse.ArgumentParser(prog="ceremony", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run the embedded suite (three services and their workers)")
    run.add_argument("--host", default="127.0.0.1", help="address to listen on")
    run.add_argument(
        "--base-port", type=int, default=PORTS["registration"], help="first of three ports"
    )
    run.set_defaults(func=cmd_run)

    worker = sub.add_parser("worker", help="run one service's bus worker")
    worker.add_argument("service", choices=tuple(PORTS))
    worker.set_defaults(func=cmd_worker)

    db = sub.add_parser("db", help="databases")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    upgrade = db_sub.add_parser("upgrade", help="apply migrations")
    upgrade.add_argument("--service", choices=tuple(PORTS))
    upgrade.set_defaults(func=cmd_db_upgrade)

    dead = sub.add_parser("dead-letters", help="messages that could not be handled")
    dead.add_argument("action", choices=("list", "replay"))
    dead.add_argument("--service", choices=tuple(PORTS))
    dead.add_argument("--id", help="replay only the message with this id")
    dead.set_defaults(func=cmd_dead_letters)

    purge = sub.add_parser("purge", help="erase personal data of ceremonies past their retention")
    purge.add_argument("--dry-run", action="store_true", help="only say what would be erased")
    purge.set_defaults(func=cmd_purge)

    demo = sub.add_parser("demo", help="seed the reference ceremony into a running suite")
    demo.add_argument("--base-port", type=int, help="the base port given to `ceremony run`")
    demo.set_defaults(func=cmd_demo)

    for service in services().values():
        if service.add_commands is not None:
            service.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``ceremony`` console script."""
    args = build_parser().parse_args(argv)
    try:
        settings = load_settings("registration")
        configure_logging(fmt=settings.log_format, level=settings.log_level)
        return args.func(args)
    except ConfigurationError as exc:
        print(f"ceremony: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
