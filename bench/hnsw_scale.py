"""pgvector's HNSW index against the FAISS index of the SQLite store, at 1M synthetic chunks.

    python -m bench.hnsw_scale [--chunks 1000000] [--queries 200] [--ef-search 40 100 200]
        [--url postgresql://...] [--threads 1]

Synthetic unit vectors of the embedder's dimension (384), drawn around ``chunks / 500`` topic
centres (2,000 at a million) as real embeddings cluster (``bench.search_scale.synthetic``,
fixed seed), stand in for chunks: embedding a million real chunks takes about nine hours on
two cores. The queries are ``--queries`` further points of the same draw, held out of both
indexes, with a little noise, as a question lies near its passage but is none of them.

(a) FAISS: ``index.store.vector_index.build`` with the store's default policy (exact flat
index below 100k vectors, IVF-SQ8 above), as ``FaissStore`` builds it; its build time, the
serialised index's size and the process's resident growth.
(b) PostgreSQL + pgvector: a table of (id, vector(384)) loaded by binary ``COPY``, then the
HNSW index the store's schema creates (``vector_ip_ops``, pgvector's default m 16 and
ef_construction 64) built over the loaded table with ``maintenance_work_mem`` (default 4GB)
and one parallel maintenance worker; load and build times, the table's and the index's size.
The store itself inserts row by row into an existing index (``bench.store_backends``); a bulk
load builds once, which is how a large corpus would be moved in.

For each: recall@10 against exact inner-product search (FAISS ``IndexFlatIP``) and per-query
latency p50/p95, one query at a time (``--threads`` FAISS threads; one PostgreSQL backend over
a Unix socket), after one untimed pass over the queries. pgvector is measured at the store's
``hnsw.ef_search`` (100) and the other ``--ef-search`` values. Without ``--url`` a PostgreSQL
server from the ``pgserver`` wheel is started in a temporary directory. Prints a table;
asserts nothing.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import psycopg
from pgvector.psycopg import register_vector

from bench.postgres_server import postgres_database
from bench.search_scale import DIM, exact_top, recall, rss_mb, synthetic
from evaluation.stats import percentile
from index.store import vector_index
from index.store.rows import HNSW_EF_SEARCH as STORE_EF_SEARCH
from index.store.vector_index import VectorIndexPolicy

Matrix = npt.NDArray[np.float32]
Ids = npt.NDArray[np.int64]
K = 10
NOISE = 0.5  # the queries' noise, relative to a unit vector (as bench.search_scale's)


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the table: an index at one setting."""

    index: str
    build: str
    memory: str
    p50_ms: float
    p95_ms: float
    recall: float


