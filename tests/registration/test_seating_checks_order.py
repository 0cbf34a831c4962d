"""An over-full block names those it leaves out by protocol order, whatever order they came in."""

from __future__ import annotations

from services.registration.seating import Block, Guest
from services.registration.seating_checks import block_over_full
from tests.registration.test_seating import dignitaries, row


def test_the_guests_left_out_of_a_full_block_are_the_lowest_in_precedence():
    guests = [
        Guest("none", "Zoe", "dignitary"),
        Guest("g3", "Guest 3", "dignitary", precedence=3),
        Guest("g1", "Guest 1", "dignitary", precedence=1),
        Guest("bea", "Bea", "dignitary"),
        Guest("g2", "Guest 2", "dignitary", precedence=2),
    ]
    found = block_over_full(guests, [dignitaries(*row(1, 2))])
    assert found == [
        ("block_over_full", "Block Dignitaries has 2 seats for 5 guests.", ["g3", "bea", "none"])
    ]


def test_the_people_a_block_is_kept_for_come_before_its_category():
    kept = Block("Dignitaries", ("dignitary",), row(1, 1), people=("late",))
    guests = [
        Guest("g1", "Guest 1", "dignitary", precedence=1),
        Guest("late", "Late", "guest"),
    ]
    found = block_over_full(guests, [kept])
    assert found == [("block_over_full", "Block Dignitaries has 1 seats for 2 guests.", ["g1"])]


def test_a_block_with_room_gives_no_warning_whatever_the_order():
    guests = [Guest(f"g{p}", f"Guest {p}", "dignitary", precedence=p) for p in (3, 1, 2)]
    assert block_over_full(guests, [dignitaries(*row(1, 3))]) == []
