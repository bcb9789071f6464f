"""Sentence-vector cache: writes and look-ups, the SQLite file against the PostgreSQL table.

    python -m bench.sentence_vectors [--url postgresql://...] [--vectors 10000] [--dim 384]

Writes ``--vectors`` random vectors in batches (as an ingest stores an article's sentences),
then looks up ``--lookup`` random keys at a time, as the reader does for a question's
passages. Without ``--url`` a PostgreSQL server from the ``pgserver`` wheel is started in a
temporary directory.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import numpy as np

from index.sentence_cache import SentenceCache, SentenceVectorCache
from index.store.postgres import PostgresStore


def measure(name: str, cache: SentenceCache, args: argparse.Namespace) -> None:
    """Print the write time and the look-up latencies of ``cache``."""
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((args.vectors, args.dim)).astype(np.float32)
    keys = [f"{i:032x}:{i}:{i + 10}:0" for i in range(args.vectors)]
    start = time.perf_counter()
    for i in range(0, args.vectors, args.batch):
        cache.put_many(zip(keys[i : i + args.batch], vectors[i : i + args.batch], strict=True))
    written = time.perf_counter() - start
    latencies = []
    for _ in range(args.rounds):
        wanted = [str(key) for key in rng.choice(keys, args.lookup, replace=False)]
        start = time.perf_counter()
        found = cache.get_many(wanted)
        latencies.append((time.perf_counter() - start) * 1000)
        assert len(found) == args.lookup
    p50, p95 = np.percentile(latencies, [50, 95])
    print(
        f"{name}: {args.vectors} vectors of {args.dim} written in batches of {args.batch} in "
        f"{written:.2f} s; a look-up of {args.lookup} keys p50 {p50:.2f} ms, p95 {p95:.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="", help="an empty PostgreSQL database (with pgvector)")
    parser.add_argument("--vectors", type=int, default=10_000)
    parser.add_argument("--dim", type=int, default=384)
    parser.add_argument("--batch", type=int, default=250, help="vectors per write")
    parser.add_argument("--lookup", type=int, default=60, help="keys per look-up")
    parser.add_argument("--rounds", type=int, default=200, help="look-ups")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch, _database(args.url, Path(scratch)) as url:
        sqlite = SentenceVectorCache(Path(scratch) / "sentences.sqlite", args.dim)
        with closing(sqlite), closing(PostgresStore.open(url, "bench", args.dim)) as store:
            measure("SQLite file", sqlite, args)
            measure("PostgreSQL table", store.sentence_vectors, args)


@contextmanager
def _database(url: str, scratch: Path) -> Iterator[str]:
    """``url``, or else that of a server from the ``pgserver`` wheel, started for the run."""
    if url:
        yield url
        return
    from pgserver.postgres_server import get_server

    server = get_server(scratch / "postgres", cleanup_mode="stop")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()


if __name__ == "__main__":
    main()
