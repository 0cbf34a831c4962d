"""The door page with a USB scanner: it types the code into the focused field, then Enter."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


@pytest.fixture
def code(ceremony):
    registration_id = ceremony.guest(
        "Ana Brandt", honorific="H.E.", organisation="Ministry of Culture", category="speaker"
    )
    return ceremony.code(registration_id)


def test_a_scan_admits_then_a_second_scan_is_already_admitted(door, ceremony, code):
    door.sign_in(ceremony.staff_token())
    assert door.focused_name() == "code"
    assert door.scan(code).result == "admitted"
    assert door.scan(code).result == "already_admitted"
