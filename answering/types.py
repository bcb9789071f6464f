"""What an answer is, and the contract of whatever produces one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Protocol

#: What a quote's JSON holds (the paragraph and the score stay out), in this order.
_QUOTE_JSON = ("article_id", "title", "date", "source", "author", "text", "start", "end", "answer")


@dataclass(frozen=True, slots=True)
class Quote:
    """A verbatim excerpt: ``text == article.text[start:end]`` (checked in code).

    ``paragraph`` is the surrounding paragraph (``article.text[paragraph_start:paragraph_end]``)
    for the "Full passage" view.
    """

    article_id: str
    title: str
    date: dt.date | None
    source: str | None
    url: str | None
    text: str
    start: int
    end: int
    score: float = 0.0
    paragraph: str = ""
    paragraph_start: int = 0
    paragraph_end: int = 0
    answer: str | None = None  # the short answer this quote gives (shown when sources differ)
    author: str | None = None

    def as_json(self) -> dict[str, object]:
        data: dict[str, object] = {name: getattr(self, name) for name in _QUOTE_JSON}
        data["date"] = self.date.isoformat() if self.date else None
        return data


@dataclass(frozen=True, slots=True)
class ArticleRef:
    """An article named in a reply (for example the closest one when declining)."""

    article_id: str
    title: str
    date: dt.date | None
    source: str | None
    url: str | None
    author: str | None = None


@dataclass(frozen=True, slots=True)
class Answer:
    """The reply to one question.

    ``answer`` is the short answer, or None when the bot declines (then ``closest`` names the
    nearest articles) or replies to small talk. ``quotes`` back the answer; ``more`` are the
    next best passages. ``timings`` are milliseconds per stage. ``small_talk`` names the kind
    of a greeting, thanks, goodbye or acknowledgement ("greeting"), answered with a friendly
    text (``small_talk.<kind>``) and the ``examples`` of questions to ask: no decline.
    """

    question: str
    answer: str | None
    quotes: tuple[Quote, ...] = ()
    confidence: float = 0.0
    lang: str = "en"
    closest: tuple[ArticleRef, ...] = ()
    more: tuple[Quote, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    latency_ms: float = 0.0
    notice: str | None = None  # a UI string key shown before the answer ("english_only")
    disagree: bool = False  # the quotes give different answers (each with its date)
    timeline: bool = False  # the quotes are reports of different events, newest first
    # No short answer of the kind asked for is in the evidence: the quote stands alone (no
    # bold short answer), and ``answer`` is the quote's text.
    excerpt_only: bool = False
    small_talk: str | None = None
    examples: tuple[str, ...] = ()

    @property
    def declined(self) -> bool:
        return self.answer is None and self.small_talk is None

    def as_json(self) -> dict[str, object]:
        return {
            "answer": self.answer,
            "quotes": [q.as_json() for q in self.quotes],
            "confidence": round(self.confidence, 4),
            "latency_ms": round(self.latency_ms, 2),
            "lang": self.lang,
            "closest": [
                {
                    "article_id": r.article_id,
                    "title": r.title,
                    "date": r.date.isoformat() if r.date else None,
                    "source": r.source,
                }
                for r in self.closest
            ],
            "timings_ms": {k: round(v, 2) for k, v in self.timings.items()},
            "notice": self.notice,
            "disagree": self.disagree,
            "timeline": self.timeline,
            "excerpt_only": self.excerpt_only,
            "small_talk": self.small_talk,
            "examples": list(self.examples),
        }


class Answerer(Protocol):
    """Answers one question from the indexed articles. Synchronous and CPU-bound: async callers
    run it in a worker thread. Raises ``InputError`` subclasses for unusable questions."""

    def answer(self, question: str) -> Answer: ...

    def warm(self) -> None:
        """Load models and indexes now, so the first question is fast."""
        ...
