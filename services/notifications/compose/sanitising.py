"""Make user-supplied text safe for one-line fields: email headers and calendar parameters."""

import re
import unicodedata
from email.errors import HeaderParseError
from email.headerregistry import Address

_WHITESPACE_RUN = re.compile(r"\s+")
# Bidirectional embeddings, overrides and isolates can make a header display reordered text.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _is_line_breaking(char: str) -> bool:
    # Cc holds CR, LF, NEL, TAB and the other C0/C1 controls; Zl/Zp are U+2028/U+2029,
    # which some mail clients also treat as line breaks.
    return unicodedata.category(char) in ("Cc", "Zl", "Zp")


def single_line(value: object) -> str:
    """Return `value` as one line: controls and line separators become spaces, runs collapse."""
    text = _BIDI_CONTROLS.sub("", "" if value is None else str(value))
    cleaned = "".join(" " if _is_line_breaking(char) else char for char in text)
    return _WHITESPACE_RUN.sub(" ", cleaned).strip()


def email_address(value: str) -> str:
    """Return `value` as a bare addr-spec, or raise ValueError if it is not exactly one address."""
    candidate = (value or "").strip()
    if not candidate:
        raise ValueError("email address is empty")
    try:
        return Address(addr_spec=candidate).addr_spec
    except (ValueError, IndexError, HeaderParseError) as exc:
        # The email package signals a bad address with several exception types.
        raise ValueError(f"not a valid email address: {candidate!r}") from exc
