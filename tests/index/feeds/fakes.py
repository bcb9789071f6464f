"""A deterministic ``Fetcher`` for feed tests: routes of URL -> answer, and a log of calls.

An answer is a ``FetchResult``, an exception (raised) or a function of the ``Call``. A routed
``FetchResult`` with an ETag or Last-Modified answers a matching conditional GET with 304,
like a server would.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field, replace

from index.errors import HttpStatusError
from index.web.base import ARTICLE_TYPES, FetchResult


@dataclass(frozen=True, slots=True)
class Call:
    url: str
    accept: frozenset[str]
    etag: str | None
    last_modified: str | None


Answer = FetchResult | BaseException | Callable[[Call], FetchResult]


def served(
    url: str,
    body: bytes,
    content_type: str,
    *,
    charset: str | None = "utf-8",
    status: int = 200,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """What a server at ``url`` answers, with no redirect: ``body`` of ``content_type``."""
    return FetchResult(
        url, url, status, content_type, charset, body, etag, last_modified, status == 304
    )


def feed(
    url: str,
    body: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    content_type: str = "application/rss+xml",
) -> FetchResult:
    """A feed document as a server answers it."""
    return served(url, body.encode("utf-8"), content_type, etag=etag, last_modified=last_modified)


def page(url: str, html: str) -> FetchResult:
    """An HTML page as a server answers it."""
    return served(url, html.encode("utf-8"), "text/html")


def not_found(url: str) -> HttpStatusError:
    return HttpStatusError(f"{url}: HTTP 404", status=404)


@dataclass
class FakeFetcher:
    """Answers from ``routes``; an unknown URL is a 404. ``calls`` records every request."""

    routes: dict[str, Answer] = field(default_factory=dict)
    calls: list[Call] = field(default_factory=list)
    closed: bool = False

    def fetch(
        self,
        url: str,
        *,
        accept: Collection[str] = ARTICLE_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        call = Call(url, frozenset(accept), etag, last_modified)
        self.calls.append(call)
        answer = self.routes.get(url, not_found(url))
        if isinstance(answer, BaseException):
            raise answer
        if not isinstance(answer, FetchResult):
            return answer(call)
        if (answer.etag and etag == answer.etag) or (
            answer.last_modified and last_modified == answer.last_modified
        ):
            return replace(answer, url=url, status=304, charset=None, body=b"", not_modified=True)
        return answer

    def urls(self) -> list[str]:
        """The URLs asked for, in order."""
        return [c.url for c in self.calls]

    def close(self) -> None:
        self.closed = True
