"""Any document to an article, by media type (HTML, PDF, plain text or Markdown), and the
article files of a folder.

``parse_document`` serves pages fetched from the web (``index.web.extract``) and local files
(``read_article_file``) alike. The HTML and PDF parsers are imported when a document of their
kind comes: trafilatura and pypdf take a while to import, and the bot's start needs neither.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from index.documents.text import ParsedArticle, parse_article_bytes
from index.errors import ArticleError, ArticleTooLargeError

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPES = frozenset({"application/pdf"})
TEXT_TYPES = frozenset({"text/plain", "text/markdown"})
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".htm", ".pdf")
#: File suffixes read by a document parser, with the media type each is read as.
DOCUMENT_SUFFIXES = {".html": "text/html", ".htm": "text/html", ".pdf": "application/pdf"}


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
        from index.documents.html import parse_html

        return parse_html(data, charset=charset, origin=origin, url=url)
    if kind in PDF_TYPES:
        from index.documents.pdf import parse_pdf

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


def read_article_file(path: Path, *, max_bytes: int) -> ParsedArticle:
    """Read and parse one article file; raises an ``ArticleError`` subclass on bad input."""
    size = path.stat().st_size
    if size > max_bytes:
        raise ArticleTooLargeError(f"{path}: {size} bytes", size=size, limit=max_bytes)
    origin = str(path.resolve())
    kind = DOCUMENT_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        return parse_article_bytes(path.read_bytes(), origin=origin)
    return parse_document(path.read_bytes(), media_type=kind, charset=None, origin=origin, url=None)


def iter_article_files(path: Path) -> list[Path]:
    """The article files under ``path`` (a file, or a folder searched recursively), sorted."""
    if path.is_file():
        return [path]
    return sorted(
        p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ARTICLE_SUFFIXES
    )
