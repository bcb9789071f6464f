"""From a URL to an article: ``fetch_article`` fetches it and parses it; ``parse_fetched``
parses a ``FetchResult`` (with ``index.documents.parse.parse_document``). Every article's id is
the hash of its body and its text is exactly what is stored: quote offsets index into it.
"""

from __future__ import annotations

import dataclasses
import logging

from index.documents.parse import HTML_TYPES, parse_document
from index.documents.text import ParsedArticle
from index.web.base import ARTICLE_TYPES, Fetcher, FetchResult

logger = logging.getLogger(__name__)


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
