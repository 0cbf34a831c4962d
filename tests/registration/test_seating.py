"""The seating rules on small venues with known answers."""

from __future__ import annotations

from services.registration.seating import (
    Block,
    Guest,
    Seat,
    honour_order,
    propose_for_newcomers,
    seat_guests,
)


def row(number: int, seats: int, accessible: tuple[int, ...] = ()) -> tuple[Seat, ...]:
    return tuple(
        Seat(f"R{number}S{n}", number, n, accessible=n in accessible) for n in range(1, seats + 1)
    )


def seats_of(plan) -> dict[str, str]:
    return {guest: placement.seat.id for guest, placement in plan.placements.items()}


def dignitaries(*seats: Seat) -> Block:
    return Block("Dignitaries", ("dignitary", "speaker"), seats)


def test_the_honour_order_is_the_middle_then_right_and_left_outward_then_the_next_row():
    order = [seat.id for seat in honour_order(row(1, 5) + row(2, 4))]
    # In the even second row the middle falls between seats 2 and 3: 3 (its right) first.
    assert order == [
        "R1S3",
        "R1S4",
        "R1S2",
        "R1S5",
        "R1S1",
        "R2S3",
        "R2S2",
        "R2S4",
        "R2S1",
    ]


def test_precedence_takes_the_seat_of_honour_then_alternates():
    guests = [Guest(f"g{p}", f"Guest {p}", "dignitary", precedence=p) for p in (4, 2, 1, 5, 3)]
    plan = seat_guests(guests, [dignitaries(*row(1, 5))])
    assert seats_of(plan) == {"g1": "R1S3", "g2": "R1S4", "g3": "R1S2", "g4": "R1S5", "g5": "R1S1"}
    assert plan.placements["g1"].reason == "precedence 1, block Dignitaries"


def test_a_delegation_sits_together_with_its_principal():
    guests = [
        Guest("head", "Amina Diallo", "dignitary", precedence=1),
        Guest("c1", "Moussa Diallo", "dignitary", precedence=1, delegation_of="head"),
        Guest("other", "Li Wei", "dignitary", precedence=2),
    ]
    plan = seat_guests(guests, [dignitaries(*row(1, 5))])
    assert seats_of(plan) == {"head": "R1S3", "c1": "R1S4", "other": "R1S2"}
    assert plan.placements["c1"].reason == "companion of Amina Diallo"


def test_a_guest_who_needs_it_gets_an_accessible_seat_and_others_leave_it_free():
    guests = [
        Guest("a", "Ana", "dignitary", precedence=1),
        Guest("b", "Ben", "dignitary", precedence=2, needs_accessible=True),
        Guest("c", "Cy", "dignitary", precedence=3),
    ]
    plan = seat_guests(guests, [dignitaries(*row(1, 3, accessible=(1,)))])
    assert seats_of(plan) == {"a": "R1S2", "b": "R1S1", "c": "R1S3"}
    assert "accessible seat" in plan.placements["b"].reason


def test_a_locked_seat_is_kept_and_the_rules_go_round_it():
    guests = [
        Guest("late", "Late Minister", "dignitary", precedence=1),
        Guest("told", "Told Guest", "dignitary", precedence=9, locked_seat="R1S2"),
    ]
    plan = seat_guests(guests, [dignitaries(*row(1, 3))])
    assert seats_of(plan) == {"told": "R1S2", "late": "R1S3"}
    assert plan.placements["told"].reason == "locked by protocol"


def test_a_late_acceptance_is_seated_without_moving_anyone_already_told():
    first = [Guest(f"g{p}", f"Guest {p}", "dignitary", precedence=p) for p in (2, 3)]
    told = seats_of(seat_guests(first, [dignitaries(*row(1, 5))]))
    again = [Guest(g.id, g.name, g.category, g.precedence, locked_seat=told[g.id]) for g in first]
    late = Guest("g1", "Guest 1", "dignitary", precedence=1)
    plan = seat_guests([*again, late], [dignitaries(*row(1, 5))])
    assert {g: plan.placements[g].seat.id for g in told} == told
    assert plan.placements["g1"].seat.id == "R1S2"  # the best seat still free


