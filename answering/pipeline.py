"""The answering pipeline: question -> hybrid search -> reader -> checked quotes -> Answer.

No evidence, no answer: below the calibrated evidence score the bot declines and names the
closest articles instead of guessing.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from answering.answer_kind import typed_answer
from answering.citations import cites, verified
from answering.decline import DeclinePolicy, Verdicts
from answering.disagreement import disagreeing, short_answer
from answering.english_only import english_only_notice
from answering.fallthrough import FallThrough, first_answering
from answering.question import Question, analyze_question
from answering.quotes import closest_articles, more_quotes, second_quotes, to_quote
from answering.readers.extractive import Reader, Reading
from answering.readers.span import SpanReader, apply_span_reader
from answering.recency import (
    RECENCY_MARGIN,
    Recency,
    pin_to_dates,
    pinned_split,
    prefer_recent,
    recency_of,
)
from answering.rerankers.base import Reranker, apply_reranker
from answering.small_talk import small_talk_answer
from answering.stopwatch import Stopwatch
from answering.timeline import TIMELINE_MORE, Layout, arrange, newest_first_quotes
from answering.types import Answer
from index.search import Searcher
from index.types import Passage

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class AnswerPolicy:
    """How answers are composed and when to decline (from ``Settings.answer``)."""

    decline: DeclinePolicy = field(default_factory=DeclinePolicy)
    max_quotes: int = 2
    more_passages: int = 3
    max_question_chars: int = 500
    second_quote_margin: float = 0.03
    multilingual: bool = False  # the embedder understands questions in any language
    disagree_margin: float = 0.1
    rerank_weight: float = 0.5
    rerank_top: int = 8
    span_top: int = 1
    fallback_margin: float = 0.1
    fallback_tries: int = 3
    fallback_max_no_answer: float = 0.5  # the span reader's doubt a fall-through may have
    dated_passages: int = 24


class PipelineAnswerer:
    """Implements ``Answerer`` over a ``Searcher`` and a ``Reader``."""

    def __init__(
        self,
        searcher: Searcher,
        reader: Reader,
        policy: AnswerPolicy | None = None,
        *,
        reranker: Reranker | None = None,
        span_reader: SpanReader | None = None,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._today = today
        self._searcher = searcher
        self._reader = reader
        self._policy = policy or AnswerPolicy()
        self._reranker = reranker
        self._span_reader = span_reader

    @property
    def policy(self) -> AnswerPolicy:
        return self._policy

    @property
    def span_reader(self) -> SpanReader | None:
        return self._span_reader

    def with_span_reader(self, span_reader: SpanReader) -> PipelineAnswerer:
        """The same pipeline with another span reader."""
        return self._with(self._policy, span_reader)

    def with_policy(self, policy: AnswerPolicy) -> PipelineAnswerer:
        """The same pipeline (sharing its search and models) under another policy."""
        return self._with(policy, self._span_reader)

    def _with(self, policy: AnswerPolicy, span_reader: SpanReader | None) -> PipelineAnswerer:
        return PipelineAnswerer(
            self._searcher,
            self._reader,
            policy,
            reranker=self._reranker,
            span_reader=span_reader,
            today=self._today,
        )

    def warm(self) -> None:
        """Load the models and indexes, and answer one question so every cache is primed."""
        self._reader.warm()
        if self._reranker is not None:
            self._reranker.warm()
        if self._span_reader is not None:
            self._span_reader.warm()
        # One full answer: loads the embedder, builds the BM25 index and runs each model once
        # (torch's first inference pays one-time set-up that a user should not wait for).
        self.answer("What happened on Monday?")

    def readings(
        self,
        q: Question,
        timings: dict[str, float] | None = None,
        recency: Recency | None = None,
    ) -> tuple[list[Passage], list[Reading]]:
        """The retrieved passages and the candidate readings, best first, as the answer is
        decided on them: reranked, the reports of the question's dates first, recency-ordered
        by ``recency`` (default: the question's time cue), the best read by the span reader,
        short answers held to the asked kind, and the first that answers moved ahead of the
        best when it is nearly as strong."""
        watch = Stopwatch({} if timings is None else timings)
        recency = recency_of(q.text) if recency is None else recency
        return self._readings(q, watch, recency, self._verdicts(q))

    def _verdicts(self, q: Question) -> Verdicts:
        # A question in another language than the articles shares no words with them.
        return Verdicts(self._policy.decline, cross_lingual=q.lang != "en")

    def _readings(
        self, q: Question, watch: Stopwatch, recency: Recency, verdicts: Verdicts
    ) -> tuple[list[Passage], list[Reading]]:
        # The trained models read English; a question in another language keeps the
        # feature-based (meaning-only) decision.
        english = q.lang == "en"
        k = None if q.dates is None else self._policy.dated_passages
        with watch.stage("search_ms"):
            passages = self._searcher.search(q.text, k, timings=watch.timings)
        with watch.stage("read_ms"):
            readings = self._reader.read(q, passages)
        if self._reranker is not None and english:
            with watch.stage("rerank_ms"):
                p = self._policy
                readings = apply_reranker(
                    q, readings, self._reranker, weight=p.rerank_weight, top=p.rerank_top
                )
        readings = self._ordered(q, readings, recency, verdicts)
        if self._span_reader is not None and english:
            with watch.stage("span_ms"):
                readings = self._read_spans(q, readings, self._policy.span_top)
        return passages, self.first_answering(q, readings, verdicts)

    def _ordered(
        self, q: Question, readings: list[Reading], recency: Recency, verdicts: Verdicts
    ) -> list[Reading]:
        """``readings`` held to the asked kind, the reports of the question's dates first and,
        for "latest", "today", "yesterday", of nearly equal readings that would be answered
        the newest article's first (within the reports of the question's dates, if any)."""
        readings = self._typed(q, pin_to_dates(readings, q.dates))
        head, tail = pinned_split(readings, q.dates)
        return prefer_recent(head, recency, today=self._today(), answers=verdicts.answers) + tail

    def _typed(self, q: Question, readings: list[Reading]) -> list[Reading]:
        """The readings that may still be chosen (within the widest margin of the best: the
        fall-through's, the disagreement's, the recency order's) held to the asked kind."""
        if not readings:
            return readings
        policy = self._policy
        floor = readings[0].score - max(
            policy.fallback_margin, policy.disagree_margin, RECENCY_MARGIN
        )
        return [typed_answer(q, r) if r.score >= floor else r for r in readings]

    def _read_spans(self, q: Question, readings: Sequence[Reading], top: int) -> list[Reading]:
        """The first ``top`` readings with the span reader's verdict, held to the asked kind."""
        assert self._span_reader is not None
        read = apply_span_reader(q, readings, self._span_reader, top=top)
        return [typed_answer(q, r) for r in read[:top]] + read[top:]

    def first_answering(
        self, q: Question, readings: list[Reading], verdicts: Verdicts | None = None
    ) -> list[Reading]:
        """``readings`` with the first one that would be answered moved ahead of a declined
        best (``fallthrough.first_answering``), the span reader reading its candidates."""
        p = self._policy
        return first_answering(
            q,
            readings,
            verdicts or self._verdicts(q),
            FallThrough(p.fallback_margin, p.fallback_tries, p.fallback_max_no_answer),
            self._fallback_reads,
        )

    def _fallback_reads(self, q: Question, candidates: list[Reading]) -> list[Reading]:
        """The fall-through's candidates with the span reader's verdicts (one batch)."""
        if self._span_reader is None or q.lang != "en":
            return candidates
        unread = [j for j, r in enumerate(candidates) if r.no_answer is None]
        fresh = self._read_spans(q, [candidates[j] for j in unread], len(unread))
        out = list(candidates)
        for j, reading in zip(unread, fresh, strict=True):
            out[j] = reading
        return out

    def answer(self, question: str, lang_hint: str | None = None) -> Answer:
        started = time.perf_counter()
        english_only = not self._policy.multilingual
        chat = small_talk_answer(question, lang_hint, english_only=english_only)
        if chat is not None:
            return chat
        watch = Stopwatch()
        with watch.stage("analyze_ms"):
            q = analyze_question(
                question,
                max_chars=self._policy.max_question_chars,
                lang_hint=lang_hint,
                today=self._today(),
            )
        logger.debug("question (%s, %s): %s", q.lang, q.answer_type.value, q.text)
        recency = recency_of(q.text)
        verdicts = self._verdicts(q)
        passages, readings = self._readings(q, watch, recency, verdicts)
        with watch.stage("compose_ms"):
            answer = self._compose(q, passages, readings, recency, verdicts)
            if q.lang != "en" and english_only:
                answer = replace(answer, notice=english_only_notice(answer))
        latency_ms = (time.perf_counter() - started) * 1000
        logger.debug("timings %s", {k: round(v, 1) for k, v in watch.timings.items()})
        return replace(answer, timings=watch.timings, latency_ms=latency_ms)

    def _compose(
        self,
        q: Question,
        passages: Sequence[Passage],
        readings: Sequence[Reading],
        recency: Recency,
        verdicts: Verdicts,
    ) -> Answer:
        best = readings[0] if readings else None
        confidence = best.score if best else 0.0
        closest = closest_articles(passages)
        declined = Answer(q.text, None, confidence=confidence, lang=q.lang, closest=closest)
        reason = verdicts.reason(best)
        if best is None or reason is not None:
            logger.info(
                "declined: %s (confidence %.3f)", reason.value if reason else "", confidence
            )
            return declined
        layout, chosen = self._chosen(q, best, readings[1:], verdicts)
        articles = {p.article.id: p.article for p in passages}
        quotes = verified([to_quote(r) for r in chosen], articles.get)
        if not quotes or not cites(quotes[0], best):
            return declined  # the best evidence failed the citation check
        short = short_answer(best) if best.answer is not None else quotes[0].text
        if layout is not Layout.SINGLE:  # each answer with its date, newest first
            # (a question about one day keeps that day's answer first)
            keep = 1 if recency in (Recency.TODAY, Recency.YESTERDAY) else 0
            quotes = newest_first_quotes(quotes, keep)
            if layout is Layout.TIMELINE and quotes[0].answer:
                short = quotes[0].answer
        more = more_quotes(readings[1:], quotes, limit=self._policy.more_passages)
        return Answer(
            q.text,
            short,
            quotes=tuple(quotes),
            confidence=confidence,
            lang=q.lang,
            closest=closest,
            more=tuple(verified(more, articles.get)),
            disagree=layout is Layout.DISAGREE and len(quotes) > 1,
            timeline=layout is Layout.TIMELINE and len(quotes) > 1,
            excerpt_only=best.answer is None,
        )

    def _chosen(
        self, q: Question, best: Reading, rest: Sequence[Reading], verdicts: Verdicts
    ) -> tuple[Layout, list[Reading]]:
        """How the answer is laid out and the readings it quotes: sources that disagree or
        a timeline of reports, else the best with nearly as strong readings beside it."""
        policy = self._policy
        others = disagreeing(
            q, best, rest, verdicts, margin=policy.disagree_margin, limit=TIMELINE_MORE
        )
        layout, chosen = arrange(q, best, others)
        if layout is Layout.SINGLE:
            chosen = second_quotes(
                best, rest, verdicts, limit=policy.max_quotes, margin=policy.second_quote_margin
            )
        return layout, chosen
