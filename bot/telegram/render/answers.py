"""Answers, sources and notes as Telegram HTML messages. Pure: no I/O, no Telegram calls.

Every piece of data is escaped with ``html.escape``; templates from ``prompts/telegram.*.toml``
may hold Telegram tags and get their parameters escaped. Only tags Telegram accepts are
produced (b, i, u, a, blockquote), and every message fits Telegram's limit (see ``markup``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from answering.types import Answer, Quote
from bot.telegram.render.html import Cited, citation, esc, tr
from bot.telegram.render.markup import MESSAGE_LIMIT, split_html, truncate_html
from prompts.i18n import friendly_date, t

__all__ = [
    "MESSAGE_LIMIT",
    "SourcesPage",
    "answer_html",
    "answer_messages",
    "inline_description",
    "inline_message",
    "inline_title",
    "more_html",
    "paged_list",
    "question_header",
    "report_html",
    "small_talk_html",
    "sources_page",
    "split_html",
    "truncate_html",
]

#: Articles listed on one page of ``/sources``.
SOURCES_PAGE_SIZE = 8
_DESCRIPTION_CHARS = 120


def _date(value: dt.date | None, lang: str) -> str:
    return friendly_date(value, lang) if value is not None else "—"


def _quote_block(quote: Quote, lang: str) -> str:
    return f"<blockquote>{esc(quote.text.strip())}</blockquote>\n{citation(quote, lang)}"


def report_html(quote: Quote, lang: str) -> str:
    """One report of a timeline as an answer of its own: its short answer, then the quote."""
    head = (
        f"<b>{esc(quote.answer.strip())}</b>\n\n" if quote.answer and quote.answer.strip() else ""
    )
    return head + _quote_block(quote, lang)


def small_talk_html(answer: Answer, lang: str) -> str:
    """The friendly reply to small talk, then the example questions."""
    parts = [esc(t(f"small_talk.{answer.small_talk}", lang))]
    if answer.notice:
        parts.append(f"<i>{esc(t(f'answer.{answer.notice}', lang))}</i>")
    if answer.examples:
        rows = [f"• <i>{esc(example)}</i>" for example in answer.examples]
        parts.append(esc(t("small_talk.examples", lang)) + "\n" + "\n".join(rows))
    return "\n\n".join(parts)


def answer_html(answer: Answer, lang: str) -> str:
    """The whole answer as one HTML text (possibly longer than one message)."""
    if answer.small_talk is not None:
        return small_talk_html(answer, lang)
    notice = [f"<i>{esc(tr(f'answer.{answer.notice}', lang))}</i>"] if answer.notice else []
    if answer.answer is None:
        parts = [*notice, tr("telegram.decline", lang)]
        if answer.closest:
            lines = [f"• {citation(ref, lang)}" for ref in answer.closest]
            parts.append(tr("telegram.closest", lang) + "\n" + "\n".join(lines))
        return "\n\n".join(parts)
    if answer.disagree or answer.timeline:
        header = "answer.timeline" if answer.timeline else "answer.disagree"
        rows = [
            f"• <b>{esc(q.answer or '—')}</b> — {esc(_date(q.date, lang))}"
            f" · {esc(q.source or q.title)}"
            for q in answer.quotes
        ]
        parts = [*notice, esc(tr(header, lang)) + "\n" + "\n".join(rows)]
    elif answer.excerpt_only:
        parts = list(notice)
    else:
        parts = [*notice, f"<b>{esc(answer.answer.strip() or '—')}</b>"]
    parts.extend(_quote_block(quote, lang) for quote in answer.quotes)
    return "\n\n".join(parts)


def answer_messages(answer: Answer, lang: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """The answer as messages that each fit Telegram's limit."""
    return split_html(answer_html(answer, lang), limit)


def more_html(answer: Answer, lang: str) -> str:
    """The next best passages ("More sources")."""
    if not answer.more:
        return tr("telegram.more_none", lang)
    parts = [f"<b>{tr('telegram.more_title', lang)}</b>"]
    parts.extend(_quote_block(quote, lang) for quote in answer.more)
    return "\n\n".join(parts)


def question_header(question: str) -> str:
    """``❓ question`` (in italics) and a blank line; empty for an empty question."""
    question = " ".join(question.split())
    return f"❓ <i>{esc(question)}</i>\n\n" if question else ""


def inline_message(answer: Answer, lang: str, view: str = "") -> str:
    """The question, then the answer (and a view such as ``more_html``) as one message,
    shortened if needed: for inline results, which are sent into chats where nobody saw the
    question, and which cannot be split."""
    text = question_header(answer.question) + answer_html(answer, lang)
    return truncate_html(f"{text}\n\n{view}" if view else text, MESSAGE_LIMIT)


def inline_title(answer: Answer, lang: str) -> str:
    """Plain-text title of the inline result card."""
    if answer.small_talk is not None:
        return _shorten(t(f"small_talk.{answer.small_talk}", lang), 200)
    if answer.answer is None:
        return t("telegram.inline_declined", lang)
    return _shorten(answer.answer, 200) or t("telegram.inline_title", lang)


def inline_description(answer: Answer) -> str:
    """Plain-text description of the inline result card: the start of the first quote."""
    quotes = answer.quotes or answer.more
    return _shorten(quotes[0].text, _DESCRIPTION_CHARS) if quotes else ""


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True, slots=True)
class SourcesPage:
    """One page of ``/sources``: its HTML, its index (clamped) and the number of pages."""

    text: str
    page: int
    pages: int


Item = TypeVar("Item")


def paged_list(
    items: Sequence[Item],
    page: int,
    lang: str,
    *,
    title: Callable[[int, int, int], str],
    line: Callable[[int, Item], str],
    empty: str,
    page_size: int = SOURCES_PAGE_SIZE,
) -> SourcesPage:
    """The ``page``-th (0-based, clamped) page of ``items``: a bold ``title(total, page,
    pages)`` (1-based page) over one ``line(number, item)`` each; ``empty`` when none."""
    if not items:
        return SourcesPage(empty, 0, 1)
    pages = math.ceil(len(items) / page_size)
    page = min(max(page, 0), pages - 1)
    first = page * page_size
    lines = [
        line(number, item)
        for number, item in enumerate(items[first : first + page_size], start=first + 1)
    ]
    header = title(len(items), page + 1, pages)
    return SourcesPage(truncate_html(f"<b>{header}</b>\n\n" + "\n".join(lines)), page, pages)


def sources_page(
    articles: Sequence[Cited], page: int, lang: str, page_size: int = SOURCES_PAGE_SIZE
) -> SourcesPage:
    """The ``page``-th (0-based, clamped) page of the article list, newest first."""
    return paged_list(
        articles,
        page,
        lang,
        title=lambda total, number, pages: tr(
            "telegram.sources_title", lang, total=total, page=number, pages=pages
        ),
        line=lambda number, item: f"{number}. {citation(item, lang)}",
        empty=tr("telegram.sources_empty", lang),
        page_size=page_size,
    )