def test_categories_fill_their_own_blocks_and_a_full_block_says_so():
    blocks = [
        dignitaries(*row(1, 1)),
        Block("Participants", ("participant",), row(3, 2)),
    ]
    guests = [
        Guest("d1", "Dora", "dignitary", precedence=1),
        Guest("d2", "Dan", "dignitary", precedence=2),
        Guest("p1", "Pia", "participant"),
        Guest("x", "Xavier", "press"),
    ]
    plan = seat_guests(guests, blocks)
    assert seats_of(plan) == {"d1": "R1S1", "p1": "R3S2"}
    assert plan.unseated == {
        "d2": "block Dignitaries is full",
        "x": "no block for the category press",
    }


def test_the_same_guests_in_any_order_get_the_same_seats():
    guests = [Guest(f"g{n}", name, "guest") for n, name in enumerate(["Zoe", "Ana", "Élise", "Bo"])]
    block = [Block("Guests", ("guest",), row(1, 4))]
    forward, backward = seat_guests(guests, block), seat_guests(list(reversed(guests)), block)
    assert seats_of(forward) == seats_of(backward)
    # No precedence: by name, accents folded (Ana, Bo, Élise, Zoe).
    assert [forward.placements[g].seat.id for g in ("g1", "g3", "g2", "g0")] == [
        "R1S3",
        "R1S2",
        "R1S4",
        "R1S1",
    ]


def test_at_the_hosts_right_the_host_takes_the_centre_and_the_first_in_rank_their_right():
    guests = [
        Guest("host", "The Director General", "dignitary", precedence=5),
        *(Guest(f"g{p}", f"Guest {p}", "dignitary", precedence=p) for p in (1, 2, 3)),
    ]
    plan = seat_guests(guests, [dignitaries(*row(1, 5))], honour="host_right", host="host")
    assert seats_of(plan) == {"host": "R1S3", "g1": "R1S4", "g2": "R1S2", "g3": "R1S5"}
    assert plan.placements["host"].reason == "host, seat of honour, block Dignitaries"
    assert plan.placements["g1"].reason == "precedence 1, block Dignitaries"


def test_at_the_hosts_right_in_an_even_row_the_order_goes_outward_from_the_host():
    guests = [
        Guest("host", "Host", "dignitary"),
        *(Guest(f"g{p}", f"Guest {p}", "dignitary", precedence=p) for p in (1, 2, 3)),
    ]
    # Centre mode would give 3, 2, 4, 1; around the host in seat 3: 4 (their right), 2, 1.
    plan = seat_guests(guests, [dignitaries(*row(1, 4))], honour="host_right", host="host")
    assert seats_of(plan) == {"host": "R1S3", "g1": "R1S4", "g2": "R1S2", "g3": "R1S1"}


def test_the_hosts_right_without_the_host_among_the_guests_is_the_centre():
    guests = [Guest(f"g{p}", f"Guest {p}", "dignitary", precedence=p) for p in (1, 2)]
    plan = seat_guests(guests, [dignitaries(*row(1, 3))], honour="host_right", host="absent")
    assert seats_of(plan) == {"g1": "R1S2", "g2": "R1S3"}


def test_people_named_for_a_block_go_to_it_whatever_their_category():
    blocks = [
        Block("Family", (), row(1, 2), people=("mother",)),
        Block("Guests", ("guest",), row(2, 3)),
    ]
    guests = [
        Guest("mother", "Mother of the graduate", "guest"),
        Guest("other", "Other Guest", "guest"),
    ]
    plan = seat_guests(guests, blocks)
    assert seats_of(plan) == {"mother": "R1S2", "other": "R2S2"}
    assert plan.placements["mother"].reason == "named for block Family, no precedence, block Family"


