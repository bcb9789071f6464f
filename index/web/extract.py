"""From fetched (or local) bytes to an article, by media type: HTML, PDF or plain text.

``fetch_article`` fetches a URL and parses it; ``parse_fetched`` parses a ``FetchResult``;
``parse_document`` parses bytes of a known media type (local ``.html`` and ``.pdf`` files come
through it too). Every article's id is the hash of its body and its text is exactly what is
stored: quote offsets index into it.
"""

from __future__ import annotations

import dataclasses
import logging

from index.articles import ParsedArticle, parse_article_bytes
from index.errors import ArticleError
from index.web.base import ARTICLE_TYPES, Fetcher, FetchResult
from index.web.html_page import parse_html
from index.web.pdf import parse_pdf

logger = logging.getLogger(__name__)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPES = frozenset({"application/pdf"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown"})


def parse_document(
    data: bytes, *, media_type: str, charset: str | None, origin: str, url: str | None
) -> ParsedArticle:
    """Parse ``data`` as ``media_type`` (HTML, PDF, plain text or Markdown).

    ``origin`` is where it came from (a URL or an absolute path); ``url`` is the page's web
    address, if any (an HTML page's canonical URL takes its place). Raises an ``ArticleError``
    subclass: ``NoArticleTextError``, ``PdfNoTextError``, ``EmptyArticleError``, ... or the
    base class for a media type that is not an article.
    """
    kind = media_type.split(";", 1)[0].strip().lower()
    if kind in HTML_TYPES:
        return parse_html(data, charset=charset, origin=origin, url=url)
    if kind in PDF_TYPES:
        return parse_pdf(data, origin=origin, url=url)
    if kind in TEXT_TYPES:
        parsed = parse_article_bytes(data, origin=origin)
        if url and parsed.article.url is None:
            article = dataclasses.replace(parsed.article, url=url)
            return ParsedArticle(article, parsed.warnings)
        return parsed
    raise ArticleError(
        f"{origin or url or 'document'}: media type {kind} is not an article",
        user_message=f"This is not an article (content type {kind}).",
    )


def parse_fetched(result: FetchResult) -> ParsedArticle:
    """The article in a fetched page. Its ``origin`` is the page's canonical URL when it
    gives one on its own site, else the URL it was fetched from (after redirects)."""
    if result.not_modified:
        raise ValueError(f"{result.url}: not modified, nothing to parse")
    parsed = parse_document(
        result.body,
        media_type=result.content_type,
        charset=result.charset,
        origin=result.final_url,
        url=result.final_url,
    )
    article = parsed.article
    if result.content_type in HTML_TYPES and article.url and article.url != article.origin:
        article = dataclasses.replace(article, origin=article.url)
        parsed = ParsedArticle(article, parsed.warnings)
    logger.info("parsed %s: %r, %d characters", result.final_url, article.title, len(article.text))
    return parsed


def fetch_article(fetcher: Fetcher, url: str) -> ParsedArticle:
    """Fetch ``url`` (an article: HTML, PDF or text) and parse it. Raises a ``FetchError`` or
    an ``ArticleError`` subclass."""
    return parse_fetched(fetcher.fetch(url, accept=ARTICLE_TYPES))
