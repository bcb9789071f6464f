"""Change notices: a worker's view follows another process's write without a question asking
first, and goes on doing so after the server restarts (``ChangeListener``)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import closing

import pytest

from index.lexical import LexicalIndex
from index.store.postgres import PostgresStore
from tests.index.conftest import DIM, ELECTION, FLOOD, MARKET, MODEL, make_item
from tests.index.fakes import FakeEmbedder
from tests.servers import PostgresServer

pytestmark = pytest.mark.postgres

#: A bound on waiting for what must happen (not a measure: it happens far sooner).
PATIENCE_S = 60.0


class View:
    """A worker's lexical view that a listener refreshes; what each refresh saw."""

    def __init__(self, store: PostgresStore) -> None:
        self.lexical = LexicalIndex(store)
        self.seen: list[int | None] = []
        self._changed = threading.Condition()

    def refresh(self) -> None:
        self.lexical.refresh()
        with self._changed:
            self.seen.append(self.lexical.generation)
            self._changed.notify_all()

    def wait_for(self, predicate: Callable[[], bool]) -> None:
        with self._changed:
            assert self._changed.wait_for(predicate, PATIENCE_S), self.seen


@pytest.fixture
def two(postgres_url: str) -> Iterator[tuple[PostgresStore, PostgresStore]]:
    """Two openings of one database, as two processes would hold."""
    with (
        closing(PostgresStore.open(postgres_url, MODEL, DIM)) as worker,
        closing(PostgresStore.open(postgres_url, MODEL, DIM)) as writer,
    ):
        yield worker, writer


def test_another_process_write_refreshes_the_view_before_any_question(
    two: tuple[PostgresStore, PostgresStore], embedder: FakeEmbedder
) -> None:
    worker, writer = two
    view = View(worker)
    with worker.listen(view.refresh) as listener:
        assert listener.listening.wait(PATIENCE_S)
        writer.upsert(*make_item(embedder, ELECTION))
        view.wait_for(lambda: view.lexical.generation == 1)

        for article in (FLOOD, MARKET):  # a burst: one refresh or a few, the last one current
            writer.upsert(*make_item(embedder, article))
        view.wait_for(lambda: view.seen[-1] == 3)

    assert 2 <= len(view.seen) <= 3
    assert [key for key, _ in view.lexical.search("rescue teams", 1)] == [f"{FLOOD.id}:1"]


def test_the_listener_hears_again_after_the_server_restarts(
    own_postgres: PostgresServer, embedder: FakeEmbedder
) -> None:
    url = own_postgres.create_database()
    with closing(PostgresStore.open(url, MODEL, DIM)) as worker:
        view = View(worker)
        with worker.listen(view.refresh) as listener:
            assert listener.listening.wait(PATIENCE_S)
            own_postgres.crash()
            own_postgres.start_again()
            with closing(PostgresStore.open(url, MODEL, DIM)) as writer:
                writer.upsert(*make_item(embedder, ELECTION))
            view.wait_for(lambda: view.lexical.generation == 1)
            assert listener.listening.wait(PATIENCE_S)
