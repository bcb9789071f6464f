"""The citation check: a quote is shown only if it is a verbatim slice of its article."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from answering.readers.extractive import Reading
from answering.types import Quote
from index.types import Article

logger = logging.getLogger(__name__)


def cites(quote: Quote, reading: Reading) -> bool:
    """Whether ``quote`` quotes ``reading``'s sentence (a widened quotation may hold more)."""
    return quote.article_id == reading.article.id and (
        quote.start <= reading.sentence.start < quote.end
    )


def is_verbatim(quote: Quote, article: Article) -> bool:
    """Whether ``quote.text == article.text[quote.start:quote.end]`` (and the offsets are sane)."""
    return (
        quote.article_id == article.id
        and 0 <= quote.start < quote.end <= len(article.text)
        and article.text[quote.start : quote.end] == quote.text
        and bool(quote.text.strip())
    )


def verified(quotes: Iterable[Quote], article_of: Callable[[str], Article | None]) -> list[Quote]:
    """The quotes that pass ``is_verbatim``; the others are dropped and logged."""
    kept: list[Quote] = []
    for quote in quotes:
        article = article_of(quote.article_id)
        if article is not None and is_verbatim(quote, article):
            kept.append(quote)
        else:
            logger.warning(
                "dropped a quote that is not a verbatim slice of article %s [%d:%d]",
                quote.article_id,
                quote.start,
                quote.end,
            )
    return kept
