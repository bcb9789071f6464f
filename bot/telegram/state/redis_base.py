"""The Redis connection under the shared state, and how the state goes on when Redis is down.

The bot answers without Redis: each call that fails logs a warning and gives its fallback (a
cache miss, an allowed question, an expired button), so a Redis restart or outage costs the
shared state, never a reply. The calls are short and bounded by ``timeout_s``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

logger = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")


def connect(url: str, timeout_s: float) -> redis.Redis:
    """A client for ``url`` (connecting lazily) that gives up after ``timeout_s`` seconds.

    A failed call is not retried: the state falls back at once rather than keep a user waiting.
    """
    return redis.Redis.from_url(
        url,
        decode_responses=True,
        socket_timeout=timeout_s,
        socket_connect_timeout=timeout_s,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=30,
    )


def shielded(fallback: Callable[[], R]) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Make a Redis call give ``fallback()`` (and log why) when Redis fails or is away."""

    def wrap(call: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(call)
        def shielded_call(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return call(*args, **kwargs)
            except redis.RedisError as exc:
                logger.warning(
                    "Redis failed in %s (%s); going on without it", call.__qualname__, exc
                )
                return fallback()

        return shielded_call

    return wrap