def test_a_full_named_block_sends_its_people_to_their_categorys_block():
    blocks = [
        Block("Family", (), row(1, 1), people=("a", "b")),
        Block("Guests", ("guest",), row(2, 3)),
    ]
    guests = [Guest("a", "Ann", "guest"), Guest("b", "Bea", "guest")]
    plan = seat_guests(guests, blocks)
    assert seats_of(plan) == {"a": "R1S1", "b": "R2S2"}


def test_a_late_acceptance_gets_a_proposal_and_no_one_told_moves():
    blocks = [dignitaries(*row(1, 5))]
    told = {"g2": "R1S3", "g3": "R1S4"}
    guests = [
        Guest("g1", "Guest 1", "dignitary", precedence=1),
        Guest("g2", "Guest 2", "dignitary", precedence=2),
        Guest("g3", "Guest 3", "dignitary", precedence=3),
    ]
    plan = propose_for_newcomers(guests, blocks, told)
    # Only the newcomer is in the plan: the best seat still free, with its reason.
    assert seats_of(plan) == {"g1": "R1S2"}
    assert plan.placements["g1"].reason == "precedence 1, block Dignitaries"
    assert plan.unseated == {}


def test_a_late_companion_of_a_told_head_is_proposed_beside_them():
    blocks = [dignitaries(*row(1, 5))]
    guests = [
        Guest("head", "Amina Diallo", "dignitary", precedence=1),
        Guest("other", "Li Wei", "dignitary", precedence=2),
        Guest("c1", "Moussa Diallo", "dignitary", delegation_of="head"),
    ]
    plan = propose_for_newcomers(guests, blocks, {"head": "R1S3", "other": "R1S4"})
    assert seats_of(plan) == {"c1": "R1S2"}
    assert plan.placements["c1"].reason == "companion of Amina Diallo"


def test_a_late_acceptance_in_a_full_block_is_told_why_it_has_no_seat():
    blocks = [dignitaries(*row(1, 1))]
    guests = [Guest("told", "Told", "dignitary", 2), Guest("late", "Late", "dignitary", 1)]
    plan = propose_for_newcomers(guests, blocks, {"told": "R1S1"})
    assert plan.placements == {}
    assert plan.unseated == {"late": "block Dignitaries is full"}


def test_two_thousand_guests_fill_two_thousand_seats_without_a_gap():
    seats = tuple(s for r in range(1, 41) for s in row(r, 50, accessible=(1, 50)))
    guests = [Guest(f"g{n}", f"Guest {n:04}", "guest", precedence=n) for n in range(2000)]
    plan = seat_guests(guests, [Block("Hall", ("guest",), seats)])
    assert len(plan.placements) == 2000 and not plan.unseated
    assert len({p.seat.id for p in plan.placements.values()}) == 2000
    # Accessible seats go last to those who do not need them.
    assert plan.placements["g0"].seat.id == "R1S26"
    assert plan.placements["g1999"].seat.accessible


def test_a_head_of_delegation_takes_the_best_seat_of_a_row_with_room_for_the_companions():
    guests = [
        Guest("g1", "Guest 1", "dignitary", precedence=1),
        Guest("g2", "Guest 2", "dignitary", precedence=2),
        Guest("head", "Amina Diallo", "dignitary", precedence=3),
        Guest("c1", "Moussa Diallo", "dignitary", delegation_of="head"),
    ]
    plan = seat_guests(guests, [dignitaries(*row(1, 3), *row(2, 3))])
    # R1S1 is the best seat left, but no companion could sit beside it.
    assert seats_of(plan) == {"g1": "R1S2", "g2": "R1S3", "head": "R2S2", "c1": "R2S3"}


def test_a_companion_leaves_an_accessible_seat_to_those_who_need_it():
    guests = [
        Guest("head", "Amina Diallo", "dignitary", precedence=1),
        Guest("c1", "Moussa Diallo", "dignitary", delegation_of="head"),
    ]
    plan = seat_guests(guests, [dignitaries(*row(1, 3, accessible=(3,)))])
    assert seats_of(plan) == {"head": "R1S2", "c1": "R1S1"}
