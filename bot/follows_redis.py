"""Topic subscriptions (/follow) and pending alerts in Redis, shared by several workers.

Keys under ``prefix``: ``follows`` (hash: follow id -> JSON), ``follows:chat:<id>`` (hash:
folded topic -> follow id), ``alerts`` (hash: alert id -> JSON), ``alerts:keys`` (hash:
"chat:article" -> alert id, so an alert waits once), ``alerts:claim:<id>`` (who sends it, for
``CLAIM_TTL_S``) and two id counters. Every write that reads first is one Lua script, so two
workers following at once cannot pass the topic cap together. Subscriptions last as long as
Redis keeps its data: run it with ``appendonly yes`` (docs/SCALING.md). Blocking, as
``FollowStore`` is: the bot runs every call off the event loop.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

import redis

from bot.follows import Follow, Followed, PendingAlert, fold

#: How long a worker may take to send a claimed alert before another may send it instead.
CLAIM_TTL_S = 600

# KEYS: the chat's hash, all follows, the id counter; ARGV: folded topic, cap, the follow.
_FOLLOW = """
local id = redis.call('HGET', KEYS[1], ARGV[1])
if id then return {'already', id, redis.call('HGET', KEYS[2], id)} end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[2]) then return {'full'} end
id = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[1], ARGV[1], id)
redis.call('HSET', KEYS[2], id, ARGV[3])
return {'added', tostring(id)}
"""
# KEYS: the chat's hash, all follows; ARGV: folded topic, follow id.
_UNFOLLOW = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[2])
return 1
"""
# KEYS: the chat's hash, all follows, alerts, alert keys; ARGV: the alert keys' prefix.
_DROP_CHAT = """
local ids = redis.call('HVALS', KEYS[1])
for _, id in ipairs(ids) do redis.call('HDEL', KEYS[2], id) end
redis.call('DEL', KEYS[1])
local keys = redis.call('HGETALL', KEYS[4])
for i = 1, #keys, 2 do
  if string.sub(keys[i], 1, #ARGV[1]) == ARGV[1] then
    redis.call('HDEL', KEYS[4], keys[i])
    redis.call('HDEL', KEYS[3], keys[i + 1])
  end
end
return #ids
"""
# KEYS: alerts, alert keys, the id counter; ARGV: (alert key, alert) pairs. 0: already waiting.
_QUEUE = """
local out = {}
for i = 1, #ARGV, 2 do
  if redis.call('HEXISTS', KEYS[2], ARGV[i]) == 1 then
    table.insert(out, 0)
  else
    local id = redis.call('INCR', KEYS[3])
    redis.call('HSET', KEYS[2], ARGV[i], id)
    redis.call('HSET', KEYS[1], id, ARGV[i + 1])
    table.insert(out, id)
  end
end
return out
"""

