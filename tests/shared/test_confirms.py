"""Publisher confirms bookkeeping: out of order, single and multiple, all counted."""

from __future__ import annotations

import pytest

from shared.bus import Confirms


def confirmed_through(*acks: tuple[int, bool]) -> int:
    confirms = Confirms()
    for tag, multiple in acks:
        confirms.add(tag, multiple)
    return confirms.through


@pytest.mark.parametrize(
    ("acks", "through"),
    [
        ([(1, False), (2, False), (3, False)], 3),
        ([(3, True)], 3),
        # A later tag confirmed alone before a "multiple" that covers the earlier ones.
        ([(3, False), (2, True)], 3),
        ([(2, False), (3, False), (1, False)], 3),
        ([(2, False), (4, False)], 0),
        ([(2, False), (4, False), (1, False)], 2),
        ([(5, True), (3, False)], 5),
    ],
)
def test_every_tag_confirmed_in_any_order_counts(acks, through):
    assert confirmed_through(*acks) == through
