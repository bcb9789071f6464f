"""The SQL of ``PostgresStore``: one article's write (insert, replace, delete) and its reads.

Writes run inside the store's write transaction. Reads select dates, times and sentence spans
as text, so the rows map to articles and chunks as the SQLite store's rows do."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from psycopg.types.json import Jsonb

from index.store import schema
from index.store.postgres_schema import Connection
from index.store.rows import is_revision
from index.types import Article, ArticleInfo, Chunk, header_text

_CHUNK = 'SELECT c.article_id, c.ordinal, c.start, c."end", c.text, c.sentences::text'
CHUNKS_OF_ARTICLE = (
    _CHUNK + ", c.embedding FROM chunks c WHERE c.article_id = %s ORDER BY c.ordinal"
)
ALL_CHUNKS = _CHUNK + " FROM chunks c ORDER BY c.id"
#: Chunks by (article id, ordinal) arrays, in the order of the arrays.
CHUNKS_BY_KEY = (
    _CHUNK + " FROM unnest(%s::text[], %s::integer[]) WITH ORDINALITY AS k (article_id, ordinal, n)"
    " JOIN chunks c ON c.article_id = k.article_id AND c.ordinal = k.ordinal ORDER BY k.n"
)
ARTICLE_INFO = (
    "SELECT a.id, a.title, a.date::text, a.source, a.url, a.origin,"
    " (SELECT count(*) FROM chunks c WHERE c.article_id = a.id),"
    " to_char(a.added_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"+00:00\"'), a.author"
    " FROM articles a ORDER BY a.date DESC NULLS LAST, a.added_at DESC, a.seq DESC"
)


def read_article(conn: Connection, article_id: str) -> Article | None:
    """The stored article, or None."""
    row = conn.execute(
        "SELECT id, text, title, date::text, source, url, origin, title_derived, author"
        " FROM articles WHERE id = %s",
        (article_id,),
    ).fetchone()
    return schema.article_from_row(row) if row is not None else None


def read_infos(conn: Connection) -> list[ArticleInfo]:
    """Every article's listing entry, newest first (by date, then by time added)."""
    return [schema.info_from_row(row) for row in conn.execute(ARTICLE_INFO).fetchall()]


def write_article(
    conn: Connection, article: Article, chunks: Sequence[Chunk], vectors: npt.NDArray[np.float32]
) -> str:
    """Add, update or skip one article: ``"added"``, ``"updated"`` or ``"skipped"``.

    An older version from the same origin is replaced; the same text from another origin is
    a duplicate (skipped); the same text with a revised header from the same origin updates.
    """
    replaced = 0
    if article.origin:  # older versions from the same file or URL
        replaced = conn.execute(
            "DELETE FROM articles WHERE origin = %s AND id <> %s", (article.origin, article.id)
        ).rowcount
    stored = read_article(conn, article.id)
    if stored is not None:
        if not is_revision(stored, article):
            return "updated" if replaced else "skipped"
        conn.execute("DELETE FROM articles WHERE id = %s", (article.id,))
    conn.execute(
        "INSERT INTO articles (id, text, title, date, source, url, origin, title_derived,"
        " added_at, author) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
        (
            article.id,
            article.text,
            article.title,
            article.date,
            article.source,
            article.url,
            article.origin,
            article.title_derived,
            dt.datetime.now(dt.UTC),
            article.author,
        ),
    )
    header = header_text(article.title, article.date)
    with conn.cursor() as cur:
        cur.executemany(
            'INSERT INTO chunks (article_id, ordinal, start, "end", text, sentences, header,'
            " embedding) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    chunk.article_id,
                    chunk.ordinal,
                    chunk.start,
                    chunk.end,
                    chunk.text,
                    Jsonb([[span.start, span.end] for span in chunk.sentences]),
                    header,
                    vector,
                )
                for chunk, vector in zip(chunks, vectors, strict=True)
            ],
        )
    return "updated" if replaced or stored is not None else "added"
