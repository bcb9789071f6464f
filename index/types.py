"""Typed data that crosses module lines. All offsets are character offsets into ``Article.text``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` into an article's text."""

    start: int
    end: int

    def slice(self, text: str) -> str:
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article. ``text`` is the body; every offset in newsbot points into it.

    ``id`` is the hash of the body text, so the same article ingested twice (or under another
    headline) has one id. ``origin`` is where it came from (an absolute file path or a URL):
    a changed article from the same origin replaces the old one. ``source`` names the site or
    publication, ``author`` the person who wrote it.
    """

    id: str
    text: str
    title: str
    date: dt.date | None = None
    source: str | None = None
    url: str | None = None
    origin: str = ""
    title_derived: bool = False
    author: str | None = None


def header_text(title: str, date: dt.date | None) -> str:
    """An article's title and date as searchable text: ``Title (Tuesday 4 February 2025,
    2025-02-04)``, so both written and ISO dates, and the weekday, match a question."""
    if date is None:
        return title
    return (
        f"{title} ({date.strftime('%A')} {date.day} {date.strftime('%B %Y')}, {date.isoformat()})"
    )


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """An indexed article's metadata, for listings (``/sources``, ``newsbot sources``)."""

    id: str
    title: str
    date: dt.date | None
    source: str | None
    url: str | None
    origin: str
    chunks: int
    added_at: dt.datetime
    author: str | None = None


@dataclass(frozen=True, slots=True)
class Chunk:
    """A window of whole sentences. ``text == article.text[start:end]``.

    ``sentences`` are the spans (absolute offsets into the article text) of the sentences in
    the window; ``paragraph`` is the span of the paragraph(s) the window lies in.
    """

    article_id: str
    ordinal: int
    start: int
    end: int
    text: str
    sentences: tuple[Span, ...]

    @property
    def key(self) -> str:
        return f"{self.article_id}:{self.ordinal}"


@dataclass(frozen=True, slots=True)
class Passage:
    """A retrieved chunk with its article and the scores that ranked it."""

    chunk: Chunk
    article: Article
    score: float
    dense_score: float | None = None
    lexical_score: float | None = None
    dense_rank: int | None = None
    lexical_rank: int | None = None


@dataclass(slots=True)
class IngestReport:
    """What an ingest did, file by file; ``added_ids`` are the ids of the added articles
    (for topic alerts on what is new)."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    rejected: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    added_ids: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated)

    def extend(self, other: IngestReport) -> None:
        """Add what ``other`` did to this report."""
        self.added.extend(other.added)
        self.updated.extend(other.updated)
        self.skipped.extend(other.skipped)
        self.rejected.extend(other.rejected)
        self.warnings.extend(other.warnings)
        self.added_ids.extend(other.added_ids)
