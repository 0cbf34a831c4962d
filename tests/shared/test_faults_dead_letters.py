"""``ceremony dead-letters list`` lists every dead letter, however unreadable its body."""

from __future__ import annotations

import pytest

from shared import topology
from shared.bus import ConfirmingPublisher, Outgoing, connect, declare_topology, dump_body
from shared.dead_letters import list_dead_letters
from shared.worker import REASON_HEADER
from tests.conftest import make_settings
from tests.shared.poison_cases import nested
from tests.shared.worker_cases import badge_event


@pytest.fixture
def settings(tmp_path):
    return make_settings("notifications", tmp_path / "var")


def bury(settings, *bodies: str) -> None:
    """Put messages on the service's dead queue, as the worker does."""
    with connect(settings) as connection:
        declare_topology(connection, settings)
        ConfirmingPublisher(connection).publish_batch(
            Outgoing(
                body=body,
                routing_key=settings.service,
                message_id=f"dead-{n}",
                exchange=topology.DEAD.name,
                headers={REASON_HEADER: f"reason {n}"},
            )
            for n, body in enumerate(bodies)
        )


def test_a_dead_letter_nested_thousands_of_levels_deep_is_listed_with_the_others(settings):
    bury(settings, dump_body(badge_event()), nested(5000), "not json", '{"type": ["x"]}')

    letters = list_dead_letters(settings)

    assert sorted((d.message_id, d.event_type, d.reason) for d in letters) == [
        ("dead-0", "badge.issued", "reason 0"),
        ("dead-1", "?", "reason 1"),
        ("dead-2", "?", "reason 2"),
        ("dead-3", "?", "reason 3"),
    ]


def test_listing_leaves_every_dead_letter_in_place(settings):
    bury(settings, nested(5000), dump_body(badge_event()))
    list_dead_letters(settings)

    assert len(list_dead_letters(settings)) == 2
