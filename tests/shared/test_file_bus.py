"""The file bus's bindings when several processes declare them at once (the embedded run).

The web process, the worker and the outbox relay of a service all declare the same exchanges
and queues when they start; on the file bus each binding is a row in one file per exchange.
"""

from __future__ import annotations

import multiprocessing

from kombu import Exchange, Queue

from shared import bus
from tests.conftest import make_settings

EXCHANGE = Exchange("ceremony.events", type="topic", durable=True)
ROUNDS = 40


def _exchange(turn: int) -> Exchange:
    # a new exchange each round: the file is created while the others bind to it too
    return Exchange(f"ceremony.test{turn}", type="topic", durable=True)


def _bind_and_read(settings, name: str, start, errors) -> None:
    try:
        with bus.connect(settings) as connection:
            channel = connection.default_channel
            start.wait(10)
            for turn in range(ROUNDS):
                exchange = _exchange(turn)
                Queue(name, exchange, routing_key=f"{name}.#").declare(channel=channel)
                channel.get_table(exchange.name)
    except Exception as exc:  # noqa: BLE001 - reported to the test, which names it
        errors.put(f"{name}: {exc!r}")


def test_processes_binding_at_once_all_keep_their_bindings_and_read_no_half_file(tmp_path):
    settings = make_settings("badges", tmp_path / "var")
    context = multiprocessing.get_context("fork")
    errors, start = context.Queue(), context.Event()
    workers = [
        context.Process(target=_bind_and_read, args=(settings, f"q{n}", start, errors))
        for n in range(4)
    ]
    for worker in workers:
        worker.start()
    start.set()
    for worker in workers:
        worker.join(timeout=60)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    reported = []
    while not errors.empty():
        reported.append(errors.get())
    assert reported == []
    with bus.connect(settings) as connection:
        channel = connection.default_channel
        tables = {
            turn: sorted(row.queue for row in channel.get_table(_exchange(turn).name))
            for turn in range(ROUNDS)
        }
    assert tables == {turn: ["q0", "q1", "q2", "q3"] for turn in range(ROUNDS)}


def test_an_exchange_file_left_empty_reads_as_no_bindings_and_is_written_again(tmp_path):
    settings = make_settings("badges", tmp_path / "var")
    with bus.connect(settings) as connection:
        channel = connection.default_channel
        (tmp_path / "var" / "bus" / "control" / f"{EXCHANGE.name}.exchange").write_text("")
        assert channel.get_table(EXCHANGE.name) == []
        Queue("late", EXCHANGE, routing_key="late.#").declare(channel=channel)
        assert [row.queue for row in channel.get_table(EXCHANGE.name)] == ["late"]
