"""The SQL of one article's write in ``FaissStore``: insert, replace, delete. Runs inside the
store's write transaction; ``removed`` and ``added`` collect the vector changes to publish."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from index.store import schema
from index.store.faiss_cache import Added
from index.store.rows import is_revision
from index.types import Article, Chunk

CHUNK_COLUMNS = 'article_id, ordinal, start, "end", text, sentences'


def read_article(conn: sqlite3.Connection, article_id: str) -> Article:
    """The stored article; ``KeyError`` when unknown."""
    row = conn.execute(
        "SELECT id, text, title, date, source, url, origin, title_derived, author"
        " FROM articles WHERE id = ?",
        (article_id,),
    ).fetchone()
    if row is None:
        raise KeyError(article_id)
    return schema.article_from_row(row)


def delete_article(conn: sqlite3.Connection, article_id: str, removed: list[int]) -> bool:
    """Delete an article (its chunks and vectors cascade); False if it was not there."""
    rows = conn.execute("SELECT id FROM chunks WHERE article_id = ?", (article_id,))
    removed.extend(int(rowid) for (rowid,) in rows.fetchall())
    return conn.execute("DELETE FROM articles WHERE id = ?", (article_id,)).rowcount > 0


def write_article(
    conn: sqlite3.Connection,
    article: Article,
    chunks: Sequence[Chunk],
    vectors: npt.NDArray[np.float32],
    removed: list[int],
    added: list[Added],
) -> str:
    """Add, update or skip one article: ``"added"``, ``"updated"`` or ``"skipped"``.

    An older version from the same origin is replaced; the same text from another origin is
    a duplicate (skipped); the same text with a revised header from the same origin updates.
    """
    status = "added"
    stale = (
        [
            old_id
            for (old_id,) in conn.execute(
                "SELECT id FROM articles WHERE origin = ? AND id != ?",
                (article.origin, article.id),
            ).fetchall()
        ]
        if article.origin
        else []
    )
    for old_id in stale:  # an older version from the same file or URL
        delete_article(conn, old_id, removed)
        status = "updated"
    if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article.id,)).fetchone():
        if not is_revision(read_article(conn, article.id), article):
            return status if stale else "skipped"
        delete_article(conn, article.id, removed)
        status = "updated"
    conn.execute(
        "INSERT INTO articles (id, text, title, date, source, url, origin, title_derived,"
        " added_at, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        schema.article_row(article, dt.datetime.now(dt.UTC)),
    )
    for chunk, vector in zip(chunks, vectors, strict=True):
        cursor = conn.execute(
            f"INSERT INTO chunks ({CHUNK_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
            schema.chunk_row(chunk),
        )
        rowid = int(cursor.lastrowid or 0)
        conn.execute(
            "INSERT INTO vectors (chunk_id, vector) VALUES (?, ?)", (rowid, vector.tobytes())
        )
        added.append((rowid, chunk.key, vector))
    return status
