"""``prefetched``: a producer thread ahead of its consumer, order and errors kept."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from index.prefetch import prefetched


def test_items_come_in_order() -> None:
    assert list(prefetched(iter(range(100)), ahead=3)) == list(range(100))


def test_the_producer_runs_in_another_thread() -> None:
    threads: list[str] = []

    def produce() -> Iterator[int]:
        threads.append(threading.current_thread().name)
        yield 1

    assert list(prefetched(produce())) == [1]
    assert threads == ["prefetch"]


def test_an_error_is_raised_at_its_place() -> None:
    def produce() -> Iterator[int]:
        yield 1
        raise ValueError("bad file")

    got: list[int] = []
    with pytest.raises(ValueError, match="bad file"):
        for item in prefetched(produce()):
            got.append(item)
    assert got == [1]


def test_a_consumer_that_stops_early_stops_the_producer() -> None:
    produced: list[int] = []

    def produce() -> Iterator[int]:
        for i in range(1000):
            produced.append(i)
            yield i

    items = prefetched(produce(), ahead=2)
    assert next(items) == 0
    items.close()
    assert len(produced) < 10