def held_out(n: int, queries: int, seed: int) -> tuple[Matrix, Matrix]:
    """``n`` indexed vectors and ``queries`` noisy held-out points of the same draw."""
    every = synthetic(n + queries, topics=max(50, n // 500), spread=0.6, seed=seed)
    data, rest = every[:n], every[n:]
    rng = np.random.default_rng(seed + 1)
    noisy = rest + NOISE * rng.normal(size=rest.shape).astype(np.float32) / np.sqrt(DIM)
    unit = (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(np.float32)
    return data, unit


def timed(search: Callable[[Matrix], Sequence[int]], queries: Matrix) -> tuple[Ids, list[float]]:
    """(the ids found per query, the milliseconds per query) after one untimed pass."""
    for query in queries:
        search(query)
    found, times = [], []
    for query in queries:
        start = time.perf_counter()
        found.append(list(search(query)))
        times.append((time.perf_counter() - start) * 1000)
    return np.array(found, dtype=np.int64), times


def faiss_row(data: Matrix, queries: Matrix, truth: Ids, threads: int) -> Row:
    import faiss

    policy = VectorIndexPolicy()
    gc.collect()
    before = rss_mb()
    start = time.perf_counter()
    index = vector_index.build(DIM, data, np.arange(len(data), dtype=np.int64), policy)
    took = time.perf_counter() - start
    grown = rss_mb() - before
    stored = faiss.serialize_index(index).nbytes / 2**20
    kind, nlist = vector_index.plan(len(data), policy)
    name = f"FAISS IVF{nlist},SQ8 nprobe {policy.nprobe}" if kind == "ivf" else "FAISS flat"
    faiss.omp_set_num_threads(threads)
    found, times = timed(lambda q: index.search(q[None, :], K)[1][0], queries)
    return Row(
        f"{name} (SQLite store)",
        f"{took:.1f} s",
        f"index {stored:.0f} MB, resident +{grown:.0f} MB",
        percentile(times, 50),
        percentile(times, 95),
        recall(truth, found),
    )


def load_table(conn: psycopg.Connection[Any], data: Matrix) -> float:
    """Seconds to create the table and ``COPY`` the vectors in (binary)."""
    start = time.perf_counter()
    conn.execute(f"CREATE TABLE items (id bigint NOT NULL, embedding vector({DIM}) NOT NULL)")
    with conn.cursor() as cur, cur.copy("COPY items FROM STDIN WITH (FORMAT BINARY)") as copy:
        copy.set_types(["int8", "vector"])
        for i, vector in enumerate(data):
            copy.write_row((i, vector))
    conn.execute("ANALYZE items")
    return time.perf_counter() - start


def pgvector_rows(
    url: str, data: Matrix, queries: Matrix, truth: Ids, args: argparse.Namespace
) -> list[Row]:
    notices: list[str] = []
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(conn)
        conn.add_notice_handler(lambda notice: notices.append(str(notice.message_primary)))
        loaded = load_table(conn, data)
        conn.execute(f"SET maintenance_work_mem = '{args.maintenance_work_mem}'")
        conn.execute("SET max_parallel_maintenance_workers = 1")
        start = time.perf_counter()
        # The schema's index (index.store.postgres_schema) with pgvector's defaults spelled out.
        conn.execute(
            "CREATE INDEX items_embedding ON items USING hnsw (embedding vector_ip_ops)"
            " WITH (m = 16, ef_construction = 64)"
        )
        built = time.perf_counter() - start
        row = conn.execute(
            "SELECT pg_relation_size('items'), pg_relation_size('items_embedding')"
        ).fetchone()
        table_mb, index_mb = (int(size) / 2**20 for size in row or (0, 0))
        rows: list[Row] = []
        for ef in [STORE_EF_SEARCH, *(e for e in args.ef_search if e != STORE_EF_SEARCH)]:
            conn.execute(f"SET hnsw.ef_search = {int(ef)}")

            def search(query: Matrix) -> list[int]:
                found = conn.execute(
                    "SELECT id FROM items ORDER BY embedding <#> %s LIMIT %s", (query, K)
                ).fetchall()
                return [int(i) for (i,) in found]

            found, times = timed(search, queries)
            rows.append(
                Row(
                    f"pgvector HNSW m 16, ef_construction 64, ef_search {ef}"
                    + (" (store)" if ef == STORE_EF_SEARCH else ""),
                    f"load {loaded:.1f} s + index {built:.1f} s" if not rows else "",
                    f"table {table_mb:.0f} MB, index {index_mb:.0f} MB, "
                    f"maintenance_work_mem {args.maintenance_work_mem}"
                    if not rows
                    else "",
                    percentile(times, 50),
                    percentile(times, 95),
                    recall(truth, found),
                )
            )
    for notice in notices:
        print(f"PostgreSQL notice during the build: {notice}")
    return rows


def table(rows: Sequence[Row]) -> str:
    """The rows as a Markdown table."""
    lines = [
        "| index | build | memory | p50 ms | p95 ms | recall@10 |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for r in rows:
        lines.append(
            f"| {r.index} | {r.build} | {r.memory} | {r.p50_ms:.2f} | {r.p95_ms:.2f} "
            f"| {r.recall:.3f} |"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> list[Row]:
    data, queries = held_out(args.chunks, args.queries, seed=args.seed)
    start = time.perf_counter()
    truth = exact_top(data, queries, K)
    print(f"exact search for the truth: {time.perf_counter() - start:.1f} s", flush=True)
    rows = [faiss_row(data, queries, truth, args.threads)]
    print(table(rows), flush=True)
    gc.collect()
    with (
        tempfile.TemporaryDirectory() as scratch,
        postgres_database(args.url, Path(scratch)) as url,
    ):
        rows += pgvector_rows(url, data, queries, truth, args)
    return rows


def arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chunks", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--ef-search", type=int, nargs="*", default=[40, 200])
    parser.add_argument("--maintenance-work-mem", default="4GB")
    parser.add_argument("--threads", type=int, default=1, help="FAISS threads while searching")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--url", default="", help="an empty PostgreSQL database (with pgvector)")
    return parser.parse_args(argv)


def main() -> None:
    args = arguments()
    print(
        f"{args.chunks:,} synthetic chunks (dim {DIM}, {max(50, args.chunks // 500):,} topics), "
        f"{args.queries} held-out queries, recall@{K} against exact search",
        flush=True,
    )
    print(table(run(args)))


if __name__ == "__main__":
    main()
