"""``ceremony user …``: accounts made from a terminal."""

from __future__ import annotations


def add_commands(sub) -> None:
    """Add ``user`` to the command."""
