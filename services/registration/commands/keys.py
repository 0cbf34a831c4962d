"""``ceremony apikey …``, ``ceremony device …`` and the older ``ceremony token issue``.

Each writes to the registration database, as the API does, and prints what it made on the last
line of its output (the key, or the enrolment link), so that a script can take it with
``tail -n 1``.
"""

from __future__ import annotations

import sys
import uuid
from collections.abc import Callable
from contextlib import contextmanager

import qrcode

from shared.audit import SYSTEM
from shared.auth import Signer
from shared.cli import secret_for_cli
from shared.config import load_settings
from shared.db import Database
from shared.errors import DomainError

from ..apikeys import (
    DEFAULT_DAYS,
    MAX_DAYS,
    create_api_key,
    key_request,
    key_status,
    list_api_keys,
    revoke_api_key,
)
from ..devices import create_device, enrolment_code, enrolment_url

#: Who the audit trail says acted, for what is done from a terminal.
COMMAND = {**SYSTEM, "name": "ceremony command"}
#: The older command's roles, and the role of the key each now makes.
TOKEN_ROLES = {"organiser": "organiser", "staff": "door"}
#: The option that sets each field a refusal may name.
OPTIONS = {"expires_in_days": "--days", "ceremony_id": "--ceremony", "id": "ID"}


def add_commands(sub) -> None:
    """Add ``apikey``, ``device`` and ``token`` to the command."""
    apikey = sub.add_parser("apikey", help="API keys for automation")
    apikey_sub = apikey.add_subparsers(dest="apikey_command", required=True)
    create = apikey_sub.add_parser("create", help="make an API key and print it")
    create.add_argument("--name", required=True, help="what the key is for")
    create.add_argument("--role", required=True, help="admin, owner, organiser, protocol, ...")
    create.add_argument("--ceremony", help="the one ceremony it acts on (default: suite-wide)")
    create.add_argument(
        "--days", type=int, default=DEFAULT_DAYS, help=f"days it lasts (at most {MAX_DAYS})"
    )
    create.set_defaults(func=cmd_apikey_create)
    listing = apikey_sub.add_parser("list", help="list API keys (never the keys themselves)")
    listing.add_argument("--ceremony", help="only this ceremony's keys")
    listing.set_defaults(func=cmd_apikey_list)
    revoke = apikey_sub.add_parser("revoke", help="revoke an API key everywhere")
    revoke.add_argument("id", help="the key's id (from `ceremony apikey list`)")
    revoke.set_defaults(func=cmd_apikey_revoke)

    device = sub.add_parser("device", help="door devices")
    device_sub = device.add_subparsers(dest="device_command", required=True)
    enrol = device_sub.add_parser("enrol", help="print a door device's enrolment link and QR code")
    enrol.add_argument("--ceremony", required=True, help="the ceremony's id")
    enrol.add_argument("--gate", required=True, help="the gate the device scans at")
    enrol.add_argument("--name", help="how the device is shown")
    enrol.set_defaults(func=cmd_device_enrol)

    token = sub.add_parser("token", help="bearer tokens (the older name of `apikey create`)")
    token_sub = token.add_subparsers(dest="token_command", required=True)
    issue = token_sub.add_parser("issue", help="make an API key (see `ceremony apikey create`)")
    issue.add_argument("--role", required=True, choices=tuple(TOKEN_ROLES))
    issue.add_argument("--ceremony", help="bind the key to one ceremony")
    issue.add_argument("--gate", help="the gate a staff key scans at")
    issue.add_argument("--ttl", type=float, default=12, help="hours the key lasts")
    issue.set_defaults(func=cmd_token_issue)


def cmd_apikey_create(args) -> int:
    """Make an API key; the key is the last line printed."""
    return _refusing(lambda: _make_key(args.name, args.role, args.ceremony, days=args.days))


