"""The follow-up contexts' contract, on every backend: the previous question and replies.

Ages are read on the test's clock (``backend.advance``); Redis expires the previous question
in real time (``backend.expire``).
"""

from __future__ import annotations

import datetime as dt

from answering.followup import Turn
from bot.telegram.state.follow_ups import (
    REPLY_CONTEXT_TTL_S,
    REPLY_CONTEXTS,
    MemoryFollowUps,
)
from bot.telegram.state.redis_base import connect
from bot.telegram.state.redis_follow_ups import (
    RedisFollowUps,
    dump_turn,
    load_turn,
)
from tests.bot.telegram.fakes import ManualClock
from tests.bot.telegram.state.backends import SHORT_TTL_S, Backend

CHAT, OTHER = 7, -100


async def test_the_previous_question_is_the_chats_own_until_replaced(backend: Backend) -> None:
    follow_ups = backend.follow_ups()
    assert await follow_ups.previous(CHAT) is None
    asked = Turn("How many drones were intercepted?", backend.clock())
    await follow_ups.set_previous(CHAT, asked)
    assert await follow_ups.previous(CHAT) == asked
    assert await follow_ups.previous(OTHER) is None
    answered = Turn(asked.question, asked.at, dt.date(2024, 5, 1))
    await follow_ups.settle(CHAT, asked, answered)
    assert await follow_ups.previous(CHAT) == answered  # with its answer's date


async def test_an_answer_does_not_replace_a_newer_question(backend: Backend) -> None:
    follow_ups = backend.follow_ups()
    first = Turn("How many drones were intercepted?", backend.clock())
    await follow_ups.set_previous(CHAT, first)
    newer = Turn("Who is the mayor of Kyiv?", backend.clock() + 1)
    await follow_ups.set_previous(CHAT, newer)  # asked before the first was answered
    await follow_ups.settle(CHAT, first, Turn(first.question, first.at, dt.date(2024, 5, 1)))
    assert await follow_ups.previous(CHAT) == newer


async def test_the_previous_question_expires(backend: Backend) -> None:
    follow_ups = backend.follow_ups(ttl_s=SHORT_TTL_S)
    await follow_ups.set_previous(CHAT, Turn("q", backend.clock()))
    await backend.expire()
    assert await follow_ups.previous(CHAT) is None


async def test_a_reply_finds_the_question_behind_the_newest_answers(backend: Backend) -> None:
    follow_ups = backend.follow_ups()
    first = Turn("How many drones were intercepted?", backend.clock(), dt.date(2024, 5, 1))
    await follow_ups.remember(CHAT, [10, 11], first)  # an answer in two messages
    for n in range(REPLY_CONTEXTS):
        await follow_ups.remember(CHAT, [100 + n], Turn(f"q{n}", backend.clock()))
    await follow_ups.remember(OTHER, [10], Turn("theirs", backend.clock()))
    assert await follow_ups.replied(CHAT, 10) is None  # the oldest went first
    assert await follow_ups.replied(CHAT, 100) == Turn("q0", backend.clock())
    assert await follow_ups.replied(OTHER, 10) == Turn("theirs", backend.clock())
    assert await follow_ups.replied(CHAT, 99) is None

    await follow_ups.remember(CHAT, [500], first)
    assert await follow_ups.replied(CHAT, 500) == first
    backend.advance(REPLY_CONTEXT_TTL_S + 1)  # as long as its buttons work, and no longer
    assert await follow_ups.replied(CHAT, 500) is None


async def test_purge_forgets_old_questions_in_memory() -> None:
    clock = ManualClock()
    follow_ups = MemoryFollowUps(10.0, clock=clock)
    await follow_ups.set_previous(1, Turn("q", clock() - 20))
    await follow_ups.set_previous(2, Turn("q", clock() - 5))
    await follow_ups.remember(3, [1], Turn("q", clock()))
    assert follow_ups.purge() == 1
    assert await follow_ups.previous(2) is not None
    clock.now += REPLY_CONTEXT_TTL_S + 1
    follow_ups.purge()
    assert await follow_ups.replied(3, 1) is None


async def test_without_redis_a_follow_up_has_no_context_and_no_error() -> None:
    client = connect("redis://127.0.0.1:1/0", 0.2)  # nothing listens there
    follow_ups = RedisFollowUps(client, "x:", 60.0)
    await follow_ups.set_previous(CHAT, Turn("q", 1.0))
    await follow_ups.settle(CHAT, Turn("q", 1.0), Turn("q", 2.0))
    await follow_ups.remember(CHAT, [1], Turn("q", 1.0))
    assert await follow_ups.previous(CHAT) is None
    assert await follow_ups.replied(CHAT, 1) is None
    await client.aclose()


def test_a_turn_reads_back_as_written_and_garbage_as_nothing() -> None:
    turn = Turn("що сказав мер?", 1765100000.123456, dt.date(2025, 3, 1))
    assert load_turn(dump_turn(turn)) == turn
    assert load_turn(dump_turn(Turn("q", 2.0))) == Turn("q", 2.0)
    assert load_turn('{"question": "q"}') is None
    assert load_turn(None) is None
