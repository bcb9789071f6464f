"""The quotes of an answer: readings turned into verbatim excerpts.

The second quotes beside the best, the further passages for "More sources", and the
articles named when declining."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from answering.decline import Verdicts
from answering.disagreement import short_answer
from answering.readers.extractive import Reading
from answering.types import ArticleRef, Quote
from index.chunking import paragraph_around, widen_to_quotation
from index.types import Article, Passage, Span


def excerpt(article: Article, span: Span) -> Quote:
    """``article.text[span]`` as a quote naming its article (no score, answer or paragraph)."""
    ref = article_ref(article)
    return Quote(
        ref.article_id,
        ref.title,
        ref.date,
        ref.source,
        ref.url,
        text=span.slice(article.text),
        start=span.start,
        end=span.end,
        author=ref.author,
    )


def to_quote(reading: Reading) -> Quote:
    article = reading.article
    sentence = widen_to_quotation(article.text, reading.sentence)
    para = paragraph_around(article.text, sentence.start, sentence.end)
    return replace(
        excerpt(article, sentence),
        score=reading.score,
        answer=short_answer(reading),
        paragraph=para.slice(article.text),
        paragraph_start=para.start,
        paragraph_end=para.end,
    )


def article_ref(article: Article) -> ArticleRef:
    return ArticleRef(
        article.id, article.title, article.date, article.source, article.url, article.author
    )


def closest_articles(passages: Sequence[Passage], limit: int = 3) -> tuple[ArticleRef, ...]:
    seen: dict[str, ArticleRef] = {}
    for passage in passages:
        if passage.article.id not in seen:
            seen[passage.article.id] = article_ref(passage.article)
        if len(seen) >= limit:
            break
    return tuple(seen.values())


def second_quotes(
    best: Reading,
    rest: Sequence[Reading],
    verdicts: Verdicts,
    *,
    limit: int,
    margin: float,
) -> list[Reading]:
    """``best`` and, up to ``limit`` in all, nearly as strong readings (within ``margin``) of
    other articles that would be answered too."""
    chosen = [best]
    for r in rest:
        if len(chosen) >= limit:
            break
        if (
            r.score >= best.score - margin
            and r.article.id != best.article.id
            and verdicts.answers(r)
        ):
            chosen.append(r)
    return chosen


def more_quotes(rest: Sequence[Reading], shown: Sequence[Quote], *, limit: int) -> list[Quote]:
    """Up to ``limit`` further passages for "More sources", none already shown."""
    used = [(quote.article_id, quote.start, quote.end) for quote in shown]
    more: list[Quote] = []
    for r in rest:
        if len(more) >= limit:
            break
        if any(r.article.id == a and s <= r.sentence.start < e for a, s, e in used):
            continue  # already shown (a widened quotation covers several sentences)
        quote = to_quote(r)
        used.append((quote.article_id, quote.start, quote.end))
        more.append(quote)
    return more
