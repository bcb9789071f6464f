"""The contract of fetching: a ``Fetcher`` returns a ``FetchResult`` or raises a ``FetchError``.

The HTTP fetcher (``index.web.fetch``) enforces the safety rules (http/https only, private
addresses refused unless allowed, size cap, content-type check, limited redirects, timeouts,
a clear User-Agent, a polite rate per host); tests use a loopback server or a fake.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Protocol

#: Content types accepted for an article.
ARTICLE_TYPES = frozenset(
    {"text/html", "application/xhtml+xml", "application/pdf", "text/plain", "text/markdown"}
)
#: Content types accepted for a feed (servers label feeds loosely).
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/xml",
        "text/xml",
        "application/rdf+xml",
        "application/feed+json",
        "text/html",  # some servers label feeds text/html; feedparser decides
        "text/plain",
    }
)


@dataclass(frozen=True, slots=True)
class FetchResult:
    """One fetched URL. ``not_modified`` is True for a 304 answer to a conditional GET (then
    ``body`` is empty)."""

    url: str  # as asked
    final_url: str  # after redirects
    status: int
    content_type: str  # lower-case media type without parameters ("text/html")
    charset: str | None  # from the Content-Type header, if any
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


class Fetcher(Protocol):
    """Fetches one URL under the configured safety rules."""

    def fetch(
        self,
        url: str,
        *,
        accept: Collection[str] = ARTICLE_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET ``url``; raises a ``FetchError`` subclass (refused URL, HTTP error status,
        timeout, too large, content type not in ``accept``) with a clear reason."""
        ...

    def close(self) -> None: ...