def cmd_token_issue(args) -> int:
    """The older ``token issue``: an API key of the role's new name."""
    print(
        "ceremony: `token issue` is the old name of `apikey create`; it now makes an API key "
        "that `ceremony apikey list` shows and `ceremony apikey revoke` ends.",
        file=sys.stderr,
    )
    role = TOKEN_ROLES[args.role]
    # Named after its gate when that is a gate at all: a bad one is refused as the gate.
    shown = f" ({args.gate})" if args.gate and args.gate.isprintable() else ""
    name = f"{args.role} token{shown}"[:100]
    return _refusing(lambda: _make_key(name, role, args.ceremony, hours=args.ttl, gate=args.gate))


def cmd_apikey_list(args) -> int:
    """One line per key: id, name, role, ceremony, status, expiry."""

    def run() -> None:
        ceremony_id = _ceremony_id(args.ceremony) if args.ceremony else None
        with _database() as database, database.transaction() as session:
            rows = list_api_keys(session, ceremony_id)
            for row in rows:
                ceremony = str(row.ceremony_id) if row.ceremony_id else "suite-wide"
                print(
                    f"{row.id}\t{row.name}\t{row.role}\t{ceremony}\t{key_status(row)}\t"
                    f"expires {row.expires_at.isoformat(timespec='minutes')}"
                )
            if not rows:
                print("no API keys", file=sys.stderr)

    return _refusing(run)


def cmd_apikey_revoke(args) -> int:
    """Revoke a key in every service (through the bus)."""

    def run() -> None:
        key_id = _uuid(args.id, "id", "key")
        with _database() as database, database.transaction() as session:
            row = revoke_api_key(session, key_id, actor=COMMAND)
            print(f"revoked {row.id} ({row.name})")

    return _refusing(run)


def cmd_device_enrol(args) -> int:
    """Print a new device's enrolment QR code and, last, its link."""

    def run() -> None:
        signer = Signer(secret_for_cli())
        ceremony_id = _ceremony_id(args.ceremony)
        settings = load_settings("registration")
        with _database() as database, database.transaction() as session:
            device = create_device(session, ceremony_id, args.gate, args.name, actor=COMMAND)
            url = enrolment_url(settings.public_url, enrolment_code(signer, device))
            until = device.enrol_until.astimezone().strftime("%H:%M %Z")
        code = qrcode.QRCode(border=2)
        code.add_data(url)
        if sys.stdout.isatty():
            code.print_tty()
        else:
            # Light modules drawn, for the light-on-dark terminals most people use.
            code.print_ascii(invert=True)
        print(f"Device {device.name!r} at gate {device.gate!r}: open this link once, by {until}")
        print(url, flush=True)

    return _refusing(run)


def _make_key(
    name: str,
    role: str,
    ceremony: str | None,
    *,
    days: int | None = None,
    hours: float | None = None,
    gate: str | None = None,
) -> None:
    ceremony_id = _ceremony_id(ceremony) if ceremony else None
    request = key_request(name, role, ceremony_id, days=days, hours=hours, gate=gate)
    signer = Signer(secret_for_cli())
    with _database() as database, database.transaction() as session:
        row, key = create_api_key(session, signer, request, actor=COMMAND)
        scope = f"ceremony {row.ceremony_id}" if row.ceremony_id else "the whole suite"
        print(f"API key {row.id} ({row.name}): {row.role} on {scope}, until {row.expires_at}")
    print(key, flush=True)


@contextmanager
def _database():
    database = Database(load_settings("registration").database_url, pool_size=1)
    try:
        yield database
    finally:
        database.dispose()


def _refusing(run: Callable[[], None]) -> int:
    """Run a command; a refusal is printed with the fields at fault, and exits with 2."""
    try:
        run()
    except DomainError as refusal:
        print(f"ceremony: {refusal.message}", file=sys.stderr)
        for field, messages in (refusal.errors or {}).items():
            option = OPTIONS.get(field, f"--{field}")
            print(f"  {option}: {' '.join(map(str, messages))}", file=sys.stderr)
        return 2
    return 0


def _ceremony_id(text: str) -> uuid.UUID:
    return _uuid(text, "ceremony", "ceremony")


def _uuid(text: str, field: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(text)
    except ValueError:
        raise DomainError(
            "invalid_id",
            f"{text!r} is not the id of a {what}.",
            kind="invalid",
            errors={field: ["Must be a UUID."]},
        ) from None
