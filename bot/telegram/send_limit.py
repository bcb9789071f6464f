"""Telegram's flood limits held by all workers together: a rate limiter for the Bot over Redis.

python-telegram-bot's ``AIORateLimiter`` keeps one process under Telegram's limits (30 sends a
second for the bot, 20 a minute in a group), but workers sharing one token would each send
that much. ``SharedSendLimiter`` takes every send's slots from sliding windows in Redis
(``RedisWindows``: one window for the bot and one per group, taken together), so the workers
together stay under the limits; a send refused with 429 all the same waits ``retry_after`` and
is retried, a bounded number of times. When Redis fails the send goes through this worker's own
``AIORateLimiter``, as without shared state, so the bot keeps answering.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Coroutine
from typing import Any

import redis
from telegram.constants import FloodLimit
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter, BaseRateLimiter

from bot.telegram.alerts import retry_after_s
from bot.telegram.state.redis_base import Client
from bot.telegram.state.redis_windows import RedisWindows, Window
from bot.telegram.state.ttl_cache import Clock

logger = logging.getLogger(__name__)

Result = bool | dict[str, Any] | list[dict[str, Any]]
Callback = Callable[..., Coroutine[Any, Any, Result]]
#: The key of the bot's own window (every send to a chat counts against it).
BOT_KEY = "bot"
#: The bot's window, a little longer than Telegram's second: a send reaches Telegram a moment
#: after its grant, a burst's last sends later than its first, so that in a window of exactly
#: one second the next burst's first sends could arrive within one second of the last ones.
BOT_WINDOW_S = 1.1
#: Seconds added to ``retry_after`` before the retry, as ``AIORateLimiter`` does.
RETRY_MARGIN_S = 0.1


class SharedSendLimiter(BaseRateLimiter[int]):
    """A ``BaseRateLimiter`` whose limits hold across every worker using the same Redis.

    ``rate_limit_args`` of a call, when given, is its number of retries after a 429 (as for
    ``AIORateLimiter``); ``max_retries`` otherwise. ``clock`` is wall time, shared by workers.
    """

    def __init__(
        self,
        client: Client,
        prefix: str,
        *,
        max_retries: int,
        overall_per_s: int = FloodLimit.MESSAGES_PER_SECOND,
        group_per_period: int = FloodLimit.MESSAGES_PER_MINUTE_PER_GROUP,
        group_period_s: float = 60.0,
        clock: Clock = time.time,
    ) -> None:
        self._windows = RedisWindows(client, clock=clock)
        self._overall = Window(f"{prefix}send:", overall_per_s, BOT_WINDOW_S)
        self._group = Window(f"{prefix}send-group:", group_per_period, group_period_s)
        self._local = AIORateLimiter(
            overall_max_rate=overall_per_s,
            group_max_rate=group_per_period,
            group_time_period=group_period_s,
            max_retries=max_retries,
        )
        self._max_retries = max_retries
        self._resume = asyncio.Event()  # cleared while this worker waits out a 429
        self._resume.set()

    async def initialize(self) -> None:
        await self._local.initialize()

    async def shutdown(self) -> None:
        await self._local.shutdown()

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Result:
        """Wait for the send's slots, then make it; after a 429, wait and make it again."""
        retries = rate_limit_args or self._max_retries
        chat_id = data.get("chat_id")
        if data.get("allow_paid_broadcast"):  # its own, higher limit: this worker's alone
            return await self._local.process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )
        for attempt in range(retries + 1):
            await self._resume.wait()
            if not await self._acquire(chat_id):
                return await self._local.process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as exc:
                if attempt == retries:
                    logger.error("Flood control refused a send %d times; giving up", retries + 1)
                    raise
                await self._wait_out(exc)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _acquire(self, chat_id: object) -> bool:
        """Wait for a slot in each window the send counts against; False when Redis fails."""
        if chat_id is None:  # what does not go to a chat is not a send
            return True
        hits = [(self._overall, BOT_KEY)]
        group = _group_of(chat_id)
        if group is not None:
            hits.append((self._group, group))
        try:
            while (wait := await self._windows.take(hits)) > 0:
                await asyncio.sleep(wait)
        except redis.RedisError as exc:
            logger.warning("Redis failed for the send limit (%s); limiting this worker alone", exc)
            return False
        return True

    async def _wait_out(self, exc: RetryAfter) -> None:
        """Hold this worker's sends for the ``retry_after`` of a 429 (and a margin)."""
        seconds = retry_after_s(exc)
        logger.info("Flood control: retrying after %.1f s", seconds + RETRY_MARGIN_S)
        self._resume.clear()
        try:
            await asyncio.sleep(seconds + RETRY_MARGIN_S)
        finally:
            self._resume.set()


def _group_of(chat_id: object) -> str | None:
    """The group a send counts against: a negative chat id or a ``@username`` (a channel or a
    supergroup, as ``AIORateLimiter`` reads them); None for a private chat or no chat."""
    if chat_id is None:
        return None
    with contextlib.suppress(ValueError, TypeError):
        chat_id = int(chat_id)  # type: ignore[call-overload]
    if isinstance(chat_id, int):
        return str(chat_id) if chat_id < 0 else None
    return str(chat_id)
