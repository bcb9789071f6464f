"""Reading in Telegram: an article's text in pages, and the /latest lists. Pure HTML rendering.

An article is cut into pages at paragraph boundaries (a paragraph longer than a page is cut at
a sentence or word), each page headed by the article's citation and "Page n of m", so every
page is a message within Telegram's limit however long the title.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.telegram.render.answers import SourcesPage, paged_list
from bot.telegram.render.html import citation, esc, tr
from bot.telegram.render.markup import MESSAGE_LIMIT, split_html, truncate_html, visible_length
from index.types import Article, ArticleInfo

#: Visible characters of article text on one page (short enough to read on a phone).
READING_PAGE_UNITS = 3000
#: The header (title, date, source, author) is cut at this length.
HEADER_UNITS = 600
#: Articles on one page of /latest (each with its /article command line).
LATEST_PAGE_SIZE = 5
#: How many of the newest articles /latest lists.
LATEST_COUNT = 30
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# Room for "Page n of m" and the blank lines around it, in any language.
_INDICATOR_UNITS = 40


@dataclass(frozen=True, slots=True)
class ArticlePage:
    """One page of an article: its HTML, its index (clamped) and the number of pages."""

    text: str
    page: int
    pages: int


def paragraphs(text: str) -> list[str]:
    """The article's paragraphs (separated by blank lines), stripped, none empty."""
    return [part.strip() for part in _PARAGRAPH_BREAK.split(text) if part.strip()]


def split_pages(text: str, budget: int = READING_PAGE_UNITS) -> list[str]:
    """The text as escaped HTML pages of at most ``budget`` visible units each; whole
    paragraphs fill a page, and only a paragraph longer than a page is cut."""
    pages: list[str] = []
    current: list[str] = []
    used = 0
    for paragraph in paragraphs(text):
        pieces = split_html(esc(paragraph), budget)
        for piece in pieces:
            units = visible_length(piece)
            gap = 2 if current else 0
            if current and used + gap + units > budget:
                pages.append("\n\n".join(current))
                current, used, gap = [], 0, 0
            current.append(piece)
            used += gap + units
    if current:
        pages.append("\n\n".join(current))
    return pages or [""]


def _header(article: Article, lang: str) -> str:
    return truncate_html(f"<b>{citation(article, lang)}</b>", HEADER_UNITS)


def article_page(
    article: Article, page: int, lang: str, budget: int = READING_PAGE_UNITS
) -> ArticlePage:
    """The ``page``-th (0-based, clamped) page of ``article``, under its citation."""
    header = _header(article, lang)
    room = MESSAGE_LIMIT - visible_length(header) - _INDICATOR_UNITS
    pages = split_pages(article.text, min(budget, room))
    page = min(max(page, 0), len(pages) - 1)
    parts = [header]
    if len(pages) > 1:
        parts.append(f"<i>{tr('telegram.article_page', lang, page=page + 1, pages=len(pages))}</i>")
    text = "\n".join(parts) + "\n\n" + pages[page]
    return ArticlePage(truncate_html(text.rstrip()), page, len(pages))


def latest_page(
    articles: Sequence[ArticleInfo],
    page: int,
    lang: str,
    *,
    ids: Mapping[str, str],
    topic: str | None = None,
) -> SourcesPage:
    """A page of the newest ``articles`` (newest first), each with the command that opens it
    (``ids``: the short ID to show for each article's ID); ``topic`` when they are about one."""

    def title(total: int, number: int, pages: int) -> str:
        if topic is None:
            return tr("telegram.latest_title", lang, page=number, pages=pages)
        return tr("telegram.latest_topic_title", lang, topic=topic, page=number, pages=pages)

    def line(number: int, item: ArticleInfo) -> str:
        command = esc(f"/article {ids.get(item.id, item.id)}")
        return f"{number}. {citation(item, lang)}\n<code>{command}</code>"

    empty = (
        tr("telegram.sources_empty", lang)
        if topic is None
        else tr("telegram.latest_topic_empty", lang, topic=topic)
    )
    return paged_list(
        articles, page, lang, title=title, line=line, empty=empty, page_size=LATEST_PAGE_SIZE
    )