# KEYS: alerts, the claim; ARGV: alert id, ttl (s). A claim on a delivered alert fails.
_CLAIM = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then return 1 end
return 0
"""


def connect(url: str, timeout_s: float) -> redis.Redis:
    """A blocking client for ``url`` whose calls give up after ``timeout_s`` seconds."""
    return redis.Redis.from_url(
        url, decode_responses=True, socket_timeout=timeout_s, socket_connect_timeout=timeout_s
    )


def _alert_key(chat_id: int, article_id: str) -> str:
    return f"{chat_id}:{article_id}"


def _follow(follow_id: object, text: object) -> Follow:
    chat_id, user_id, topic, lang = json.loads(str(text))
    return Follow(int(str(follow_id)), chat_id, user_id, topic, lang)


def _alert(alert_id: object, text: object) -> PendingAlert:
    chat_id, article_id, html, read_url, lang = json.loads(str(text))
    return PendingAlert(int(str(alert_id)), chat_id, article_id, html, read_url, lang)


class RedisFollowStore:
    """``Subscriptions`` in Redis under ``prefix``, through ``client`` (decoded responses)."""

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        self._client = client
        self._follows = f"{prefix}follows"
        self._next_follow = f"{prefix}follows:next"
        self._alerts = f"{prefix}alerts"
        self._alert_keys = f"{prefix}alerts:keys"
        self._next_alert = f"{prefix}alerts:next"
        self._claims = f"{prefix}alerts:claim:"
        self._follow = client.register_script(_FOLLOW)
        self._unfollow = client.register_script(_UNFOLLOW)
        self._drop_chat = client.register_script(_DROP_CHAT)
        self._queue = client.register_script(_QUEUE)
        self._claim = client.register_script(_CLAIM)

    def _chat(self, chat_id: int) -> str:
        return f"{self._follows}:chat:{chat_id}"

    def close(self) -> None:
        self._client.close()

    def follow(
        self, chat_id: int, user_id: int, topic: str, lang: str, *, max_topics: int
    ) -> tuple[Followed, Follow]:
        """As ``FollowStore.follow``."""
        topic = " ".join(topic.split())
        keys = [self._chat(chat_id), self._follows, self._next_follow]
        text = json.dumps([chat_id, user_id, topic, lang])
        outcome, *rest = self._follow(keys=keys, args=[fold(topic), max_topics, text])
        if outcome == "already":
            return Followed.ALREADY, _follow(rest[0], rest[1])
        if outcome == "full":
            return Followed.FULL, Follow(0, chat_id, user_id, topic, lang)
        return Followed.ADDED, Follow(int(rest[0]), chat_id, user_id, topic, lang)

    def topics(self, chat_id: int) -> list[Follow]:
        ids = sorted(int(i) for i in self._client.hvals(self._chat(chat_id)))
        if not ids:
            return []
        texts = self._client.hmget(self._follows, [str(i) for i in ids])
        return [_follow(i, text) for i, text in zip(ids, texts, strict=True) if text]

    def unfollow(self, chat_id: int, ref: str) -> Follow | None:
        ref = ref.strip()
        mine = self.topics(chat_id)
        found = next((f for f in mine if ref.isdigit() and f.id == int(ref)), None)
        found = found or next((f for f in mine if fold(f.topic) == fold(ref)), None)
        if found is None:
            return None
        keys = [self._chat(chat_id), self._follows]
        removed = self._unfollow(keys=keys, args=[fold(found.topic), str(found.id)])
        return found if removed else None

    def drop_chat(self, chat_id: int) -> int:
        keys = [self._chat(chat_id), self._follows, self._alerts, self._alert_keys]
        return int(self._drop_chat(keys=keys, args=[_alert_key(chat_id, "")]))

    def queue(self, alerts: Sequence[PendingAlert]) -> list[PendingAlert]:
        if not alerts:
            return []
        args: list[str] = []
        for a in alerts:
            text = json.dumps([a.chat_id, a.article_id, a.html, a.read_url, a.lang])
            args += [_alert_key(a.chat_id, a.article_id), text]
        ids = self._queue(keys=[self._alerts, self._alert_keys, self._next_alert], args=args)
        return [replace(a, id=int(i)) for a, i in zip(alerts, ids, strict=True) if int(i)]

    def pending(self) -> list[PendingAlert]:
        waiting = self._client.hgetall(self._alerts)
        return sorted((_alert(i, text) for i, text in waiting.items()), key=lambda a: a.id)

    def claim(self, alert_id: int) -> bool:
        keys = [self._alerts, f"{self._claims}{alert_id}"]
        return bool(self._claim(keys=keys, args=[alert_id, CLAIM_TTL_S]))

    def release(self, alert_id: int) -> None:
        self._client.delete(f"{self._claims}{alert_id}")

    def delivered(self, alert_id: int) -> None:
        text = self._client.hget(self._alerts, str(alert_id))
        with self._client.pipeline(transaction=True) as pipe:
            pipe.hdel(self._alerts, str(alert_id))
            if isinstance(text, str):
                alert = _alert(alert_id, text)
                pipe.hdel(self._alert_keys, _alert_key(alert.chat_id, alert.article_id))
            pipe.delete(f"{self._claims}{alert_id}")
            pipe.execute()

    def by_topic(self) -> dict[str, list[Follow]]:
        follows = [_follow(i, text) for i, text in self._client.hgetall(self._follows).items()]
        grouped: dict[str, list[Follow]] = {}
        for follow in sorted(follows, key=lambda f: (fold(f.topic), f.id)):
            grouped.setdefault(fold(follow.topic), []).append(follow)
        return grouped
