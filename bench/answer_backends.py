"""Whole answers from both stores in one run: the BBC corpus in SQLite + FAISS and in PostgreSQL.

    python -m bench.answer_backends [--data-dir data] [--bbc ../shared/eval/bbc/articles]
        [--questions ../shared/eval/bbc_dev.jsonl] [--titles 70] [--rounds 3]
        [--url postgresql://...]

The BBC index of the eval cache (``DATA_DIR/eval-cache/<key>``, as ``newsbot eval --corpus``
and ``bench.latency`` build it; built here when missing) is copied for the SQLite + FAISS
store, and its articles, chunks and stored vectors are written into an empty PostgreSQL
database (``bench.store_backends.read_source``: nothing is embedded twice). Each store gets
its own copy of the sentence-vector cache as ingest left it (for PostgreSQL written through
its components' cache, wherever that store keeps them), so the first round of questions is
first-time for both. Then the answerer is built for each store as the CLI builds it
(``bot.factory.build_components``, the default settings but ``store.url``) and warmed, and the
same questions are asked of both, interleaved (which store goes first alternates question by
question): the bbc_dev questions and the titles of ``--titles`` BBC articles (a fixed draw) as
further questions. Prints answer latency p50/p95 per store, first-time and repeated, the
median of each answering stage, and how many questions got the same reply (short answer,
quotes, further passages, closest articles) from both stores. Without ``--url`` a PostgreSQL
server from the ``pgserver`` wheel is started in a temporary directory. Asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from pydantic import SecretStr

from answering.types import Answer
from bench.postgres_server import postgres_database
from bench.store_backends import read_source
from bot.commands.evaluate import corpus_key
from bot.config.settings import Settings
from bot.config.store import StoreSettings
from bot.factory import Components, build_components, configured_embedder, index_dir, ingest
from evaluation.runner import load_items
from evaluation.stats import latency_figures, percentile
from index.embedding.base import Embedder
from index.store.postgres import PostgresStore

SNAPSHOT = "sentences-after-ingest.sqlite"  # the sentence cache as ingest left it (eval_table)


@dataclass
class Backend:
    """One store's answerer and what its answers took."""

    name: str
    components: Components
    first_ms: list[float] = field(default_factory=list)
    repeated_ms: list[float] = field(default_factory=list)
    stages: dict[str, list[float]] = field(default_factory=dict)
    replies: list[tuple[object, ...]] = field(default_factory=list)


PARTS = ("short answer", "quotes", "more passages", "closest articles", "flags")


def reply_of(answer: Answer) -> tuple[object, ...]:
    """What a reader sees of an answer (its scores and timings left out), by ``PARTS``."""
    return (
        answer.answer,
        [quote.as_json() for quote in answer.quotes],
        [quote.as_json() for quote in answer.more],
        [ref.article_id for ref in answer.closest],
        (answer.excerpt_only, answer.disagree, answer.timeline, answer.notice),
    )


def cached_index(settings: Settings, embedder: Embedder, corpus: Path) -> tuple[Path, list[str]]:
    """The eval cache's data directory for ``corpus`` (indexed first when empty) and the
    titles of its articles, by article id."""
    root = settings.data_dir / "eval-cache" / corpus_key(corpus, settings, embedder.name)
    components = build_components(settings, embedder=embedder, data_dir=root)
    try:
        if len(components.store) == 0:
            print(f"indexing {corpus} first (cached for later runs)...", flush=True)
            ingest(components, [corpus], progress=False)
        infos = sorted(components.store.articles(), key=lambda info: info.id)
    finally:
        components.store.close()
        components.sentence_cache.close()
    return root, [info.title for info in infos]


def copy_index(source: Path, model: str, scratch: Path) -> tuple[Path, Path, Path]:
    """Data directories for the two stores (the SQLite index copied whole, an empty one for
    PostgreSQL) and the sentence cache as ingest left it, where a snapshot says so."""
    sqlite_root, postgres_root = scratch / "sqlite", scratch / "postgres-data"
    shutil.copytree(index_dir(source, model), index_dir(sqlite_root, model))
    index_dir(postgres_root, model).mkdir(parents=True)
    cache = source / SNAPSHOT
    if not cache.exists():
        cache = index_dir(source, model) / "sentences.sqlite"
    for suffix in ("-wal", "-shm"):
        (index_dir(sqlite_root, model) / f"sentences.sqlite{suffix}").unlink(missing_ok=True)
    shutil.copyfile(cache, index_dir(sqlite_root, model) / "sentences.sqlite")
    return sqlite_root, postgres_root, cache


def fill_sentence_cache(components: Components, cache: Path) -> None:
    """Put every vector of the sentence cache file ``cache`` (read only) into the components'
    own: a file beside the index, or the PostgreSQL store's table where it keeps them."""
    with closing(sqlite3.connect(f"file:{cache}?mode=ro", uri=True)) as conn:
        rows = conn.execute("SELECT key, vector FROM vectors")
        while batch := rows.fetchmany(5000):
            components.sentence_cache.put_many(
                (str(key), np.frombuffer(blob, dtype=np.float32)) for key, blob in batch
            )


