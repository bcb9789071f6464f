"""Follow-up contexts in Redis, so that a follow-up reaching another worker finds its question.

A chat's previous question is a JSON string that Redis expires after ``ttl_s``; the questions
behind its answers are one hash per chat (message id -> JSON), of which the newest
``REPLY_CONTEXTS`` messages are kept (message ids grow within a chat), expiring
``REPLY_CONTEXT_TTL_S`` after the last answer. The client is ``redis.asyncio``, so no call holds
up the event loop; when Redis is away a follow-up is read on its own.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from collections.abc import Sequence

import redis.asyncio

from answering.followup import Turn
from bot.telegram.state.follow_ups import REPLY_CONTEXT_TTL_S, REPLY_CONTEXTS
from bot.telegram.state.redis_base import shielded
from bot.telegram.state.ttl_cache import Clock, check_positive

logger = logging.getLogger(__name__)


# KEYS[1]: the chat's previous question; ARGV: the one asked, the one answered, ttl (ms).
_SETTLE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
end
return 0
"""
# KEYS[1]: the chat's hash; ARGV: the turn, the cap, ttl (ms), then the message ids.
_REMEMBER = """
for i = 4, #ARGV do redis.call('HSET', KEYS[1], ARGV[i], ARGV[1]) end
local over = redis.call('HLEN', KEYS[1]) - tonumber(ARGV[2])
if over > 0 then
  local ids = redis.call('HKEYS', KEYS[1])
  table.sort(ids, function(a, b) return tonumber(a) < tonumber(b) end)
  for i = 1, over do redis.call('HDEL', KEYS[1], ids[i]) end
end
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 0
"""


def dump_turn(turn: Turn) -> str:
    date = turn.date.isoformat() if turn.date else None
    return json.dumps({"question": turn.question, "at": turn.at, "date": date})


def load_turn(text: object) -> Turn | None:
    """The turn written by ``dump_turn``; None for nothing or an unreadable value."""
    if not isinstance(text, str):
        return None
    try:
        data = json.loads(text)
        date = dt.date.fromisoformat(data["date"]) if data["date"] else None
        return Turn(str(data["question"]), float(data["at"]), date)
    except (ValueError, TypeError, KeyError) as exc:  # written by another version
        logger.warning("Dropping an unreadable follow-up context: %s", exc)
        return None


def _none() -> None:
    return None


def _no_text() -> str | None:
    return None


class RedisFollowUps:
    """``FollowUps`` in Redis under ``prefix``; the previous question lives ``ttl_s``, and a
    reply's question is read with ``clock`` (wall time, which the workers share)."""

    def __init__(
        self, client: redis.asyncio.Redis, prefix: str, ttl_s: float, *, clock: Clock = time.time
    ) -> None:
        check_positive(ttl_s=ttl_s)
        self._client = client
        self._clock = clock
        self._prefix = prefix
        self._ttl_ms = max(1, round(ttl_s * 1000))
        self._reply_ttl_ms = round(REPLY_CONTEXT_TTL_S * 1000)
        self._settle = client.register_script(_SETTLE)
        self._remember = client.register_script(_REMEMBER)

    def _turn_key(self, chat_id: int) -> str:
        return f"{self._prefix}turn:{chat_id}"

    def _replies_key(self, chat_id: int) -> str:
        return f"{self._prefix}replies:{chat_id}"

    async def previous(self, chat_id: int) -> Turn | None:
        return load_turn(await self._get(self._turn_key(chat_id)))

    @shielded(_no_text)
    async def _get(self, key: str) -> str | None:
        text = await self._client.get(key)
        return text if isinstance(text, str) else None

    @shielded(_none)
    async def set_previous(self, chat_id: int, turn: Turn) -> None:
        await self._client.set(self._turn_key(chat_id), dump_turn(turn), px=self._ttl_ms)

    @shielded(_none)
    async def settle(self, chat_id: int, asked: Turn, answered: Turn) -> None:
        args: list[str | int] = [dump_turn(asked), dump_turn(answered), self._ttl_ms]
        await self._settle(keys=[self._turn_key(chat_id)], args=args)

    @shielded(_none)
    async def remember(self, chat_id: int, message_ids: Sequence[int], turn: Turn) -> None:
        if not message_ids:
            return
        args: list[str | int] = [dump_turn(turn), REPLY_CONTEXTS, self._reply_ttl_ms]
        args += message_ids
        await self._remember(keys=[self._replies_key(chat_id)], args=args)

    async def replied(self, chat_id: int, message_id: int) -> Turn | None:
        turn = load_turn(await self._hget(self._replies_key(chat_id), str(message_id)))
        if turn is None or self._clock() - turn.at > REPLY_CONTEXT_TTL_S:
            return None
        return turn

    @shielded(_no_text)
    async def _hget(self, key: str, field: str) -> str | None:
        text = await self._client.hget(key, field)
        return text if isinstance(text, str) else None

    def purge(self) -> int:
        """Nothing to do: Redis expires the contexts itself."""
        return 0
