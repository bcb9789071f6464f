"""The PostgreSQL side of ``PostgresStore``: its tables, the schema version and the model check.

Tables (created on first use, in the database the URL names):

    meta      key -> value: schema_version, model_name, dim, generation, and the chunking
              recipe (``index.store.recipe``: chunk_max_chars, chunk_overlap, index_format,
              newsbot_version)
    articles  one row per article (``seq`` orders articles added at the same instant)
    chunks    one row per chunk: offsets, sentence spans, the pgvector ``embedding`` (HNSW,
              inner product on normalised vectors) and ``tsv``, a generated full-text vector
              of the article header and the chunk text (GIN)
    sentence_vectors  the sentence-vector cache (``index.sentence_cache``'s keys -> float32
              bytes), shared by every worker
    feeds, feed_entries  the feed registry (``index.store.postgres_feeds``): subscribed
              feeds and the entries already read from them. They do not depend on the model,
              so ``prepare_feeds`` makes them without the rest, and a rebuilt index keeps them
"""

from __future__ import annotations

from typing import Any, LiteralString

import psycopg
from psycopg import sql

from index.errors import IndexCorruptError, IndexSchemaError
from index.store import recipe as recipes
from index.store.recipe import IndexRecipe
from index.store.rows import check_model

Connection = psycopg.Connection[tuple[Any, ...]]

SCHEMA_VERSION = 3
#: Every write transaction and the schema's creation take this advisory lock first, so
#: writers from any process run one at a time (as SQLite's ``BEGIN IMMEDIATE`` does).
WRITE_LOCK = 0x6E657773  # "news"
#: Held (for the session) around loading a corpus into an empty store: ``PostgresStore.exclusive``.
LOAD_LOCK = 0x6C6F6164  # "load"
CHANNEL = "newsbot_store"

_TABLES = ("meta", "articles", "chunks")
_SENTENCES: LiteralString = (
    "CREATE TABLE sentence_vectors (key text PRIMARY KEY, vector bytea NOT NULL)"
)
#: (``IF NOT EXISTS``: the feed registry may have made them before the store's first open.)
_FEEDS: tuple[LiteralString, ...] = (
    "CREATE TABLE IF NOT EXISTS feeds (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
    " url text NOT NULL UNIQUE, title text, interval_s double precision, etag text,"
    " last_modified text, added_at timestamptz NOT NULL, last_polled_at timestamptz,"
    " last_ok_at timestamptz, last_error text, failures integer NOT NULL DEFAULT 0,"
    " next_poll_at timestamptz NOT NULL)",
    "CREATE INDEX IF NOT EXISTS feeds_next_poll_at ON feeds (next_poll_at)",
    "CREATE TABLE IF NOT EXISTS feed_entries ("
    " feed_id bigint NOT NULL REFERENCES feeds (id) ON DELETE CASCADE, key text NOT NULL,"
    " updated timestamptz, first_seen timestamptz NOT NULL, PRIMARY KEY (feed_id, key))",
)
#: What brings a schema of the version in the key to the next one, in place.
MIGRATIONS: dict[int, tuple[LiteralString, ...]] = {1: (_SENTENCES,), 2: _FEEDS}
_META_KEYS = ("schema_version", "model_name", "dim", "generation")
_SCHEMA: tuple[LiteralString, ...] = (
    "CREATE TABLE meta (key text PRIMARY KEY, value text NOT NULL)",
    "CREATE TABLE articles (id text PRIMARY KEY, text text NOT NULL, title text NOT NULL,"
    " date date, source text, url text, origin text NOT NULL, title_derived boolean NOT NULL,"
    " added_at timestamptz NOT NULL, author text, seq bigserial NOT NULL)",
    "CREATE INDEX articles_origin ON articles (origin)",
    "CREATE TABLE chunks (id bigserial PRIMARY KEY,"
    " article_id text NOT NULL REFERENCES articles (id) ON DELETE CASCADE,"
    ' ordinal integer NOT NULL, start integer NOT NULL, "end" integer NOT NULL,'
    " text text NOT NULL, sentences jsonb NOT NULL, header text NOT NULL,"
    " embedding vector({dim}) NOT NULL,"
    " tsv tsvector GENERATED ALWAYS AS (to_tsvector('english', header || ' ' || text)) STORED,"
    " UNIQUE (article_id, ordinal))",
    "CREATE INDEX chunks_embedding ON chunks USING hnsw (embedding vector_ip_ops)",
    "CREATE INDEX chunks_tsv ON chunks USING gin (tsv)",
    _SENTENCES,
    *_FEEDS,
)
_REBUILD = (
    "point NEWSBOT_STORE__URL at an empty database (or drop the tables meta, articles, chunks "
    "and sentence_vectors) and run `newsbot ingest` on the articles again, or configure the "
    "settings it was built with"
)
_REBUILD_USER = (
    "The index was built with other settings ({differences}). Point NEWSBOT_STORE__URL at an "
    "empty database and run `newsbot ingest` on the articles again, or configure the settings "
    "it was built with."
)


