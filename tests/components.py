"""newsbot's components opened for a test and closed after it (store and sentence cache)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from bot.config.settings import Settings
from bot.factory import Components, build_components
from index.embedding.base import Embedder


@contextmanager
def opened(settings: Settings, embedder: Embedder | None = None) -> Iterator[Components]:
    """The components ``settings`` give (with ``embedder``, default the configured one)."""
    components = build_components(settings, embedder=embedder)
    try:
        yield components
    finally:
        components.store.close()
        components.sentence_cache.close()
