"""Follow-up contexts: each chat's previous question, and the questions behind its answers.

A follow-up ("and how many were launched?") leans on the chat's previous question; a reply to
one of the bot's answers leans on the question that answer answered. ``FollowUps`` keeps both
(``MemoryFollowUps`` in this process; ``RedisFollowUps`` for several workers). Its methods are
coroutines, so that a backend over the network runs off the event loop.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol

from answering.followup import Turn
from bot.telegram.state.ttl_cache import Clock, check_positive

#: Answers per chat whose question a reply can lean on (the newest are kept), and for how
#: long (as long as their buttons work).
REPLY_CONTEXTS = 50
REPLY_CONTEXT_TTL_S = 24 * 3600.0


class FollowUps(Protocol):
    """Each chat's previous question (kept ``ttl_s``) and the questions behind its last
    ``REPLY_CONTEXTS`` answers (kept ``REPLY_CONTEXT_TTL_S``). ``Turn.at`` is wall time."""

    async def previous(self, chat_id: int) -> Turn | None:
        """The chat's previous question, if one was asked within ``ttl_s``."""
        ...

    async def set_previous(self, chat_id: int, turn: Turn) -> None:
        """``turn`` is the chat's previous question from now on."""
        ...

    async def settle(self, chat_id: int, asked: Turn, answered: Turn) -> None:
        """Replace the chat's previous question ``asked`` by ``answered`` (the same question
        with its answer's date), unless another question came in between."""
        ...

    async def remember(self, chat_id: int, message_ids: Sequence[int], turn: Turn) -> None:
        """``turn`` is the question behind the bot's messages ``message_ids`` in the chat."""
        ...

    async def replied(self, chat_id: int, message_id: int) -> Turn | None:
        """The question behind the bot's message ``message_id`` in the chat, if known."""
        ...

    def purge(self) -> int:
        """Forget what has expired; returns how many previous questions went."""
        ...


class MemoryFollowUps:
    """``FollowUps`` in this process, read with ``clock`` (wall time)."""

    def __init__(self, ttl_s: float, *, clock: Clock = time.time) -> None:
        check_positive(ttl_s=ttl_s)
        self._ttl_s = ttl_s
        self._clock = clock
        self._previous: dict[int, Turn] = {}
        self._answered: dict[int, OrderedDict[int, Turn]] = {}

    async def previous(self, chat_id: int) -> Turn | None:
        turn = self._previous.get(chat_id)
        return turn if turn is not None and self._clock() - turn.at < self._ttl_s else None

    async def set_previous(self, chat_id: int, turn: Turn) -> None:
        self._previous[chat_id] = turn

    async def settle(self, chat_id: int, asked: Turn, answered: Turn) -> None:
        if self._previous.get(chat_id) == asked:
            self._previous[chat_id] = answered

    async def remember(self, chat_id: int, message_ids: Sequence[int], turn: Turn) -> None:
        answered = self._answered.setdefault(chat_id, OrderedDict())
        for message_id in message_ids:
            answered[message_id] = turn
        while len(answered) > REPLY_CONTEXTS:
            answered.popitem(last=False)

    async def replied(self, chat_id: int, message_id: int) -> Turn | None:
        answered = self._answered.get(chat_id)
        turn = answered.get(message_id) if answered else None
        if turn is None or self._clock() - turn.at > REPLY_CONTEXT_TTL_S:
            return None
        return turn

    def purge(self) -> int:
        now = self._clock()
        stale = [chat for chat, turn in self._previous.items() if now - turn.at >= self._ttl_s]
        for chat_id in stale:
            del self._previous[chat_id]
        for chat_id, answered in list(self._answered.items()):
            for message_id in [m for m, t in answered.items() if now - t.at > REPLY_CONTEXT_TTL_S]:
                del answered[message_id]
            if not answered:
                del self._answered[chat_id]
        return len(stale)
