"""One-line text for headers and calendar parameters; single valid addresses."""

import pytest

from services.notifications.compose.sanitising import email_address, single_line


@pytest.mark.parametrize(
    "raw",
    [
        "Eve\r\nBcc: x",
        "Eve\nBcc: x",
        "Eve\rBcc: x",
        "Eve\u2028Bcc: x",
        "Eve\x85Bcc: x",
        "Eve\x0bBcc: x",
    ],
)
def test_line_breaks_and_controls_become_one_space(raw):
    assert single_line(raw) == "Eve Bcc: x"


def test_bidirectional_overrides_are_removed():
    assert single_line("Eve\u202ekcab\u202c") == "Evekcab"


def test_none_is_empty():
    assert single_line(None) == ""


def test_valid_address_is_returned_bare():
    assert email_address("  amina@example.org ") == "amina@example.org"


@pytest.mark.parametrize(
    "raw", ["", "amina", "a@example.org, b@example.org", "a@example.org\r\nBcc: x@evil.example"]
)
def test_anything_but_one_address_is_refused(raw):
    with pytest.raises(ValueError):
        email_address(raw)
