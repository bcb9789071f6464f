"""The SQLite side of ``FaissStore``: connections, schema, the model check and row mapping."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from index.errors import IndexCorruptError
from index.store.recipe import IndexRecipe, newsbot_version, record_or_check
from index.store.rows import check_model
from index.types import Article, ArticleInfo, Chunk, Span

DB_NAME = "newsbot.sqlite"
SCHEMA_VERSION = 2

_TABLES = ("meta", "articles", "chunks", "vectors")
#: What brings a database of the version in the key to the next one, in place.
_MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: ("ALTER TABLE articles ADD COLUMN author TEXT",),
}
_SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE articles (id TEXT PRIMARY KEY, text TEXT NOT NULL, title TEXT NOT NULL,"
    " date TEXT, source TEXT, url TEXT, origin TEXT NOT NULL, title_derived INTEGER NOT NULL,"
    " added_at TEXT NOT NULL, author TEXT)",
    "CREATE INDEX articles_origin ON articles (origin)",
    "CREATE TABLE chunks (id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,"
    ' ordinal INTEGER NOT NULL, start INTEGER NOT NULL, "end" INTEGER NOT NULL,'
    " text TEXT NOT NULL, sentences TEXT NOT NULL, UNIQUE (article_id, ordinal))",
    "CREATE TABLE vectors (chunk_id INTEGER PRIMARY KEY REFERENCES chunks (id) ON DELETE CASCADE,"
    " vector BLOB NOT NULL)",
)


def connect(path: Path) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), usable from any thread."""
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30.0)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA synchronous = FULL")
    return conn


def prepare(
    conn: sqlite3.Connection, model_name: str, dim: int, recipe: IndexRecipe, folder: Path
) -> None:
    """Create the schema in a new database, or check an existing one against the model and
    ``recipe`` (recording what an older one lacks)."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("BEGIN IMMEDIATE")
    try:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        tables = {name for (name,) in rows}
        if tables:
            meta = _migrate(conn, _read_meta(conn, tables))
        else:
            for statement in _SCHEMA:
                conn.execute(statement)
            meta = {
                "schema_version": str(SCHEMA_VERSION),
                "model_name": model_name,
                "dim": str(dim),
                "generation": "0",
                **recipe.entries(newsbot_version()),
            }
            conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", meta.items())
        # (before COMMIT: a refused index stays as it was)
        _check_meta(meta, model_name, dim)
        record_or_check(conn, meta, recipe, folder)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _read_meta(conn: sqlite3.Connection, tables: set[str]) -> dict[str, str]:
    if not tables.issuperset(_TABLES):
        raise IndexCorruptError(f"not a newsbot database (tables: {sorted(tables)})")
    meta = {str(key): str(value) for key, value in conn.execute("SELECT key, value FROM meta")}
    missing = {"schema_version", "model_name", "dim", "generation"} - meta.keys()
    if missing:
        raise IndexCorruptError(f"newsbot database lacks meta entries {sorted(missing)}")
    return meta


def _migrate(conn: sqlite3.Connection, meta: dict[str, str]) -> dict[str, str]:
    """Bring an older database up to ``SCHEMA_VERSION`` inside the open transaction (so an
    index built by an earlier version keeps working); other versions are left to the check."""
    version = meta["schema_version"]
    while version.isdigit() and int(version) in _MIGRATIONS:
        for statement in _MIGRATIONS[int(version)]:
            conn.execute(statement)
        version = str(int(version) + 1)
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (version,))
    return {**meta, "schema_version": version}


def _check_meta(meta: dict[str, str], model_name: str, dim: int) -> None:
    if meta["schema_version"] != str(SCHEMA_VERSION):
        raise IndexCorruptError(
            f"index schema version {meta['schema_version']} is not {SCHEMA_VERSION}; re-index"
        )
    if not meta["dim"].isdigit() or not meta["generation"].isdigit():
        raise IndexCorruptError(f"malformed meta entries: dim={meta['dim']!r}")
    check_model(meta["model_name"], int(meta["dim"]), model_name, dim)


def read_generation(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    if row is None:
        raise IndexCorruptError("newsbot database lost its generation")
    return int(row[0])


def write_generation(conn: sqlite3.Connection, generation: int) -> None:
    conn.execute("UPDATE meta SET value = ? WHERE key = 'generation'", (str(generation),))


def article_row(article: Article, added_at: dt.datetime) -> tuple[Any, ...]:
    date = article.date.isoformat() if article.date else None
    return (
        article.id,
        article.text,
        article.title,
        date,
        article.source,
        article.url,
        article.origin,
        int(article.title_derived),
        added_at.isoformat(),
        article.author,
    )


def chunk_row(chunk: Chunk) -> tuple[Any, ...]:
    sentences = json.dumps([[span.start, span.end] for span in chunk.sentences])
    return (chunk.article_id, chunk.ordinal, chunk.start, chunk.end, chunk.text, sentences)


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def article_from_row(row: Sequence[Any]) -> Article:
    """From ``id, text, title, date, source, url, origin, title_derived, author``."""
    id_, text, title, date, source, url, origin, title_derived, author = row
    return Article(id_, text, title, _date(date), source, url, origin, bool(title_derived), author)


def info_from_row(row: Sequence[Any]) -> ArticleInfo:
    """From ``id, title, date, source, url, origin, chunk count, added_at, author``."""
    id_, title, date, source, url, origin, chunks, added_at, author = row
    added = dt.datetime.fromisoformat(added_at)
    return ArticleInfo(id_, title, _date(date), source, url, origin, int(chunks), added, author)


def chunk_from_row(row: Sequence[Any]) -> Chunk:
    """From ``article_id, ordinal, start, end, text, sentences``."""
    sentences = tuple(Span(int(start), int(end)) for start, end in json.loads(row[5]))
    return Chunk(
        article_id=row[0],
        ordinal=int(row[1]),
        start=int(row[2]),
        end=int(row[3]),
        text=row[4],
        sentences=sentences,
    )
