"""Plain-text articles: binary checks, encoding, the ``key value`` header, the body; and the
pieces every parser builds an article with (``ParsedArticle``, ``article_from_body``).

File format: leading header lines, each a space, a key (``date``, ``title``, ``source``,
``url``) and a value; a blank line may end the header; then the body. A ``date`` line may
carry the first body line after the date (the founding sample does). All offsets elsewhere in
newsbot point into ``Article.text``, the body with normalised newlines.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

from index.errors import (
    ArticleEncodingError,
    BinaryArticleError,
    EmptyArticleError,
)
from index.types import Article

logger = logging.getLogger(__name__)

HEADER_KEYS = ("date", "title", "source", "url")
_HEADER_LINE = re.compile(r"^ (date|title|source|url)(?:[ \t]+(.*))?$")
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%d.%m.%Y", "%Y/%m/%d")
_TITLE_MAX = 80


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    """An article and the problems that did not stop it from being read (e.g. a bad date)."""

    article: Article
    warnings: tuple[str, ...] = ()


def article_from_body(
    body: str,
    *,
    title: str | None,
    date: dt.date | None = None,
    source: str | None = None,
    url: str | None = None,
    origin: str = "",
    warnings: tuple[str, ...] = (),
    author: str | None = None,
) -> ParsedArticle:
    """An article from extracted text (a web page, a PDF): the body's newlines normalised
    (``\\n`` only, no trailing blanks, at most one empty line in a row), the id its hash, the
    title derived from it when none is given."""
    body = normalise_body(body)
    if not body:
        raise EmptyArticleError(f"{origin or 'article'}: no body text")
    title = " ".join((title or "").split())
    article = Article(
        id=content_id(body),
        text=body,
        title=title or derive_title(body),
        date=date,
        source=source or None,
        url=url or None,
        origin=origin or url or "",
        title_derived=not title,
        author=author or None,
    )
    return ParsedArticle(article, warnings)


_BLANK_RUN = re.compile(r"\n{3,}")
_TRAILING_SPACE = re.compile(r"[ \t\u00a0]+\n")


def normalise_body(text: str) -> str:
    """``\\r\\n`` and ``\\r`` to ``\\n``, no NULs, no white space at line ends, at most
    one empty line in a row, no leading or trailing white space."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    text = _TRAILING_SPACE.sub("\n", text)
    return _BLANK_RUN.sub("\n\n", text).strip()


def parse_article_bytes(data: bytes, *, origin: str = "") -> ParsedArticle:
    """Decode ``data`` (UTF-8, else the detected legacy encoding) and parse it."""
    if not data.strip():
        raise EmptyArticleError(f"{origin or 'article'}: empty")
    if _looks_binary(data):
        raise BinaryArticleError(f"{origin or 'article'}: binary content")
    text, warning = decode_text(data, origin=origin)
    parsed = parse_article_text(text, origin=origin)
    if warning:
        return ParsedArticle(parsed.article, (warning, *parsed.warnings))
    return parsed


# At most this share of undecodable bytes is taken as damage to a UTF-8 file, not another
# encoding: the bad bytes become U+FFFD and the rest of the text stays right.
_MAX_BAD_UTF8 = 0.001


def decode_text(data: bytes, *, origin: str = "") -> tuple[str, str | None]:
    """The text and, when it was not clean UTF-8, a warning saying how it was decoded.

    UTF-8 (BOM allowed) first; UTF-8 with a few damaged bytes next; otherwise charset
    detection (cp1251, latin-1, ...).
    """
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    lenient = data.decode("utf-8-sig", errors="replace")
    bad = lenient.count("\ufffd")
    if bad <= max(1, int(len(data) * _MAX_BAD_UTF8)):
        return lenient, f"{bad} invalid UTF-8 byte sequence(s) replaced"
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ArticleEncodingError(f"{origin or 'article'}: undetectable encoding")
    logger.info("%s: not UTF-8, decoded as %s", origin or "article", best.encoding)
    return str(best), f"not UTF-8: decoded as {best.encoding}"


def _looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    control = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return control > len(sample) * 0.05


def parse_article_text(text: str, *, origin: str = "") -> ParsedArticle:
    """Split the header from the body and build the ``Article``."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    fields: dict[str, str] = {}
    warnings: list[str] = []
    text = text.lstrip("\n")
    lines = text.split("\n")
    body_start = 0
    carried = ""
    for i, line in enumerate(lines):
        match = _HEADER_LINE.match(line)
        if match is None:
            body_start = i + 1 if not line.strip() else i
            break
        key, value = match.group(1), (match.group(2) or "").strip()
        if key == "date":
            value, carried = _split_date_line(value)
        if value and key not in fields:
            fields[key] = value
        body_start = i + 1
        if carried:
            break
    else:
        body_start = len(lines)
    body = "\n".join(([carried] if carried else []) + lines[body_start:]).strip()
    if not body:
        raise EmptyArticleError(f"{origin or 'article'}: no body text")
    date = None
    if "date" in fields:
        date = parse_date(fields["date"])
        if date is None:
            warnings.append(f"unreadable date {fields['date']!r} ignored")
    title = fields.get("title", "").strip()
    derived = not title
    if derived:
        title = derive_title(body)
    article = Article(
        id=content_id(body),
        text=body,
        title=title,
        date=date,
        source=fields.get("source") or None,
        url=fields.get("url") or None,
        origin=origin or fields.get("url", ""),
        title_derived=derived,
    )
    return ParsedArticle(article, tuple(warnings))


_LOOKS_LIKE_DATE = re.compile(r"^\S*\d")


def _split_date_line(value: str) -> tuple[str, str]:
    """``"2025-02-04 A Russian missile..."`` -> (``"2025-02-04"``, ``"A Russian missile..."``).

    The longest prefix of up to four words that reads as a date is the date; if none does but
    the line starts with something date-like, its first word is taken as the (bad) date.
    """
    words = value.split()
    if len(words) < 2 or parse_date(value) is not None:
        return value, ""
    for n in range(min(4, len(words) - 1), 0, -1):
        if parse_date(" ".join(words[:n])) is not None:
            return " ".join(words[:n]), " ".join(words[n:])
    if _LOOKS_LIKE_DATE.match(value):
        return words[0], " ".join(words[1:])
    return value, ""


def parse_date(value: str) -> dt.date | None:
    """An ISO date or datetime, or a few common written forms; None when unreadable."""
    value = value.strip()
    try:
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def derive_title(body: str) -> str:
    """The first sentence of the body, cut at a word boundary to a readable length."""
    first = re.split(r"(?<=[.!?])\s|\n", body.strip(), maxsplit=1)[0].strip()
    if len(first) <= _TITLE_MAX:
        return first
    cut = first[:_TITLE_MAX].rsplit(" ", 1)[0]
    return cut.rstrip(",;:") + "…"


def content_id(body: str) -> str:
    """The article's id: a hash of its body text, so the same story under another file name
    or headline is stored once."""
    return hashlib.sha256(body.encode("utf-8")).hexdigest()[:20]
