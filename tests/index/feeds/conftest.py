"""The feed registry fixtures: every registry test runs over SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.feeds.base import FeedRegistry
from index.feeds.registry import SqliteFeedRegistry, registry_path
from index.store.postgres_feeds import PostgresFeedRegistry

#: Opens one more registry over the same database, with the given interval and back-off.
Opener = Callable[..., FeedRegistry]


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Opener]:
    """Opens registries over one database of this test's own (each closed after the test)."""
    opened: list[FeedRegistry] = []
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else ""

    def open_one(**options: float) -> FeedRegistry:
        registry: FeedRegistry
        if url:
            registry = PostgresFeedRegistry.open(url, **options)
        else:
            registry = SqliteFeedRegistry(registry_path(tmp_path), **options)
        opened.append(registry)
        return registry

    yield open_one
    for registry in opened:
        registry.close()


@pytest.fixture
def registry(opener: Opener) -> FeedRegistry:
    return opener(default_interval_s=900, max_backoff_s=6 * 3600)
