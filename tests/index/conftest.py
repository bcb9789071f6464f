"""Shared helpers for the index tests: tiny articles, a paragraph chunker, store fixtures."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from index.store.base import Store
from index.store.postgres import PostgresStore
from index.store.sqlite_faiss import FaissStore
from index.types import Article, Chunk, Span
from tests.index.fakes import FakeEmbedder, MemoryStore

DIM = 32
MODEL = "fake-embedder"
_PARAGRAPH = re.compile(r"[^\n]+(?:\n(?!\n)[^\n]+)*")
_SENTENCE = re.compile(r"[^.!?\s][^.!?]*[.!?]?")

AnyStore = FaissStore | MemoryStore | PostgresStore
Item = tuple[Article, list[Chunk], npt.NDArray[np.float32]]


def make_article(
    text: str,
    *,
    title: str = "A title",
    date: dt.date | None = None,
    origin: str = "",
    source: str | None = "Test Wire",
) -> Article:
    """An article whose id is the hash of its header fields and body."""
    header = f"{title}|{date}|{source}|{origin}"
    digest = hashlib.sha256(f"{header}\n{text}".encode()).hexdigest()[:32]
    return Article(id=digest, text=text, title=title, date=date, source=source, origin=origin)


def paragraph_chunks(article: Article) -> list[Chunk]:
    """One chunk per paragraph, with sentence spans (a stand-in for the real chunker)."""
    chunks = []
    for ordinal, para in enumerate(_PARAGRAPH.finditer(article.text)):
        sentences = tuple(
            Span(para.start() + m.start(), para.start() + m.start() + len(m.group().rstrip()))
            for m in _SENTENCE.finditer(para.group())
        )
        chunks.append(
            Chunk(
                article_id=article.id,
                ordinal=ordinal,
                start=para.start(),
                end=para.end(),
                text=para.group(),
                sentences=sentences,
            )
        )
    return chunks


def make_item(embedder: FakeEmbedder, article: Article) -> Item:
    """``(article, chunks, vectors)`` ready for ``Store.upsert``."""
    chunks = paragraph_chunks(article)
    return article, chunks, embedder.embed([chunk.text for chunk in chunks])


def open_faiss(
    path: Path, dim: int = DIM, model: str = MODEL, *, save_interval_s: float = 30.0
) -> FaissStore:
    return FaissStore(path, model, dim, save_interval_s=save_interval_s)


ELECTION = make_article(
    "Voters in Freedonia went to the polls on Sunday.\n\n"
    "The election commission said turnout reached a record high. Results are due Monday.",
    title="Freedonia votes",
    date=dt.date(2024, 5, 12),
    origin="/corpus/election.txt",
)
FLOOD = make_article(
    "Heavy rain flooded the river valley overnight.\n\n"
    "Rescue teams evacuated hundreds of residents from their homes.",
    title="Valley floods",
    date=dt.date(2024, 6, 1),
    origin="/corpus/flood.txt",
)
MARKET = make_article(
    "Stock markets fell sharply after the central bank raised interest rates.\n\n"
    "Analysts expect inflation to slow later this year.",
    title="Markets fall",
    date=None,
    origin="https://example.org/markets",
)


SAMPLES = (ELECTION, FLOOD, MARKET)


def add_samples(store: Store, embedder: FakeEmbedder) -> None:
    """The three sample articles, stored in one write."""
    store.upsert_many([make_item(embedder, article) for article in SAMPLES])


def while_reading(read: Callable[[], None], write: Callable[[], None]) -> list[BaseException]:
    """Run ``write`` while three threads call ``read`` over and over; what the readers raised
    (a failed assertion included)."""
    errors: list[BaseException] = []
    done = threading.Event()

    def loop() -> None:
        try:
            while not done.is_set():
                read()
        except BaseException as e:  # surfaced in the calling thread
            errors.append(e)

    readers = [threading.Thread(target=loop) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        write()
    finally:
        done.set()
        for reader in readers:
            reader.join()
    return errors


@pytest.fixture
def embedder() -> FakeEmbedder:
    return FakeEmbedder(dim=DIM, name=MODEL)


@pytest.fixture(params=["faiss", "memory", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[AnyStore]:
    """Each contract test runs against every implementation."""
    backend: AnyStore
    if request.param == "postgres":
        backend = PostgresStore.open(request.getfixturevalue("postgres_url"), MODEL, DIM)
    else:
        backend = (
            open_faiss(tmp_path / "index") if request.param == "faiss" else MemoryStore(MODEL, DIM)
        )
    yield backend
    backend.close()


@pytest.fixture
def filled(store: AnyStore, embedder: FakeEmbedder) -> AnyStore:
    """``store`` (each implementation) holding the three sample articles."""
    add_samples(store, embedder)
    return store
