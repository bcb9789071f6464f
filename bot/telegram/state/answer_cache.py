"""Recent answers by question, shared by chat and inline questions, and the key they go by."""

from __future__ import annotations

import re
import time
from typing import Protocol

from answering.types import Answer
from bot.telegram.state.ttl_cache import Clock, TtlCache

_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s?!.…]+$")


class AnswerCache(Protocol):
    """Answers by normalised question, each kept for a while (``MemoryAnswerCache`` in memory)."""

    async def get(self, key: str) -> Answer | None:
        """The answer kept under ``key``, or None when unknown or expired."""
        ...

    async def put(self, key: str, value: Answer) -> None:
        """Keep ``value`` under ``key`` (replacing an older one)."""
        ...

    async def clear(self) -> None:
        """Forget every answer (the articles changed, so they may be stale)."""
        ...

    async def purge(self) -> int:
        """Drop expired answers; returns how many were dropped."""
        ...


class MemoryAnswerCache:
    """``AnswerCache`` in this process: the last ``capacity`` answers, each for ``ttl_s``. Its
    methods are coroutines only to serve behind the Protocol: they never wait."""

    def __init__(self, capacity: int, ttl_s: float, *, clock: Clock = time.monotonic) -> None:
        self._answers = TtlCache[Answer](capacity, ttl_s, clock=clock)

    def __len__(self) -> int:
        return len(self._answers)

    async def get(self, key: str) -> Answer | None:
        return self._answers.get(key)

    async def put(self, key: str, value: Answer) -> None:
        self._answers.put(key, value)

    async def clear(self) -> None:
        self._answers.clear()

    async def purge(self) -> int:
        return self._answers.purge()


def normalize_question(question: str) -> str:
    """The cache key of ``question``: case-folded, spaces collapsed, trailing ``?!.`` dropped."""
    return _TRAILING.sub("", _SPACES.sub(" ", question).strip().casefold())
