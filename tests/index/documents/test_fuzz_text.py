"""Fuzzing the article file header (`` title …``, `` date …``, `` source …``, `` url …`` lines
before the body): any text is an article or an ``EmptyArticleError``, a date is read or is
None (with a warning), and a well-formed header is read back exactly as it was written.

The checks are plain functions, shared with ``bench/fuzz.py`` through ``TARGETS``.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from index.documents.text import content_id, derive_title, parse_article_text, parse_date
from index.errors import EmptyArticleError
from tests.fuzzing import FuzzTarget, fuzz_each

#: The written date forms the header documents (ISO first), as ``strftime`` formats.
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%d.%m.%Y", "%Y/%m/%d", "%Y-%m-%dT%H:%M:%S")
HEADER_WORDS = st.sampled_from(
    [" title", " date", " source", " url", "title", "  date", " Title", " date\t", " dates"]
)
DATE_LIKE = st.sampled_from(
    ["2025-02-04", "2025-02-30", "04.02.2025", "February 4, 2025", "4 Feb", "2025", "9999-99-99"]
)
LINE = st.text(st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=30)
HEADER_LINE = st.tuples(HEADER_WORDS, st.sampled_from([" ", "\t", "  "]), DATE_LIKE | LINE).map(
    "".join
)
ANY_TEXT = st.tuples(
    st.lists(HEADER_LINE | LINE, max_size=10), st.sampled_from(["\n", "\r\n", "\r"])
).map(lambda p: p[1].join(p[0]))
#: One line of header value: no line break, no NUL (the reader drops NULs everywhere).
VALUE = st.text(st.characters(codec="utf-8", exclude_characters="\n\r\x00"), max_size=40)
BODY = st.text(st.characters(codec="utf-8", exclude_characters="\r\x00"), max_size=200).filter(
    str.strip
)
FIRST_LINE = st.lists(st.text(st.characters(categories=["L"]), min_size=1), min_size=1).map(
    " ".join
)


def check_any_text(text: str) -> None:
    """Any text is an article (body stripped, newlines normalised, a title, a date or None,
    its id the hash of its body) or an ``EmptyArticleError``."""
    try:
        parsed = parse_article_text(text, origin="fuzz.txt")
    except EmptyArticleError as e:
        assert e.user_message
        return
    article = parsed.article
    assert article.text == article.text.strip() and article.text
    assert "\r" not in article.text and "\x00" not in article.text
    assert article.title and article.id == content_id(article.text)
    assert article.date is None or isinstance(article.date, dt.date)
    assert article.source is None or article.source.strip() == article.source
    assert all(isinstance(warning, str) for warning in parsed.warnings)


def check_any_date(value: str) -> None:
    """Any string is a date or None, never an exception."""
    date = parse_date(value)
    assert date is None or isinstance(date, dt.date)


def check_header_round_trip(
    title: str,
    source: str,
    url: str,
    date: dt.date,
    date_format: str,
    first_line: str | None,
    body: str,
) -> None:
    """A header written in the documented format is read back: each value stripped (blank
    ones ignored), the date in any documented form, a first body line after the date."""
    date_line = f" date {date.strftime(date_format)}" + (f" {first_line}" if first_line else "")
    lines = [f" title {title}", f" source {source}", f" url {url}", date_line]
    parsed = parse_article_text("\n".join([*lines, "", body]))
    article = parsed.article
    expected_body = "\n".join([first_line, "", body]).strip() if first_line else body.strip()
    assert article.text == expected_body
    assert article.title == (title.strip() or derive_title(expected_body))
    assert article.title_derived == (not title.strip())
    assert (article.source, article.url) == (source.strip() or None, url.strip() or None)
    assert article.date == date and not parsed.warnings


ANY_TEXTS = FuzzTarget("article file headers", check_any_text, {"text": ANY_TEXT})
DATES = FuzzTarget("header dates", check_any_date, {"value": DATE_LIKE | LINE})
ROUND_TRIPS = FuzzTarget(
    "article header round trip",
    check_header_round_trip,
    {
        "title": VALUE,
        "source": VALUE,
        "url": VALUE,
        "date": st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
        "date_format": st.sampled_from(DATE_FORMATS),
        "first_line": st.none() | FIRST_LINE,
        "body": BODY,
    },
)
TARGETS = (ANY_TEXTS, DATES, ROUND_TRIPS)

test_targets = fuzz_each(TARGETS)
