"""Real servers for tests: PostgreSQL 16 with pgvector, from the ``pgserver`` wheel.

``postgres_server`` starts one server per test session in a temporary directory (as root too:
pgserver runs it as its own system user) and prepares a template database with pgvector;
``postgres_url`` gives each test a fresh database copied from it; ``own_postgres`` is a server of
one test's own, which it may stop and start again (an outage). A server that cannot start
fails the tests that need it: they are marked ``postgres`` and run in CI, never skipped.
"""

from __future__ import annotations

import itertools
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

TEMPLATE = "newsbot_template"
_numbers = itertools.count()


class PostgresServer:
    """A running PostgreSQL server and URLs of its databases."""

    def __init__(self, directory: Path) -> None:
        from pgserver.postgres_server import get_server  # (only the tests that need it)

        self._directory = directory
        self._server = get_server(directory, cleanup_mode="delete")
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(TEMPLATE)))
        with psycopg.connect(self.url(TEMPLATE), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION vector")

    def url(self, database: str = "postgres") -> str:
        uri: str = self._server.get_uri(database)
        return uri

    def create_database(self) -> str:
        """A new, empty database with pgvector installed; returns its URL."""
        name = f"newsbot_test_{next(_numbers)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(TEMPLATE)
                )
            )
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = psycopg.conninfo.conninfo_to_dict(url)["dbname"]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(str(name)))
            )

    def stop(self) -> None:
        self._server.cleanup()

    def crash(self) -> None:
        """Stop the server at once, as a crash or a lost host would: no client is told."""
        from pgserver._commands import POSTGRES_BIN_PATH

        subprocess.run(
            [POSTGRES_BIN_PATH / "pg_ctl", "-D", self._directory, "-m", "immediate", "-w", "stop"],
            user=self._server.system_user,
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start_again(self) -> None:
        """Start the stopped server on its data and socket as before (the same URLs)."""
        self._server.ensure_postgres_running()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server (with pgvector) for the whole session. Its data lives outside
    pytest's temporary folders: a concurrent pytest run prunes those, even a running server's."""
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="newsbot-postgres-")))
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """The URL of a fresh database of its own for this test (dropped after it)."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def own_postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of this test's own, which it may crash and start again."""
    server = PostgresServer(Path(tempfile.mkdtemp(prefix="newsbot-postgres-own-")))
    yield server
    server.stop()
