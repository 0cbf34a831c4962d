"""What a seating chart warns of, on small venues with known answers."""

from __future__ import annotations

from services.registration.seating import Block, Guest
from services.registration.seating_checks import warnings
from tests.registration.test_seating import dignitaries, row


def kinds(found) -> list[tuple[str, list[str]]]:
    return [(kind, ids) for kind, _, ids in found]


def test_seats_by_the_rules_give_no_warning():
    guests = [Guest(f"g{p}", f"Guest {p}", "dignitary", precedence=p) for p in (1, 2, 3)]
    placements = {"g1": "R1S3", "g2": "R1S4", "g3": "R1S2"}
    assert warnings(guests, [dignitaries(*row(1, 5))], placements) == []


def test_a_lower_rank_in_a_better_seat_is_precedence_inverted():
    guests = [Guest(f"g{p}", f"Guest {p}", "dignitary", precedence=p) for p in (1, 2)]
    found = warnings(guests, [dignitaries(*row(1, 3))], {"g2": "R1S2", "g1": "R1S1"})
    assert kinds(found) == [("precedence_inverted", ["g2", "g1"])]
    assert found[0][1] == (
        "Guest 2 (precedence 2) sits before Guest 1 (precedence 1) in block Dignitaries."
    )


def test_the_host_and_companions_are_not_compared_by_rank():
    guests = [
        Guest("host", "Host", "dignitary", precedence=9),
        Guest("g1", "Guest 1", "dignitary", precedence=1),
        Guest("c", "Companion", "dignitary", precedence=8, delegation_of="g1"),
    ]
    placements = {"host": "R1S2", "g1": "R1S3", "c": "R1S1"}
    found = warnings(guests, [dignitaries(*row(1, 3))], placements, host="host")
    assert [kind for kind, _, _ in found] == ["delegation_split"]


def test_a_companion_in_another_row_or_not_beside_splits_the_delegation():
    guests = [
        Guest("head", "Amina Diallo", "dignitary", precedence=1),
        Guest("c1", "Karim Diallo", "dignitary", delegation_of="head"),
        Guest("other", "Li Wei", "dignitary", precedence=2),
    ]
    block = [dignitaries(*row(1, 5), *row(2, 5))]
    other_row = warnings(guests, block, {"head": "R1S3", "c1": "R2S3", "other": "R1S4"})
    assert ("delegation_split", ["head", "c1"]) in kinds(other_row)
    gap = warnings(guests, block, {"head": "R1S3", "c1": "R1S5", "other": "R1S2"})
    assert kinds(gap) == [("delegation_split", ["head", "c1"])]
    beside = warnings(guests, block, {"head": "R1S3", "c1": "R1S4", "other": "R1S2"})
    assert beside == []


def test_a_block_with_more_guests_than_seats_is_over_full():
    guests = [Guest(f"g{p}", f"Guest {p}", "dignitary", precedence=p) for p in (1, 2, 3)]
    found = warnings(guests, [dignitaries(*row(1, 2))], {"g1": "R1S2", "g2": "R1S1"})
    assert kinds(found) == [("block_over_full", ["g3"])]
    assert found[0][1] == "Block Dignitaries has 2 seats for 3 guests."


def test_named_people_count_for_their_block_not_their_categorys():
    blocks = [Block("Family", (), row(1, 1), people=("a",)), Block("Guests", ("guest",), row(2, 1))]
    guests = [Guest("a", "Ann", "guest"), Guest("b", "Bea", "guest")]
    assert warnings(guests, blocks, {"a": "R1S1", "b": "R2S1"}) == []
