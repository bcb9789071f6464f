"""The SQL of ``FaissStore``'s reads: articles, chunks by key or article, vectors and counts."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from index.store import schema
from index.store.connections import read_transaction
from index.store.rows import split_key
from index.store.sqlite_writes import CHUNK_COLUMNS
from index.types import ArticleInfo, Chunk


def has_article(conn: sqlite3.Connection, article_id: str) -> bool:
    row = conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,))
    return row.fetchone() is not None


def article_infos(conn: sqlite3.Connection) -> list[ArticleInfo]:
    """Every article, newest first (by date, then by time added)."""
    rows = conn.execute(
        "SELECT a.id, a.title, a.date, a.source, a.url, a.origin,"
        " (SELECT count(*) FROM chunks c WHERE c.article_id = a.id), a.added_at, a.author"
        " FROM articles a ORDER BY a.date IS NULL, a.date DESC, a.added_at DESC, a.rowid DESC"
    )
    return [schema.info_from_row(row) for row in rows.fetchall()]


def chunks_by_key(conn: sqlite3.Connection, keys: Sequence[str]) -> list[Chunk]:
    """Chunks by key, in the order asked; unknown keys (e.g. since removed) are left out."""
    found: list[Chunk] = []
    with read_transaction(conn):
        for key in keys:
            parts = split_key(key)
            if parts is None:
                continue
            row = conn.execute(
                f"SELECT {CHUNK_COLUMNS} FROM chunks WHERE article_id = ? AND ordinal = ?",
                parts,
            ).fetchone()
            if row is not None:
                found.append(schema.chunk_from_row(row))
    return found


def article_vectors(
    conn: sqlite3.Connection, article_id: str, dim: int
) -> tuple[list[Chunk], npt.NDArray[np.float32]]:
    """An article's chunks in order and their stored vectors; nothing for an unknown one."""
    rows = conn.execute(
        f"SELECT {CHUNK_COLUMNS}, v.vector FROM chunks"
        " JOIN vectors v ON v.chunk_id = chunks.id"
        " WHERE article_id = ? ORDER BY ordinal",
        (article_id,),
    ).fetchall()
    chunks = [schema.chunk_from_row(row[:6]) for row in rows]
    matrix = np.frombuffer(b"".join(row[6] for row in rows), dtype=np.float32)
    return chunks, matrix.reshape(len(rows), dim).copy()


def all_chunks(conn: sqlite3.Connection) -> list[Chunk]:
    rows = conn.execute(f"SELECT {CHUNK_COLUMNS} FROM chunks ORDER BY id")
    return [schema.chunk_from_row(row) for row in rows.fetchall()]


def chunk_count(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT count(*) FROM chunks").fetchone()[0])


def counts(conn: sqlite3.Connection) -> tuple[int, int, int]:
    """Articles, chunks and the generation, from one snapshot."""
    with read_transaction(conn):
        articles = int(conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        return articles, chunk_count(conn), schema.read_generation(conn)
