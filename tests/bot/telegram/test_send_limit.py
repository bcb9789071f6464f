"""The send limiter over a real Redis: two workers' limiters together keep the bot's and a
group's rate, a 429 is retried after its ``retry_after``, and without Redis sends still go."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.telegram.send_limit import Callback, SharedSendLimiter
from bot.telegram.state.redis_base import connect
from tests.redis_server import free_port

pytestmark = pytest.mark.redis

PER_S = 5
GROUP_PER_PERIOD = 3
Send = Callable[[object], Awaitable[Any]]


class GrantClock:
    """Wall time that remembers, for each task, the instant of its last call: the instant the
    limiter last asked Redis for a slot, which is the grant when the send then goes."""

    def __init__(self) -> None:
        self.last: dict[asyncio.Task[Any] | None, float] = {}

    def __call__(self) -> float:
        now = time.time()
        self.last[asyncio.current_task()] = now
        return now

    def grant(self) -> float:
        return self.last[asyncio.current_task()]


def _busiest_second(instants: list[float]) -> int:
    """The most instants in any window of one second (a window [t, t + 1) from each one)."""
    ordered = sorted(instants)
    return max(sum(1 for u in ordered if t <= u < t + 1.0) for t in ordered)


@pytest.fixture
async def workers(redis_url: str) -> AsyncIterator[tuple[list[SharedSendLimiter], GrantClock]]:
    """Two workers' limiters, each with a Redis connection of its own, and their clock."""
    clock = GrantClock()
    async with AsyncExitStack() as stack:
        limiters = []
        for _ in range(2):
            client = connect(redis_url, 2.0)
            stack.push_async_callback(client.aclose)
            limiters.append(
                SharedSendLimiter(
                    client,
                    "test:",
                    max_retries=2,
                    overall_per_s=PER_S,
                    group_per_period=GROUP_PER_PERIOD,
                    group_period_s=1.0,
                    clock=clock,
                )
            )
        yield limiters, clock


def _sender(limiter: SharedSendLimiter, callback: Callback) -> Send:
    async def send(chat_id: object) -> Any:
        return await limiter.process_request(
            callback, (), {}, "sendMessage", {"chat_id": chat_id}, None
        )

    return send


async def test_two_workers_together_never_send_past_the_bots_rate(
    workers: tuple[list[SharedSendLimiter], GrantClock],
) -> None:
    limiters, clock = workers
    grants: list[float] = []

    async def send() -> bool:
        grants.append(clock.grant())
        return True

    sends = [_sender(limiter, send) for limiter in limiters]
    results = await asyncio.gather(*(sends[i % 2](1000 + i) for i in range(4 * PER_S)))
    assert results == [True] * (4 * PER_S)
    assert _busiest_second(grants) == PER_S  # full seconds, never one more


async def test_two_workers_together_keep_each_groups_rate(
    workers: tuple[list[SharedSendLimiter], GrantClock],
) -> None:
    limiters, clock = workers
    grants: dict[object, list[float]] = {}

    async def send(chat_id: object) -> bool:
        grants.setdefault(chat_id, []).append(clock.grant())
        return True

    chats: list[object] = [-100, "@channel", 42]

    async def one(i: int) -> Any:
        chat = chats[i % 3]
        return await limiters[i % 2].process_request(
            send, (chat,), {}, "sendMessage", {"chat_id": chat}, None
        )

    await asyncio.gather(*(one(i) for i in range(6 * GROUP_PER_PERIOD)))
    assert {chat: len(instants) for chat, instants in grants.items()} == dict.fromkeys(chats, 6)
    assert _busiest_second(grants[-100]) <= GROUP_PER_PERIOD
    assert _busiest_second(grants["@channel"]) <= GROUP_PER_PERIOD
    assert _busiest_second([t for instants in grants.values() for t in instants]) <= PER_S


def _refused(times: int, retry_after: int) -> tuple[list[float], Callback]:
    """A send refused with 429 its first ``times`` times, and the instants it was made."""
    calls: list[float] = []

    async def send() -> bool:
        calls.append(time.monotonic())
        if len(calls) <= times:
            raise RetryAfter(retry_after)
        return True

    return calls, send


async def test_a_429_is_retried_after_its_retry_after(
    workers: tuple[list[SharedSendLimiter], GrantClock],
) -> None:
    calls, send = _refused(1, retry_after=1)
    assert await _sender(workers[0][0], send)(7) is True
    assert len(calls) == 2
    assert calls[1] - calls[0] >= 1.0


async def test_a_429_past_the_retries_reaches_the_caller(
    workers: tuple[list[SharedSendLimiter], GrantClock],
) -> None:
    calls, send = _refused(10, retry_after=0)
    with pytest.raises(RetryAfter):
        await _sender(workers[0][0], send)(7)
    assert len(calls) == 3  # the first try and max_retries=2 retries


async def test_without_redis_sends_go_through_the_workers_own_limiter(
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = connect(f"redis://127.0.0.1:{free_port()}", 1.0)  # nothing listens there
    limiter = SharedSendLimiter(client, "test:", max_retries=1)
    sent: list[object] = []

    async def send(chat_id: object) -> bool:
        sent.append(chat_id)
        return True

    with caplog.at_level(logging.WARNING, logger="bot.telegram.send_limit"):
        for chat in (5, -100):
            await limiter.process_request(send, (chat,), {}, "sendMessage", {"chat_id": chat}, None)
    await client.aclose()
    assert sent == [5, -100]
    assert "limiting this worker alone" in caplog.text
