"""A quote for tests: any text at any offset, the article's fields filled in."""

from __future__ import annotations

import datetime as dt

from answering.types import Quote


def quote_of(
    text: str,
    start: int = 0,
    *,
    title: str = "Drones",
    date: dt.date | None = None,
    source: str | None = None,
    url: str | None = None,
) -> Quote:
    """``text`` quoted from ``start`` of article ``a1`` (named ``title``)."""
    return Quote("a1", title, date, source, url, text, start, start + len(text))
