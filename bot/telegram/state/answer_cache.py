"""Recent answers by question, shared by chat and inline questions, and the key they go by."""

from __future__ import annotations

import re
from typing import Protocol

from answering.types import Answer

_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s?!.…]+$")


class AnswerCache(Protocol):
    """Answers by normalised question, each kept for a while (``TtlCache[Answer]`` in memory)."""

    def get(self, key: str) -> Answer | None:
        """The answer kept under ``key``, or None when unknown or expired."""
        ...

    def put(self, key: str, value: Answer) -> None:
        """Keep ``value`` under ``key`` (replacing an older one)."""
        ...

    def clear(self) -> None:
        """Forget every answer (the articles changed, so they may be stale)."""
        ...

    def purge(self) -> int:
        """Drop expired answers; returns how many were dropped."""
        ...


def normalize_question(question: str) -> str:
    """The cache key of ``question``: case-folded, spaces collapsed, trailing ``?!.`` dropped."""
    return _TRAILING.sub("", _SPACES.sub(" ", question).strip().casefold())
