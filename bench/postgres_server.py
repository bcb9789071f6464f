"""A PostgreSQL database for a bench: the one a URL names, or a pgserver started for the run."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def postgres_database(url: str, scratch: Path) -> Iterator[str]:
    """``url`` when given; else the URL of a PostgreSQL server (16 with pgvector, from the
    ``pgserver`` wheel) started in ``scratch`` for the duration of the block."""
    if url:
        yield url
        return
    from pgserver.postgres_server import get_server  # (only benches that start one need it)

    server = get_server(scratch / "postgres", cleanup_mode="stop")
    try:
        yield str(server.get_uri())
    finally:
        server.cleanup()
