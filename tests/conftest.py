"""Shared fixtures: the fake embedder, an in-memory store, the bundled sample article; and an
isolated environment for every test (no NEWSBOT_* variables, no .env, every logger restored)."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from index.ingest import IngestOptions, ingest_paths
from index.store.base import Store
from index.types import IngestReport
from tests.index.fakes import FakeEmbedder, MemoryStore
from tests.servers import own_postgres, postgres_server, postgres_url
from tests.web_server import WebServer

# The PostgreSQL fixtures, for every test.
__all__ = ["own_postgres", "postgres_server", "postgres_url"]

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


def clean_environ() -> dict[str, str]:
    """The process environment without newsbot's own settings (for subprocesses in tests)."""
    return {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}


# Unit tests answer with the feature-based stages (fast, and fixed by the fake embedder);
# tests marked ``trained`` get the shipped trained reranker and span reader, the defaults.
FALLBACK_MODELS = {"NEWSBOT_RERANK__KIND": "none", "NEWSBOT_READER__SPAN": "features"}


@pytest.fixture(autouse=True)
def isolated_settings(
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    """No test sees the developer's NEWSBOT_* variables or a .env file in the working
    directory."""
    for name in list(os.environ):
        if name.startswith("NEWSBOT_"):
            monkeypatch.delenv(name)
    if request.node.get_closest_marker("trained") is None:
        for name, value in FALLBACK_MODELS.items():
            monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


def _snapshot(logger: logging.Logger) -> Callable[[], None]:
    """A function that puts ``logger``'s level, handlers, filters and flags back as they are."""
    level, handlers, filters = logger.level, logger.handlers[:], logger.filters[:]
    propagate, disabled = logger.propagate, logger.disabled

    def restore() -> None:
        logger.setLevel(level)  # (setLevel, not ``level =``: it clears the loggers' caches)
        logger.handlers[:] = handlers
        logger.filters[:] = filters
        logger.propagate, logger.disabled = propagate, disabled

    return restore


def _loggers() -> dict[str, logging.Logger]:
    named = logging.root.manager.loggerDict.items()
    return {"": logging.root} | {
        name: logger for name, logger in named if isinstance(logger, logging.Logger)
    }


@pytest.fixture(autouse=True)
def restored_logging() -> Iterator[None]:
    """Every test starts with the loggers as they were before the tests: what a test (or the
    CLI's ``configure_logging``, run in-process) changes on any logger, the root included
    (level, handlers, filters, propagation, disabled), and ``logging.disable``, is undone after
    it. Loggers first made during the test go back to NOTSET; the handlers a library adds to
    its own logger on import stay, as the library stays imported."""
    restore = {name: _snapshot(logger) for name, logger in _loggers().items()}
    disabled = logging.root.manager.disable
    yield
    logging.disable(disabled)
    for name, logger in _loggers().items():
        if name in restore:
            restore[name]()
        else:
            logger.setLevel(logging.NOTSET)


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


@pytest.fixture
def web_server() -> Iterator[WebServer]:
    """A running loopback HTTP server with an empty route table (see ``tests/web_server.py``)."""
    with WebServer() as server:
        yield server
