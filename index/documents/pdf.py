"""PDF articles: the text layer of every page (pypdf), the title and date from the metadata.

A PDF's text comes in lines as laid out on the page. Lines are joined back into paragraphs
(newsbot ends a sentence at every line break): a line is taken to continue on the next unless
it is empty or clearly shorter than the page's full lines (a headline, a paragraph's last
line). Pages are separated by an empty line.
"""

from __future__ import annotations

import datetime as dt
import io
import logging

from pypdf import PdfReader

from index.documents.text import ParsedArticle, article_from_body
from index.errors import ArticleError, EmptyArticleError, PdfNoTextError

logger = logging.getLogger(__name__)

# A line shorter than this share of the page's full line length ends its paragraph.
_SHORT_LINE = 0.7


def reflow(page_text: str) -> str:
    """One page's extracted lines joined into paragraphs separated by an empty line."""
    lines = [" ".join(line.split()) for line in page_text.splitlines()]
    lengths = sorted(len(line) for line in lines if line)
    if not lengths:
        return ""
    full = lengths[int(0.9 * (len(lengths) - 1))]  # the 90th percentile: a full line
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        if current and (not line or len(line) < _SHORT_LINE * full):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return "\n\n".join(paragraphs)


def _metadata(reader: PdfReader, label: str) -> tuple[str | None, dt.date | None, list[str]]:
    """The title and creation date from the document information, when readable."""
    warnings: list[str] = []
    title: str | None = None
    date: dt.date | None = None
    try:
        info = reader.metadata
        if info is not None:
            title = info.title or None
            try:
                created = info.creation_date
            except ValueError as e:
                warnings.append(f"unreadable PDF creation date ignored ({e})")
                created = None
            date = created.date() if created is not None else None
    except Exception as e:  # pypdf raises many kinds on damaged metadata
        logger.info("%s: PDF metadata unreadable: %s", label, e)
        warnings.append("the PDF's metadata could not be read")
    return title, date, warnings


def parse_pdf(data: bytes, *, origin: str, url: str | None) -> ParsedArticle:
    """The article in a PDF. Raises ``PdfNoTextError`` for a PDF without a text layer (scanned
    pages) and ``ArticleError`` for a damaged, encrypted or non-PDF file."""
    label = origin or url or "PDF"
    if not data.strip():
        raise EmptyArticleError(f"{label}: empty PDF")
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ArticleError(
                f"{label}: the PDF is encrypted", user_message="The PDF is password-protected."
            )
        pages = [reflow(page.extract_text() or "") for page in reader.pages]
    except ArticleError:
        raise
    except Exception as e:  # pypdf raises many kinds (PdfReadError, ValueError, ...) on bad input
        raise ArticleError(
            f"{label}: not a readable PDF ({type(e).__name__}: {e})",
            user_message="The PDF could not be read (it is damaged or not a PDF).",
        ) from e
    body = "\n\n".join(page for page in pages if page)
    if not body.strip():
        raise PdfNoTextError(f"{label}: no text layer in {len(pages)} page(s)")
    title, date, warnings = _metadata(reader, label)
    return article_from_body(
        body, title=title, date=date, url=url, origin=origin, warnings=tuple(warnings)
    )
