"""The Redis connection under the shared state, and how the state goes on when Redis is down.

The client is ``redis.asyncio``: every call waits on its socket without holding up the event
loop, so a slow or stalled Redis delays the update that asked, never the others.

The bot answers without Redis: each call that fails logs a warning and gives its fallback (a
cache miss, an allowed question, an expired button), so a Redis restart or outage costs the
shared state, never a reply. The calls are short and bounded by ``timeout_s``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec, TypeVar

import redis
import redis.asyncio
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")

#: The client of the shared state.
Client = redis.asyncio.Redis


def connect(url: str, timeout_s: float) -> Client:
    """A client for ``url`` that gives up after ``timeout_s`` seconds. It connects lazily, on
    the event loop of its first call, and serves that loop only.

    A failed call is not retried: the state falls back at once rather than keep a user waiting.
    """
    return redis.asyncio.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=30,
    )


Call = Callable[P, Coroutine[Any, Any, R]]


def shielded(fallback: Callable[[], R]) -> Callable[[Call[P, R]], Call[P, R]]:
    """Make a Redis call give ``fallback()`` (and log why) when Redis fails or is away."""

    def wrap(call: Call[P, R]) -> Call[P, R]:
        @functools.wraps(call)
        async def shielded_call(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return await call(*args, **kwargs)
            except redis.RedisError as exc:
                logger.warning(
                    "Redis failed in %s (%s); going on without it", call.__qualname__, exc
                )
                return fallback()

        return shielded_call

    return wrap
