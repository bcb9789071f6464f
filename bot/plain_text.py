"""Plain-text rendering of answers and listings, for the console and ``newsbot ask``. Pure."""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence

from answering.types import Answer, ArticleRef, Quote
from index.types import ArticleInfo
from prompts.i18n import t

_WIDTH = 88


def _date(value: dt.date | None, lang: str) -> str:
    return value.isoformat() if value else t("answer.unknown_date", lang)


def source_line(
    title: str, date: dt.date | None, source: str | None, lang: str, url: str | None = None
) -> str:
    line = t(
        "answer.source_line",
        lang,
        title=title,
        date=_date(date, lang),
        source=source or t("answer.unknown_source", lang),
    )
    return f"{line} · {url}" if url else line


def render_quote(quote: Quote, lang: str) -> str:
    quoted = quote.text if quote.text[:1] in '“«"' else f"“{quote.text}”"
    body = textwrap.fill(quoted, width=_WIDTH, initial_indent="  ", subsequent_indent="  ")
    src = source_line(quote.title, quote.date, quote.source, lang, quote.url)
    return f"{body}\n    — {src}"


def render_refs(refs: Sequence[ArticleRef], lang: str) -> str:
    names = "; ".join(f"{r.title} ({_date(r.date, lang)})" for r in refs)
    key = "answer.closest_many" if len(refs) > 1 else "answer.closest"
    return t(key, lang, articles=names)


def render_small_talk(answer: Answer) -> str:
    """The friendly reply to small talk, then the example questions."""
    lang = answer.lang
    lines = [t(f"small_talk.{answer.small_talk}", lang)]
    if answer.notice:
        lines.append(t(f"answer.{answer.notice}", lang))
    if answer.examples:
        lines.append(t("small_talk.examples", lang))
        lines.extend(f"  • {example}" for example in answer.examples)
    return "\n".join(lines)


def render_answer(answer: Answer) -> str:
    """The short answer, then each quote with its title, date and source; or a decline (or
    the reply to small talk)."""
    if answer.small_talk is not None:
        return render_small_talk(answer)
    lang = answer.lang
    notice = [t(f"answer.{answer.notice}", lang)] if answer.notice else []
    if answer.answer is None:
        lines = [*notice, t("answer.decline", lang)]
        if answer.closest:
            lines.append(render_refs(answer.closest, lang))
        return "\n".join(lines)
    if answer.disagree or answer.timeline:
        header = "answer.timeline" if answer.timeline else "answer.disagree"
        lines = [t(header, lang)] + [
            f"  {q.answer or '?'} — {_date(q.date, lang)} · {q.source or q.title}"
            for q in answer.quotes
        ]
        parts = [*notice, *lines, ""]
    elif answer.excerpt_only:
        parts = list(notice)
    else:
        parts = [*notice, answer.answer, ""]
    parts.extend(render_quote(q, lang) for q in answer.quotes)
    return "\n".join(parts)


def render_sources(articles: Sequence[ArticleInfo], lang: str = "en") -> str:
    if not articles:
        return t("sources.empty", lang)
    lines = [t("sources.header", lang, count=len(articles))]
    for a in articles:
        lines.append(f"  {_date(a.date, lang)}  {a.title}  ({a.source or '-'})")
    return "\n".join(lines)
