"""Reading a fetched feed with feedparser, and what newsbot needs from each entry: its key, its
link, its dates, its text when it has no link, and the facts that complete a fetched article.
"""

from __future__ import annotations

import calendar
import dataclasses
import datetime as dt
import hashlib
import io
import logging
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import feedparser
import trafilatura

from index.documents.text import ParsedArticle, article_from_body
from index.errors import (
    ArticleError,
    ContentTypeError,
    FeedError,
    FetchTooLargeError,
    HttpStatusError,
    NewsBotError,
    UrlRefusedError,
)
from index.web.base import FetchResult

logger = logging.getLogger(__name__)

#: Entry text (HTML stripped) shorter than this is a teaser, not an article to index.
MIN_ENTRY_TEXT_CHARS = 200
_HTML_TYPES = ("text/html", "application/xhtml+xml")

Entry = Mapping[str, Any]


@dataclasses.dataclass(frozen=True, slots=True)
class ParsedFeed:
    """A feed's title and its entries, in document order."""

    title: str | None
    entries: Sequence[Entry]


def parse_feed(result: FetchResult) -> ParsedFeed:
    """Parse a fetched feed; raises ``FeedError`` for a document that is no feed or has no
    entries. (The body goes in as a stream: feedparser would take bytes that look like a
    file name for a local file to open.)"""
    headers = {"content-location": result.final_url}
    if result.charset:
        headers["content-type"] = f"{result.content_type}; charset={result.charset}"
    elif result.content_type:
        headers["content-type"] = result.content_type
    parsed = feedparser.parse(io.BytesIO(result.body), response_headers=headers)
    entries: list[Entry] = list(parsed.get("entries") or [])
    if not entries:
        if parsed.get("bozo") or not parsed.get("version"):
            why = parsed.get("bozo_exception") or "no feed version recognised"
            raise FeedError(
                f"{result.url}: not a feed ({why})",
                problem="it is not a well-formed RSS or Atom feed",
            )
        raise FeedError(f"{result.url}: no entries", problem="it has no entries")
    title = _plain_text(parsed.get("feed", {}).get("title_detail")) or None
    return ParsedFeed(title=title, entries=entries)


def entry_key(entry: Entry) -> str:
    """What identifies an entry across polls: its id, else its link, else a hash of its text."""
    for name in ("id", "link"):
        value = entry.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip()
    text = f"{entry.get('title', '')}\n{entry.get('summary', '')}"
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def entry_link(entry: Entry) -> str | None:
    """The entry's http(s) link (made absolute by feedparser), or None."""
    link = entry.get("link")
    if not isinstance(link, str) or urlsplit(link.strip()).scheme.lower() not in ("http", "https"):
        return None
    return link.strip()


def _when(entry: Entry, name: str) -> dt.datetime | None:
    # A plain dict look-up: feedparser's own maps a missing updated_parsed to published_parsed
    # (with a deprecation warning), which would hide which of the two the entry has.
    value = dict.get(entry, name) if isinstance(entry, dict) else entry.get(name)
    if not isinstance(value, time.struct_time):
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(value), dt.UTC)
    except (OverflowError, ValueError, OSError):
        return None


def entry_version(entry: Entry) -> dt.datetime | None:
    """When the entry last changed: its ``updated`` date, else its ``published`` date."""
    return _when(entry, "updated_parsed") or _when(entry, "published_parsed")


def entry_date(entry: Entry) -> dt.date | None:
    """The entry's publication day: ``published``, else ``updated``."""
    when = _when(entry, "published_parsed") or _when(entry, "updated_parsed")
    return None if when is None else when.date()


def newest(entries: Sequence[Entry], limit: int) -> list[Entry]:
    """The ``limit`` newest entries: by date when every entry has one, else in document order
    (feeds list their newest entries first)."""
    dated = [(when, e) for e in entries if (when := entry_version(e)) is not None]
    if len(dated) == len(entries):
        dated.sort(key=lambda pair: pair[0], reverse=True)
        return [e for _, e in dated[:limit]]
    return list(entries[:limit])


def _plain_text(detail: object) -> str:
    """The text of a feedparser text construct (``{'type': ..., 'value': ...}``), HTML
    stripped (feedparser has already sanitized it)."""
    if not isinstance(detail, Mapping):
        return ""
    value = detail.get("value")
    if not isinstance(value, str) or not value.strip():
        return ""
    if str(detail.get("type", "")).lower() not in _HTML_TYPES:
        return value.strip()
    page = f"<html><body><article>{value}</article></body></html>"
    text = trafilatura.extract(page, favor_recall=True, include_comments=False)
    if not text:
        text = trafilatura.html2txt(page)
    # Paragraphs on lines of their own, separated by an empty line, as in article files.
    return "\n\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


def entry_title(entry: Entry) -> str:
    """The entry's title as one line of plain text (may be empty)."""
    title = _plain_text(entry.get("title_detail")) or str(entry.get("title") or "")
    return " ".join(title.split())


def entry_text(entry: Entry) -> str:
    """The entry's own text: its longest content or, failing that, its summary."""
    texts = [_plain_text(c) for c in entry.get("content") or []]
    texts.append(_plain_text(entry.get("summary_detail")))
    return max(texts, key=len)


def article_from_entry(entry: Entry, *, origin: str, source: str | None) -> ParsedArticle | None:
    """The entry's own text as an article, or None when it is too short to be one."""
    body = entry_text(entry)
    if len(body) < MIN_ENTRY_TEXT_CHARS:
        return None
    return article_from_body(
        body, title=entry_title(entry), date=entry_date(entry), source=source, origin=origin
    )


def complete_article(
    parsed: ParsedArticle, entry: Entry, *, link: str, source: str | None
) -> ParsedArticle:
    """Fill what the fetched page lacked from the entry: the date, the title, the source (the
    feed's title) and the URL."""
    article = parsed.article
    changes: dict[str, Any] = {}
    if article.date is None and (date := entry_date(entry)) is not None:
        changes["date"] = date
    if (article.title_derived or not article.title) and (title := entry_title(entry)):
        changes["title"], changes["title_derived"] = title, False
    if not article.source and source:
        changes["source"] = source
    if not article.url:
        changes["url"] = link
    if not changes:
        return parsed
    return ParsedArticle(dataclasses.replace(article, **changes), parsed.warnings)


def is_permanent(error: NewsBotError) -> bool:
    """Whether an entry's failure would repeat on every poll (a 404, a page with no article
    text, a refused URL...), as opposed to a timeout, a 5xx or a dropped connection."""
    if isinstance(error, HttpStatusError):
        status = int(error.params.get("status", 0))
        return 400 <= status < 500 and status not in (408, 425, 429)
    return isinstance(error, ArticleError | ContentTypeError | UrlRefusedError | FetchTooLargeError)