def copy_into_postgres(index_folder: Path, url: str, batch: int) -> None:
    """Write the articles, chunks and vectors of the SQLite index into PostgreSQL."""
    model, dim, items = read_source(index_folder)
    start = time.perf_counter()
    store = PostgresStore.open(url, model, dim)
    try:
        for first in range(0, len(items), batch):
            store.upsert_many(items[first : first + batch])
        chunks = len(store)
    finally:
        store.close()
    took = time.perf_counter() - start
    print(f"copied {len(items)} articles, {chunks} chunks into PostgreSQL in {took:.1f} s")


def ask_all(backends: Sequence[Backend], questions: Sequence[str], rounds: int) -> None:
    """Every question of every round of each backend, alternating which goes first."""
    for round_ in range(rounds):
        for i, question in enumerate(questions):
            order = backends if (i + round_) % 2 == 0 else list(reversed(backends))
            for backend in order:
                start = time.perf_counter()
                answer = backend.components.answerer.answer(question)
                took = (time.perf_counter() - start) * 1000
                if round_ > 0:
                    backend.repeated_ms.append(took)
                    continue
                backend.first_ms.append(took)
                backend.replies.append(reply_of(answer))
                for stage, ms in answer.timings.items():
                    backend.stages.setdefault(stage.removesuffix("_ms"), []).append(ms)


def report(backends: Sequence[Backend], sets: Sequence[tuple[str, Sequence[str]]]) -> str:
    """The table of latencies, and per question set how many got the same reply from every
    store (and where the others differ)."""
    lines = [
        "| store | first-time | repeated | stage medians (ms) |",
        "| --- | --- | --- | --- |",
    ]
    for b in backends:
        stages = ", ".join(f"{name} {percentile(v, 50):.1f}" for name, v in b.stages.items())
        repeated = latency_figures(b.repeated_ms) if b.repeated_ms else "-"
        lines.append(f"| {b.name} | {latency_figures(b.first_ms)} | {repeated} | {stages} |")
    start = 0
    for name, questions in sets:
        differ = []
        for i, question in enumerate(questions, start):
            parts = {
                part
                for b in backends[1:]
                for part, mine, theirs in zip(
                    PARTS, b.replies[i], backends[0].replies[i], strict=True
                )
                if mine != theirs
            }
            if parts:
                differ.append(f"  differs ({', '.join(sorted(parts))}): {question}")
        same = len(questions) - len(differ)
        lines.append(
            f"{name}: the same reply from both stores for {same}/{len(questions)} questions"
        )
        lines += differ
        start += len(questions)
    return "\n".join(lines)


def run(
    settings: Settings,
    embedder: Embedder,
    source: Path,
    questions: Sequence[tuple[str, Sequence[str]]],
    *,
    url: str = "",
    rounds: int = 3,
    batch: int = 64,
) -> list[Backend]:
    """Ask ``questions`` (named sets) of the index in ``source`` over both stores."""
    asked = [question for _, items in questions for question in items]
    with tempfile.TemporaryDirectory() as tmp, postgres_database(url, Path(tmp)) as database:
        sqlite_root, postgres_root, cache = copy_index(source, embedder.name, Path(tmp))
        copy_into_postgres(index_dir(sqlite_root, embedder.name), database, batch)
        on_postgres = settings.model_copy(update={"store": StoreSettings(url=SecretStr(database))})
        backends = [
            Backend(
                "SQLite + FAISS",
                build_components(settings, embedder=embedder, data_dir=sqlite_root),
            ),
            Backend(
                "PostgreSQL + pgvector",
                build_components(on_postgres, embedder=embedder, data_dir=postgres_root),
            ),
        ]
        try:
            fill_sentence_cache(backends[1].components, cache)
            for backend in backends:
                backend.components.answerer.warm()
            ask_all(backends, asked, rounds)
        finally:
            for backend in backends:
                backend.components.store.close()
                backend.components.sentence_cache.close()
    print(report(backends, questions))
    return backends


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bbc", type=Path, default=Path("../shared/eval/bbc/articles"))
    parser.add_argument("--questions", type=Path, default=Path("../shared/eval/bbc_dev.jsonl"))
    parser.add_argument("--titles", type=int, default=70, help="article titles asked as well")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--rounds", type=int, default=3, help="the first is first-time")
    parser.add_argument("--url", default="", help="an empty PostgreSQL database (with pgvector)")
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir)
    embedder = configured_embedder(settings)
    source, titles = cached_index(settings, embedder, args.bbc)
    picked = random.Random(0).sample(titles, min(args.titles, len(titles)))
    sets = [
        (args.questions.name, [item.question for item in load_items(args.questions)]),
        (f"{len(picked)} BBC article titles", picked),
    ]
    print(f"BBC index {source} ({embedder.name}); {args.rounds} rounds", flush=True)
    run(settings, embedder, source, sets, url=args.url, rounds=args.rounds)


if __name__ == "__main__":
    main()
