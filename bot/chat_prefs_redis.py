"""The chats' choices from /settings in Redis, shared by several workers, mirrored in memory.

One hash under ``prefix`` (``chat-prefs``: chat id -> "lang length version") holds every
chat's choices; a change is written and published on ``chat-prefs:changed`` by one Lua script,
with a version from the counter ``chat-prefs:version``, so that a store never replaces a newer
choice with an older one it heard of late. Each store keeps every chat's choices in memory
(the bot reads them on every update, from the event loop) and a thread of its own listens for
changes. Whenever it (re)subscribes it reloads the whole hash, since changes made while it was
cut off were never delivered to it; after a Redis restart that lost the hash, chats are back to
their defaults. The choices do not expire: they last as long as Redis keeps its data (run it
with ``appendonly yes``, docs/SCALING.md).
"""

from __future__ import annotations

import logging
import threading

import redis

from bot.chat_prefs import DEFAULT_PREFS, LANG_CHOICES, ChatPrefs, as_length, stored_prefs

logger = logging.getLogger(__name__)

#: How long the listener waits for a message before it looks whether it should stop.
POLL_S = 0.5
#: How long the listener waits before it tries again to reach a Redis that went away.
RETRY_S = 1.0

# KEYS: the hash, the version counter; ARGV: chat id, lang or "", length or "", the
# defaults ("lang length"), the channel.
_CHOOSE = """
local now = redis.call('HGET', KEYS[1], ARGV[1]) or ARGV[4]
local lang, length = string.match(now, '^(%S+) (%S+)')
if not lang then lang, length = string.match(ARGV[4], '^(%S+) (%S+)') end
if ARGV[2] ~= '' then lang = ARGV[2] end
if ARGV[3] ~= '' then length = ARGV[3] end
now = lang .. ' ' .. length .. ' ' .. redis.call('INCR', KEYS[2])
redis.call('HSET', KEYS[1], ARGV[1], now)
redis.call('PUBLISH', ARGV[5], ARGV[1] .. ' ' .. now)
return now
"""

#: A chat's choices and the version they were written with.
Versioned = tuple[int, ChatPrefs]


def _parse(text: str) -> Versioned:
    lang, _, rest = text.partition(" ")
    length, _, version = rest.partition(" ")
    return int(version) if version.isdigit() else 0, stored_prefs(lang, length)


class RedisChatPrefs:
    """``ChatChoices`` in Redis under ``prefix``, through ``client`` (decoded responses).

    Opening waits up to ``load_timeout_s`` for the first load; a Redis that does not answer by
    then leaves every chat at its defaults until the listener reaches it."""

    def __init__(self, client: redis.Redis, prefix: str, *, load_timeout_s: float = 10.0) -> None:
        self._client = client
        self._key = f"{prefix}chat-prefs"
        self._channel = f"{prefix}chat-prefs:changed"
        self._version = f"{prefix}chat-prefs:version"
        self._choose = client.register_script(_CHOOSE)
        self._prefs: dict[int, Versioned] = {}
        self._lock = threading.Lock()  # between the listener and ``choose``'s callers
        self._loaded = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="chat-prefs", daemon=True)
        self._thread.start()
        if not self._loaded.wait(load_timeout_s):
            logger.warning("Chat settings not loaded from Redis yet: defaults until it answers")

    def get(self, chat_id: int) -> ChatPrefs:
        found = self._prefs.get(chat_id)
        return DEFAULT_PREFS if found is None else found[1]

    def choose(
        self, chat_id: int, *, lang: str | None = None, length: str | None = None
    ) -> ChatPrefs:
        """As ``ChatPrefsStore.choose``; the change is read-modify-written in Redis, so two
        workers changing a chat's language and its length at once keep both."""
        if lang is not None and lang not in LANG_CHOICES:
            raise ValueError(f"unknown interface language {lang!r}")
        if length is not None:
            as_length(length)
        defaults = f"{DEFAULT_PREFS.lang} {DEFAULT_PREFS.length}"
        args: list[str | int] = [chat_id, lang or "", length or "", defaults, self._channel]
        chosen = _parse(str(self._choose(keys=[self._key, self._version], args=args)))
        self._keep(chat_id, chosen)  # this worker's next update sees it before the message
        return chosen[1]

    def __len__(self) -> int:
        return len(self._prefs)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self._client.close()

    def _keep(self, chat_id: int, chosen: Versioned) -> None:
        """Keep ``chosen`` unless the chat's choices known here are newer."""
        with self._lock:
            known = self._prefs.get(chat_id)
            if known is None or known[0] < chosen[0]:
                self._prefs[chat_id] = chosen

    def _reload(self) -> None:
        rows = self._client.hgetall(self._key)
        with self._lock:
            self._prefs = {int(chat): _parse(str(text)) for chat, text in rows.items()}
        self._loaded.set()

    def _apply(self, data: str) -> None:
        chat, _, text = data.partition(" ")
        self._keep(int(chat), _parse(text))

    def _listen(self) -> None:
        """Keep the mirror fresh until ``close``, subscribing again after Redis went away."""
        cut_off = False
        while not self._stop.is_set():
            pubsub = self._client.pubsub()
            try:
                pubsub.subscribe(self._channel)
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=POLL_S)
                    if message is None:
                        continue
                    if message["type"] == "subscribe":  # also after redis-py reconnected
                        self._reload()
                        if cut_off:
                            logger.info("Chat settings reloaded from Redis")
                        cut_off = False
                    elif message["type"] == "message":
                        self._apply(str(message["data"]))
            except (redis.RedisError, OSError, ValueError) as exc:  # the mirror must go on
                if not cut_off:
                    logger.warning("Chat settings lost Redis (%s); retrying", exc)
                cut_off = True
                self._stop.wait(RETRY_S)
            finally:
                pubsub.close()
