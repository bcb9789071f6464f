"""An ingest killed midway (SIGKILL, in a separate process) leaves an index that opens, with
every earlier article answerable and nothing half-written; a later ingest completes it.

The articles come from the loopback web server, fetched one by one as ``newsbot ingest URL...``
does. The settings make each large article a store write of its own (a batch of at least 64
chunks: one sentence per chunk), so the killed process commits several writes first. Then the
process blocks on a page that never answers, right after fetching a small article that waits in
the next, unwritten batch, and is killed there: that small article must be lost whole, every
written one kept whole.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from bot.commands.ingest import ingest as ingest_command
from bot.config.settings import Settings
from bot.factory import index_dir
from bot.policies import ingest_options
from index.chunking import chunk_article, split_sentences
from index.clauses import piece_key
from index.ingest import embedding_text
from index.store import schema
from index.types import Article
from tests.components import opened
from tests.index.fakes import FakeEmbedder
from tests.web_server import Route, WebServer

REPO = Path(__file__).resolve().parents[2]

TOWNS = (
    "Ashby",
    "Brenton",
    "Caldwick",
    "Dunmore",
    "Elsworth",
    "Farleigh",
    "Glenrock",
    "Harwich",
    "Ivybridge",
    "Jarrow",
    "Kelso",
    "Linton",
)
EARLIER = range(3)  # indexed by an ingest that completes
WRITTEN = range(3, 7)  # large: each one a store write of the killed ingest
PENDING = 7  # small: fetched by the killed ingest, still waiting in an unwritten batch
HANGING = 8  # never answers while the killed ingest runs
ALL = range(len(TOWNS))
WAIT_S = 60.0

_ADJECTIVES = ("quiet", "busy", "old", "new", "narrow", "wide", "green", "stone")
_NOUNS = ("bridge", "market", "library", "school", "harbour", "station", "park", "chapel", "mill")

# The killed ingest: the settings come from the environment, as for ``newsbot ingest`` (not
# from a .env file in the repository, its working directory).
_CHILD = """
import sys
from bot.commands.ingest import ingest as ingest_command
from bot.config.settings import Settings
from tests.index.fakes import FakeEmbedder

