"""The registration service's subcommands of ``ceremony``: accounts, API keys, door devices."""

from __future__ import annotations

from . import keys, users


def add_commands(sub) -> None:
    """Add ``user``, ``apikey``, ``device`` and the older ``token`` to the command."""
    users.add_commands(sub)
    keys.add_commands(sub)
