"""Shared fixtures: the fake embedder, an in-memory store, the bundled sample article."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from index.embedding.fake import FakeEmbedder
from index.ingest import IngestOptions, ingest_paths
from index.store.base import Store
from index.store.memory import MemoryStore
from index.types import IngestReport

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_ARTICLE = REPO_ROOT / "bot" / "corpus" / "2025-02-04-izyum.txt"
QUIET = IngestOptions(progress=False)


def ingest_into(
    store: Store,
    embedder: FakeEmbedder,
    paths: Sequence[Path],
    options: IngestOptions = QUIET,
) -> IngestReport:
    """Ingest ``paths`` into ``store`` with no progress bar."""
    return ingest_paths(list(paths), store=store, embedder=embedder, options=options)


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def memory_store(fake_embedder: FakeEmbedder) -> MemoryStore:
    return MemoryStore(fake_embedder.name, fake_embedder.dim)


@pytest.fixture
def sample_path() -> Path:
    """The bundled founding sample (``bot/corpus/2025-02-04-izyum.txt``)."""
    return SAMPLE_ARTICLE


@pytest.fixture
def sample_store(memory_store: MemoryStore, fake_embedder: FakeEmbedder) -> MemoryStore:
    """A memory store holding the bundled sample article."""
    report = ingest_into(memory_store, fake_embedder, [SAMPLE_ARTICLE])
    assert report.added == [str(SAMPLE_ARTICLE)]
    return memory_store
