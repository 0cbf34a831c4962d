"""The one error type that domain rules raise."""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A rule refused an action; ``code`` is stable and meant for programs.

    ``kind`` says what sort of refusal it is (``not_found``, ``conflict``, ``invalid``,
    ``forbidden``); the web layer maps kinds to HTTP statuses in one place.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        kind: str = "conflict",
        errors: Mapping[str, object] | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.message = message
        self.kind = kind
        self.errors = dict(errors) if errors else None


def not_found(what: str, ident: object) -> DomainError:
    """The error for an unknown ``what`` with id ``ident``."""
    return DomainError(f"{what}_not_found", f"No {what} with id {ident}.", kind="not_found")
