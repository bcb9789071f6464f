"""The two Store backends side by side: SQLite + FAISS against PostgreSQL + pgvector.

    python -m bench.store_backends --source DATA/indexes/MODEL [--url postgresql://...]
        [--batch 16] [--queries 300] [--questions EVAL.jsonl]

Reads the articles, chunks and stored vectors of an existing SQLite index (copied first, the
source stays untouched), so both backends get the same real embeddings without embedding
anything again. Then, for each backend: the time to write every article (``upsert_many`` in
batches, as an ingest does), dense search p50/p95 (queries: stored chunk vectors with a little
noise, as a question lies near its passage) and its recall@10 against exact search, and the
lexical side: bm25s over ``all_chunks`` (the default for both) and, for PostgreSQL, its
full-text search, with article titles as queries. Without ``--url`` a PostgreSQL server from
the ``pgserver`` wheel is started in a temporary directory. With ``--questions``, the hybrid
search (the question embedder, bm25s) answers each question over both stores, and the passages
found are compared.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from functools import partial
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench.postgres_server import postgres_database
from index.lexical import LexicalIndex
from index.store.base import Store
from index.store.postgres import PostgresStore
from index.store.schema import DB_NAME
from index.store.sqlite_faiss import FaissStore
from index.types import Article, Chunk

Item = tuple[Article, Sequence[Chunk], npt.NDArray[np.float32]]


def read_source(source: Path) -> tuple[str, int, list[Item]]:
    """Every article of the index in ``source`` with its chunks and stored vectors."""
    with tempfile.TemporaryDirectory() as scratch:
        shutil.copy(source / DB_NAME, scratch)
        conn = sqlite3.connect(Path(scratch) / DB_NAME)
        meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        conn.close()
        model, dim = str(meta["model_name"]), int(meta["dim"])
        with FaissStore(Path(scratch), model, dim) as store:
            items: list[Item] = []
            for info in reversed(store.articles()):
                chunks, vectors = store.article_vectors(info.id)
                items.append((store.get_article(info.id), chunks, vectors))
    return model, dim, items


def percentiles(samples_ms: list[float]) -> str:
    p50, p95 = np.percentile(samples_ms, [50, 95])
    return f"p50 {p50:6.2f} ms, p95 {p95:6.2f} ms"


def timed(calls: Sequence[Callable[[], object]]) -> list[float]:
    samples = []
    for call in calls:
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def measure(name: str, store: Store, items: list[Item], args: argparse.Namespace) -> None:
    start = time.perf_counter()
    for first in range(0, len(items), args.batch):
        store.upsert_many(items[first : first + args.batch])
    store.flush()
    took = time.perf_counter() - start
    chunks = sum(len(chunks) for _, chunks, _ in items)
    print(f"{name}: wrote {len(items)} articles, {chunks} chunks in {took:.2f} s")

    rng = np.random.default_rng(7)
    matrix = np.concatenate([vectors for _, _, vectors in items])
    keys = [chunk.key for _, item_chunks, _ in items for chunk in item_chunks]
    picks = rng.choice(len(matrix), size=min(args.queries, len(matrix)), replace=False)
    queries = matrix[picks] + 0.05 * rng.normal(size=(len(picks), matrix.shape[1]))
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)
    found = [store.search(query, 10) for query in queries]
    exact = np.argsort(-(queries @ matrix.T), axis=1)[:, :10]
    recall = np.mean(
        [
            len({key for key, _ in hits} & {keys[i] for i in row}) / 10
            for hits, row in zip(found, exact, strict=True)
        ]
    )
    samples = timed([partial(store.search, q, 30) for q in queries])
    print(f"  dense search k=30: {percentiles(samples)}; recall@10 {recall:.3f}")

    titles = [article.title for article, _, _ in items][: args.queries]
    bm25 = LexicalIndex(store)
    start = time.perf_counter()
    bm25.refresh()
    print(f"  bm25s build from the store: {time.perf_counter() - start:.2f} s")
    samples = timed([partial(bm25.search, t, 30) for t in titles])
    print(f"  bm25s search k=30: {percentiles(samples)}")
    if isinstance(store, PostgresStore):
        samples = timed([partial(store.lexical_search, t, 30) for t in titles])
        print(f"  PostgreSQL full-text search k=30: {percentiles(samples)}")
    stats = store.stats()
    print(f"  size: {stats.size_bytes / 2**20:.1f} MB")


def same_retrieval(stores: Sequence[Store], questions: Path, *, int8: bool) -> tuple[int, int, int]:
    """Ask each question of ``questions`` (JSON lines with ``q``) through the hybrid search
    (question embedder, default k, bm25s) over each store: how many questions get the same
    passages in the same order, and the same best passage, from every store."""
    from bot.config.index import EmbeddingSettings
    from bot.config.settings import Settings
    from bot.factory import configured_embedder
    from index.search import HybridSearcher

    embedder = configured_embedder(Settings(embedding=EmbeddingSettings(int8=int8)))
    searchers = [HybridSearcher(store, embedder, LexicalIndex(store)) for store in stores]
    asked = [json.loads(line)["q"] for line in questions.read_text().splitlines() if line]
    same = same_best = 0
    for question in asked:
        found = [[p.chunk.key for p in searcher.search(question)] for searcher in searchers]
        same += all(keys == found[0] for keys in found)
        same_best += all(keys[:1] == found[0][:1] for keys in found)
    return same, same_best, len(asked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, required=True, help="an index folder (SQLite)")
    parser.add_argument("--url", default="", help="an empty PostgreSQL database (with pgvector)")
    parser.add_argument("--batch", type=int, default=16, help="articles per write")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument(
        "--questions", type=Path, help="also compare the passages found for these questions"
    )
    args = parser.parse_args()
    model, dim, items = read_source(args.source)
    print(f"{len(items)} articles of {args.source} ({model}, dim {dim})")
    with (
        tempfile.TemporaryDirectory() as scratch,
        postgres_database(args.url, Path(scratch)) as url,
        FaissStore(Path(scratch) / "index", model, dim) as sqlite_store,
        closing(PostgresStore.open(url, model, dim)) as postgres_store,
    ):
        measure("SQLite + FAISS", sqlite_store, items, args)
        measure("PostgreSQL + pgvector", postgres_store, items, args)
        if args.questions:
            int8 = model.endswith("int8")
            same, best, asked = same_retrieval(
                [sqlite_store, postgres_store], args.questions, int8=int8
            )
            print(
                f"{args.questions.name}: the same passages in the same order for "
                f"{same}/{asked} questions, the same best passage for {best}/{asked}"
            )


if __name__ == "__main__":
    main()