def create_extension(conn: Connection) -> None:
    """Make pgvector available in the database (a no-op when it is)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector")


def prepare(conn: Connection, model_name: str, dim: int, recipe: IndexRecipe | None = None) -> None:
    """Create the schema in an empty database, or check an existing one (bringing an older
    version up to date in place, recording the chunking ``recipe`` where it lacks it).

    Raises ``IndexSchemaError`` for a schema of another version (the message says what to
    do), ``IndexModelMismatchError`` for another model, ``IndexSettingsMismatchError`` for
    another recipe, ``IndexCorruptError`` when the database holds other tables of these names."""
    recipe = recipe or IndexRecipe()
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        present = _present(conn)
        if present:
            meta = _migrate(conn, _read_meta(conn, present))
        else:
            for statement in _SCHEMA:
                conn.execute(sql.SQL(statement).format(dim=sql.Literal(int(dim))))
            meta = {
                "schema_version": str(SCHEMA_VERSION),
                "model_name": model_name,
                "dim": str(dim),
                "generation": "0",
                **recipe.entries(recipes.newsbot_version()),
            }
            _insert_meta(conn, meta)
        # (inside the transaction: a refusal changes nothing)
        check_meta(meta, model_name, dim)
        missing = recipes.unrecorded(meta, recipe)
        _insert_meta(conn, missing)
        where = f"database {conn.info.dbname}"
        recipes.refuse_other(
            {**meta, **missing},
            recipe,
            where,
            _REBUILD,
            user_message=_REBUILD_USER,
            folder=where,
        )


def prepare_feeds(conn: Connection) -> None:
    """Make the feed tables ready: in a store's database, bring its schema up to date in place
    (refusing a newer one, ``IndexSchemaError``); in an empty one, create only them (the
    store's own tables wait for its first open, which knows the model)."""
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        present = _present(conn)
        if not present:
            for statement in _FEEDS:
                conn.execute(statement)
            return
        check_version(_migrate(conn, _read_meta(conn, present))["schema_version"])


def _present(conn: Connection) -> set[str]:
    """Which of the store's own tables the database has."""
    return {
        name
        for name in _TABLES
        if conn.execute("SELECT to_regclass(%s)", (name,)).fetchone() not in (None, (None,))
    }


def _insert_meta(conn: Connection, entries: dict[str, str]) -> None:
    with conn.cursor() as cur:
        cur.executemany("INSERT INTO meta (key, value) VALUES (%s, %s)", entries.items())


def _migrate(conn: Connection, meta: dict[str, str]) -> dict[str, str]:
    """Bring an older schema up to ``SCHEMA_VERSION`` inside the open transaction; other
    versions are left to ``check_meta``."""
    version = meta["schema_version"]
    while version.isdigit() and int(version) in MIGRATIONS:
        for statement in MIGRATIONS[int(version)]:
            conn.execute(statement)
        version = str(int(version) + 1)
        conn.execute("UPDATE meta SET value = %s WHERE key = 'schema_version'", (version,))
    return {**meta, "schema_version": version}


def _read_meta(conn: Connection, present: set[str]) -> dict[str, str]:
    """The meta entries of an existing newsbot schema."""
    if present != set(_TABLES):
        raise IndexCorruptError(f"not a newsbot database (it has only {sorted(present)})")
    rows = conn.execute("SELECT key, value FROM meta")
    meta = {str(key): str(value) for key, value in rows.fetchall()}
    if not meta.keys() >= set(_META_KEYS):
        lacking = sorted(set(_META_KEYS) - meta.keys())
        raise IndexCorruptError(f"newsbot database lacks meta entries {lacking}")
    return meta


def check_meta(meta: dict[str, str], model_name: str, dim: int) -> None:
    """Refuse a schema of another version or an index of another model."""
    check_version(meta["schema_version"])
    if not meta["dim"].isdigit() or not meta["generation"].isdigit():
        raise IndexCorruptError(f"malformed meta entries: dim={meta['dim']!r}")
    check_model(meta["model_name"], int(meta["dim"]), model_name, dim)


def check_version(version: str) -> None:
    """Refuse a schema version other than ``SCHEMA_VERSION`` (after the migrations ran)."""
    if not version.isdigit():
        raise IndexCorruptError(f"malformed schema version {version!r}")
    if int(version) > SCHEMA_VERSION:
        raise IndexSchemaError(
            f"the database schema is version {version}, newer than the version this newsbot "
            f"knows ({SCHEMA_VERSION}): upgrade newsbot, or point NEWSBOT_STORE__URL at "
            "another database",
            found=version,
            expected=SCHEMA_VERSION,
        )
    if int(version) < SCHEMA_VERSION:
        raise IndexSchemaError(
            f"the database schema is version {version}, older than {SCHEMA_VERSION}, and no "
            "in-place migration leads from it: drop its tables (meta, articles, chunks and "
            "sentence_vectors, if present; feeds and feed_entries keep the subscriptions) or "
            "point NEWSBOT_STORE__URL at an empty database, then ingest the articles again",
            found=version,
            expected=SCHEMA_VERSION,
        )


def read_generation(conn: Connection) -> int:
    row = conn.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
    if row is None:
        raise IndexCorruptError("newsbot database lost its generation")
    return int(str(row[0]))


def bump_generation(conn: Connection) -> int:
    """Count one more completed write and tell listeners (sent when the transaction commits)."""
    row = conn.execute(
        "UPDATE meta SET value = (value::bigint + 1)::text WHERE key = 'generation' RETURNING value"
    ).fetchone()
    if row is None:
        raise IndexCorruptError("newsbot database lost its generation")
    generation = int(str(row[0]))
    conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, str(generation)))
    return generation
