"""``ceremony apikey …``, ``ceremony device …`` and the older ``ceremony token issue``."""

from __future__ import annotations


def add_commands(sub) -> None:
    """Add ``apikey``, ``device`` and ``token`` to the command."""
