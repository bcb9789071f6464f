"""The "Full passage" view: each quote in its paragraph, with the paragraphs before and after.

News paragraphs are often a single sentence, so the quote's own paragraph alone would repeat
the quote; the neighbouring paragraphs are what a reader needs to judge it. Pure: the caller
passes the articles' texts (or nothing, and the quote's own paragraph is shown).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from answering.types import Answer, Quote
from bot.telegram.render.html import citation, esc, tr
from index.chunking import split_paragraphs

#: Passages longer than this are shown collapsed (``<blockquote expandable>``).
EXPANDABLE_CHARS = 600


@dataclass(frozen=True, slots=True)
class Passage:
    """A quote's paragraph with its neighbours; ``mark`` is the quote's span in ``paragraph``."""

    before: str
    paragraph: str
    mark: tuple[int, int] | None
    after: str


def passage_in_article(text: str, quote: Quote) -> Passage | None:
    """The quote's paragraph in ``text`` with one paragraph on either side; None when the
    article no longer holds the quote where the answer said (it was changed since)."""
    if text[quote.start : quote.end] != quote.text or not quote.text.strip():
        return None
    paragraphs = split_paragraphs(text)
    inside = [i for i, p in enumerate(paragraphs) if p.end > quote.start and p.start < quote.end]
    if not inside:
        return None
    first, last = inside[0], inside[-1]
    start, end = paragraphs[first].start, paragraphs[last].end
    before = paragraphs[first - 1] if first > 0 else None
    after = paragraphs[last + 1] if last + 1 < len(paragraphs) else None
    return Passage(
        before=text[before.start : before.end] if before else "",
        paragraph=text[start:end],
        mark=(quote.start - start, quote.end - start),
        after=text[after.start : after.end] if after else "",
    )


def passage_of_quote(quote: Quote) -> Passage:
    """The quote within the paragraph the answer carries (no neighbours known)."""
    paragraph = quote.paragraph if quote.paragraph.strip() else quote.text
    offset = quote.start - quote.paragraph_start
    if offset < 0 or paragraph[offset : offset + len(quote.text)] != quote.text:
        offset = paragraph.find(quote.text)
    if offset < 0 or not quote.text.strip():
        return Passage("", paragraph, None, "")
    return Passage("", paragraph, (offset, offset + len(quote.text)), "")


def _marked(passage: Passage) -> str:
    text = passage.paragraph
    if passage.mark is None:
        return esc(text.strip())
    start, end = passage.mark
    return f"{esc(text[:start].lstrip())}<u>{esc(text[start:end])}</u>{esc(text[end:].rstrip())}"


def passage_html(passage: Passage) -> str:
    """The passage as one blockquote: neighbours plain, the quote underlined."""
    parts = [esc(passage.before.strip()), _marked(passage), esc(passage.after.strip())]
    body = "\n\n".join(part for part in parts if part)
    size = len(passage.before) + len(passage.paragraph) + len(passage.after)
    tag = "blockquote expandable" if size > EXPANDABLE_CHARS else "blockquote"
    return f"<{tag}>{body}</blockquote>"


def full_passage_html(answer: Answer, lang: str, texts: Mapping[str, str] | None = None) -> str:
    """Each quote of ``answer`` in its paragraph, between the paragraphs around it when the
    article's text is in ``texts`` (by article id), the quoted part underlined."""
    if not answer.quotes:
        return tr("telegram.full_none", lang)
    parts = [f"<b>{tr('telegram.full_title', lang)}</b>"]
    for quote in answer.quotes:
        text = (texts or {}).get(quote.article_id)
        passage = passage_in_article(text, quote) if text is not None else None
        body = passage_html(passage or passage_of_quote(quote))
        parts.append(f"{body}\n{citation(quote, lang)}")
    return "\n\n".join(parts)
