"""``ceremony user …``: accounts made from a terminal.

The first account of a suite is made here (``ceremony user create --email … --owner``): it
holds the suite-wide admin role and makes the others from the console or the API. Without
``--password-stdin`` the command prints a one-time link to set the password, on its last line;
it never prints a password.
"""

from __future__ import annotations

import sys

from sqlalchemy import inspect

from shared.audit import SYSTEM
from shared.auth import Signer
from shared.cli import secret_for_cli
from shared.config import load_settings
from shared.db import Database
from shared.errors import DomainError
from shared.links import PASSWORD_LINK_TTL_SECONDS, password_link

from ..teams import add_account

#: Who the audit trail says acted.
COMMAND = {**SYSTEM, "name": "ceremony user create"}


def add_commands(sub) -> None:
    """Add ``user`` to the command."""
    user = sub.add_parser("user", help="accounts of people who sign in")
    user_sub = user.add_subparsers(dest="user_command", required=True)
    create = user_sub.add_parser(
        "create", help="make an account and print a link to set its password"
    )
    create.add_argument("--email", required=True, help="the address the person signs in with")
    create.add_argument("--name", required=True, help="the name shown for the account")
    create.add_argument("--language", default="en", help="of its emails and pages (en, fr, zh…)")
    role = create.add_mutually_exclusive_group()
    role.add_argument(
        "--owner",
        action="store_true",
        help="the suite's owner: the suite-wide admin role (make the first account so)",
    )
    role.add_argument("--admin", action="store_true", help="the suite-wide admin role")
    create.add_argument(
        "--password-stdin",
        action="store_true",
        help="read the password from the first line of standard input (no link is printed)",
    )
    create.set_defaults(func=cmd_user_create)


def cmd_user_create(args) -> int:
    """Make an account; print its set-password link last unless a password came on stdin."""
    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            return _refuse("no password on standard input")
    settings = load_settings("registration")
    database = Database(settings.database_url, pool_size=1)
    try:
        if not inspect(database.engine).has_table("accounts"):
            return _refuse("the registration database is not migrated: run `ceremony db upgrade`")
        with database.transaction() as session:
            account = add_account(
                session,
                COMMAND,
                email=args.email,
                display_name=args.name,
                language=args.language,
                admin=args.owner or args.admin,
                password=password,
                notify=False,
            )
            account_id, email, link_at = account.id, account.email, account.password_link_at
            # The link is signed before the account is committed: a missing secret makes none.
            link = None if password is not None else _link(settings, account_id, link_at)
    except DomainError as exc:
        return _refuse(_described(exc))
    finally:
        database.dispose()
    role = " with the suite-wide admin role" if args.owner or args.admin else ""
    print(f"Account {email} created{role} (id {account_id}).")
    if link is not None:
        minutes = PASSWORD_LINK_TTL_SECONDS // 60
        print(f"Open this link within {minutes} minutes to set the password (it works once):")
        print(link)
    return 0


def _link(settings, account_id, link_at) -> str:
    return password_link(Signer(secret_for_cli()), settings.public_url, account_id, link_at)


#: The option that gave each field.
_OPTIONS = {"email": "--email", "display_name": "--name", "language": "--language"}


def _described(exc: DomainError) -> str:
    fields = "; ".join(
        f"{_OPTIONS.get(name, name)}: "
        + (" ".join(map(str, messages)) if isinstance(messages, list) else str(messages))
        for name, messages in (exc.errors or {}).items()
    )
    return f"{exc.message} ({fields})" if fields else exc.message


def _refuse(message: str) -> int:
    print(f"ceremony user create: {message}", file=sys.stderr)
    return 2