sys.exit(ingest_command(Settings(_env_file=None), sys.argv[1:], embedder=FakeEmbedder()))
"""


def path_of(i: int) -> str:
    return f"/news/{i}.html"


def question(i: int) -> str:
    return f"How many flooded homes did {TOWNS[i]} report?"


def fact(i: int) -> str:
    return f"{100 + i} flooded homes"


def page(i: int) -> bytes:
    """A news page whose one fact is article ``i``'s count of flooded homes."""
    town = TOWNS[i]
    filler = [
        f"Residents said the {adjective} {noun} in {town} stayed open while volunteers "
        "handed out blankets."
        for noun in _NOUNS
        for adjective in _ADJECTIVES
    ]
    paragraphs = [
        f"The town of {town} reported {fact(i)} on Monday after the river burst its banks.",
        *(filler[:3] if i == PENDING else filler),
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    day = dt.date(2025, 2, 1) + dt.timedelta(days=i)
    return (
        f"<html><head><title>{town} counts the damage</title>"
        f'<meta name="date" content="{day.isoformat()}"></head>'
        f"<body><article><h1>{town} counts the damage</h1>{body}</article></body></html>"
    ).encode()


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings from the environment (which the killed process inherits): one sentence per
    chunk and 64-chunk batches, loopback pages with no politeness delay, a fetch timeout
    longer than the test."""
    env = {
        "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
        "NEWSBOT_CHUNKING__MAX_CHARS": "100",
        "NEWSBOT_EMBEDDING__BATCH_SIZE": "1",
        "NEWSBOT_FETCH__ALLOW_PRIVATE": "true",
        "NEWSBOT_FETCH__PER_HOST_INTERVAL_S": "0",
        "NEWSBOT_FETCH__TIMEOUT_S": "300",
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return Settings()  # the working directory is an empty one (no .env): see conftest


def db_generation(settings: Settings) -> int:
    """The store's generation, read without opening the store (so nothing is written)."""
    db = index_dir(settings.data_dir, FakeEmbedder().name) / schema.DB_NAME
    with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
        return schema.read_generation(conn)


def assert_intact(settings: Settings, server: WebServer, present: range) -> None:
    """The index opens; exactly the articles ``present`` are stored, each one whole (its chunks
    as chunking its text gives them, each findable by its vector, and every sentence's vector
    cached) and answerable with a quote of its own fact; a question about any other declines."""
    embedder = FakeEmbedder()
    c = settings.chunking
    with opened(settings, FakeEmbedder()) as components:
        store = components.store
        by_origin = {info.origin: info for info in store.articles()}
        assert sorted(by_origin) == sorted(server.url(path_of(i)) for i in present)
        articles: dict[int, Article] = {}
        for i in present:
            info = by_origin[server.url(path_of(i))]
            article = store.get_article(info.id)
            assert article.title == f"{TOWNS[i]} counts the damage"
            expected = chunk_article(article, max_chars=c.max_chars, overlap=c.overlap_sentences)
            stored = sorted(
                (ch for ch in store.all_chunks() if ch.article_id == info.id),
                key=lambda ch: ch.ordinal,
            )
            assert info.chunks == len(expected) == len(stored)
            assert [(s.ordinal, s.start, s.end, s.text) for s in stored] == [
                (e.ordinal, e.start, e.end, e.text) for e in expected
            ]
            assert all(s.text == article.text[s.start : s.end] for s in stored)
            articles[i] = article
        chunks = store.all_chunks()
        assert len(store) == len(chunks) == sum(info.chunks for info in by_origin.values())
        for chunk in chunks:
            article = store.get_article(chunk.article_id)
            vector = embedder.embed([embedding_text(article, chunk)])[0]
            hits = store.search(vector, len(chunks))
            assert hits[0][1] > 0.999
            assert dict(hits)[chunk.key] >= hits[0][1] - 1e-5, chunk.key
        for article in articles.values():
            keys = [piece_key(article.id, s.start, s.end, 0) for s in split_sentences(article.text)]
            assert components.sentence_cache.get_many(keys).keys() == set(keys)

        for i in ALL:
            answer = components.answerer.answer(question(i))
            if i not in present:
                assert answer.declined, (i, answer)
                continue
            assert not answer.declined, (i, answer)
            quote = answer.quotes[0]
            assert quote.article_id == articles[i].id
            assert fact(i) in quote.text
            assert articles[i].text[quote.start : quote.end] == quote.text
            assert answer.answer is not None and str(100 + i) in answer.answer


def test_an_ingest_killed_midway_keeps_every_written_article(
    settings: Settings,
    web_server: WebServer,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert ingest_options(settings).batch_chunks == 64
    for i in ALL:
        web_server.routes[path_of(i)] = Route(body=page(i))
    web_server.hang(path_of(HANGING), seconds=600)  # answers when the server stops
    urls = [web_server.url(path_of(i)) for i in ALL]

    assert ingest_command(settings, urls[: len(EARLIER)], embedder=FakeEmbedder()) == 0
    assert capsys.readouterr().out.splitlines()[0] == "added 3, updated 0, skipped 0, failed 0"
    earlier = db_generation(settings)
    assert earlier == len(EARLIER)  # one write per large article

    log = tmp_path / "child.log"
    with log.open("wb") as out:
        child = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(_CHILD), *urls[len(EARLIER) :]],
            cwd=REPO,
            env=dict(os.environ),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WAIT_S
        while not web_server.requests_to(path_of(HANGING)):
            assert child.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        # The child's fetcher now waits for the hanging page, fetching ahead of the encoder:
        # once the encoder has written every large article, the small one fetched last sits
        # in a batch not written yet.
        while db_generation(settings) < earlier + len(WRITTEN):
            assert child.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.05)
        time.sleep(0.5)  # (time for a wrong extra write to show)
        assert db_generation(settings) == earlier + len(WRITTEN)
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait(timeout=WAIT_S) == -signal.SIGKILL
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=WAIT_S)
    assert all(len(web_server.requests_to(path_of(i))) == 1 for i in range(HANGING + 1))
    assert not any(web_server.requests_to(path_of(i)) for i in ALL if i > HANGING)

    with caplog.at_level(logging.WARNING):
        assert_intact(settings, web_server, range(PENDING))
    assert not any("rebuilding" in r.getMessage() for r in caplog.records), caplog.text
    assert db_generation(settings) == earlier + len(WRITTEN)

    # The same ingest again, with the page that hung now answering, completes the index.
    web_server.routes[path_of(HANGING)] = Route(body=page(HANGING))
    assert ingest_command(settings, urls, embedder=FakeEmbedder()) == 0
    assert capsys.readouterr().out.splitlines()[0] == "added 5, updated 0, skipped 7, failed 0"
    assert_intact(settings, web_server, ALL)
