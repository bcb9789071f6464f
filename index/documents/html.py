"""News pages: decoding the HTML bytes and extracting the article with trafilatura.

The encoding is decided in this order: a byte-order mark; valid UTF-8 (text in a legacy
encoding is practically never valid UTF-8, so a wrong label cannot spoil a UTF-8 page); the
Content-Type header's charset, then the page's own ``<meta charset>``, each only when it
decodes the page cleanly into plausible text; charset detection last. So a page with a wrong
or missing label still decodes right.
"""

from __future__ import annotations

import codecs
import logging
import re
from urllib.parse import urljoin, urlsplit

import trafilatura
from charset_normalizer import from_bytes
from charset_normalizer.md import mess_ratio
from trafilatura.settings import Document

from index.documents.site_name import host_name, site_name
from index.documents.text import ParsedArticle, article_from_body, parse_date
from index.errors import ArticleEncodingError, EmptyArticleError, NoArticleTextError

logger = logging.getLogger(__name__)

#: Less extracted text than this is navigation or a stub, not an article.
MIN_ARTICLE_CHARS = 40
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
_TAG = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]*>", re.I | re.S)
# A declared encoding whose text is messier than this (charset-normalizer's measure) is wrong.
_MAX_MESS = 0.2
# Browsers read these labels as windows-1252 (the WHATWG Encoding standard).
_AS_CP1252 = frozenset({"ascii", "latin_1", "iso8859-1"})


def _codec(label: str | bytes | None) -> str | None:
    """The Python codec for an encoding label; None when unknown."""
    if isinstance(label, bytes):
        label = label.decode("ascii", "ignore")
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_CP1252 else name


def declared_charset(data: bytes) -> str | None:
    """The encoding the page declares in a ``<meta>`` tag or an XML declaration."""
    head = data[:4096]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    return _codec(match.group(1)) if match else None


def _plausible(text: str) -> bool:
    sample = " ".join(_TAG.sub(" ", text).split())[:20_000]
    return not sample or mess_ratio(sample, _MAX_MESS) < _MAX_MESS


def decode_html(data: bytes, *, charset: str | None, origin: str = "") -> tuple[str, str | None]:
    """The page's text and, when a label was wrong or missing, a warning saying so."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), None
    labels = list(dict.fromkeys(c for c in (_codec(charset), declared_charset(data)) if c))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        wrong = labels and labels[0] != "utf-8" and not data.isascii()
        return text, f"labelled {labels[0]} but is UTF-8" if wrong else None
    for label in labels:
        try:
            text = data.decode(label)
        except (UnicodeDecodeError, LookupError):
            continue
        if _plausible(text):
            return text, None if label == labels[0] else f"label {labels[0]} was wrong"
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise ArticleEncodingError(f"{origin or 'page'}: undetectable encoding")
    logger.info("%s: charset %s is wrong or missing, detected %s", origin, labels, best.encoding)
    problem = f"label {labels[0]} was wrong" if labels else "no charset given"
    return str(best), f"{problem}: decoded as {best.encoding}"


def _canonical(found: str | None, page_url: str | None) -> str | None:
    """The page's canonical URL made absolute, if it is an http(s) URL on the page's own site
    (a page cannot pass itself off as another site's article); else the page's URL."""
    if not found or found == page_url:
        return page_url
    absolute = urljoin(page_url or "", found.strip())
    if urlsplit(absolute).scheme not in ("http", "https"):
        return page_url
    if page_url is not None:
        site, page_site = host_name(absolute) or "", host_name(page_url) or ""
        if not (
            site == page_site or site.endswith("." + page_site) or page_site.endswith("." + site)
        ):
            logger.info("%s: canonical URL %s is on another site, ignored", page_url, absolute)
            return page_url
    return absolute


def _without_headline(text: str, title: str | None) -> str:
    """The extracted text without a first line that repeats the title."""
    first, _, rest = text.strip().partition("\n")
    if title and rest.strip() and " ".join(first.split()).casefold() == title.casefold():
        return rest
    return text


def parse_html(data: bytes, *, charset: str | None, origin: str, url: str | None) -> ParsedArticle:
    """The article in an HTML page: body text without boilerplate, title, date, source (the
    site's name), author and canonical URL (as ``url``). Raises ``NoArticleTextError`` when the
    page holds no article text."""
    label = origin or url or "page"
    if not data.strip():
        raise EmptyArticleError(f"{label}: empty page")
    html, warning = decode_html(data, charset=charset, origin=label)
    document = trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=True
    )
    if not isinstance(document, Document):
        raise NoArticleTextError(f"{label}: no article text found")
    text = (document.text or "").strip()
    if len(text) < MIN_ARTICLE_CHARS:
        raise NoArticleTextError(f"{label}: no article text found ({len(text)} characters)")
    title = " ".join((document.title or "").split()) or None
    date = parse_date(document.date) if document.date else None
    # Paragraphs on lines of their own, separated by an empty line, as in article files.
    body = "\n\n".join(
        line.strip() for line in _without_headline(text, title).split("\n") if line.strip()
    )
    return article_from_body(
        body,
        title=title,
        date=date,
        source=site_name(html, found=document.sitename, headline=title, url=url),
        author=" ".join((document.author or "").split()) or None,
        url=_canonical(document.url, url),
        origin=origin,
        warnings=(warning,) if warning else (),
    )
