"""The PostgreSQL store's connection pool: how it rides out an outage, and its errors as ours.

A server that goes away (a restart, a failover, a dropped network) must cost the questions
asked meanwhile an apology, not the worker: every borrowed connection is checked before it is
handed out (a connection the server dropped is replaced, never used), a wait for a connection
gives up after ``wait_s`` (the user hears ``StoreUnavailableError`` within seconds), and the
pool's reconnection attempts give up soon too, so that the next borrow starts a fresh attempt
at once instead of after a long back-off: the first question after the server is back is
answered.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
from psycopg_pool import ConnectionPool, PoolClosed

from index.errors import StoreError, StoreUnavailableError
from index.store.postgres_schema import Connection

logger = logging.getLogger(__name__)

#: How long a call waits for a connection before it is told the database is unreachable.
WAIT_S = 5.0
#: How long a failed connection is retried in the background (doubling pauses from 1 s)
#: before the pool lets the next borrow try again from the start.
RECONNECT_S = 5.0
#: How long one connection attempt may take (libpq's ``connect_timeout``), unless the URL says.
CONNECT_TIMEOUT_S = 5

Pool = ConnectionPool[Connection]


def open_pool(
    url: str, size: int, configure: Callable[[Connection], None], *, wait_s: float = WAIT_S
) -> Pool:
    """A pool of autocommit connections to ``url`` (a read is one statement, one snapshot;
    writes open their own transaction), each prepared by ``configure``."""
    kwargs: dict[str, object] = {"autocommit": True}
    if "connect_timeout" not in psycopg.conninfo.conninfo_to_dict(url):
        kwargs["connect_timeout"] = CONNECT_TIMEOUT_S
    return ConnectionPool(
        url,
        min_size=1,
        max_size=size,
        kwargs=kwargs,
        configure=configure,
        check=ConnectionPool.check_connection,
        timeout=wait_s,
        reconnect_timeout=RECONNECT_S,
        open=True,
    )


@contextmanager
def borrowed(pool: Pool) -> Iterator[Connection]:
    """A connection from ``pool``; a PostgreSQL error in the block becomes a ``StoreError``
    (``StoreUnavailableError`` when the server cannot be reached, so the user is told to try
    again soon)."""
    try:
        with pool.connection() as conn:
            yield conn
    except PoolClosed as e:
        raise StoreError("the PostgreSQL store is closed") from e
    except (psycopg.OperationalError, psycopg.InterfaceError) as e:  # (PoolTimeout included)
        logger.warning("the PostgreSQL store is unreachable: %s", e)
        raise StoreUnavailableError(f"the PostgreSQL store is unreachable: {e}") from e
    except psycopg.Error as e:
        raise StoreError(f"the PostgreSQL store failed: {e}") from e
