"""The extractive reader: picks the best-supported sentence and the short answer inside it.

No packaged QA model exists here (see the README), so the default ``Reader`` scores the
sentences of the retrieved passages with ``scoring.Features`` and finds the answer span by the
question's answer type (``spans``). A transformers QA model can replace it behind ``Reader``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import numpy as np
import numpy.typing as npt

from answering.events import event_agrees
from answering.lexicon import focus_present, stems_with_parts, tokenize
from answering.question import AnswerType, Question
from answering.readers.spans import answer_spans, attributed_names, clause_anchor
from answering.scoring import (
    CROSS_LINGUAL,
    Features,
    Weights,
    name_coverage,
    term_weights,
    type_presence,
    weighted_coverage,
)
from answering.sentence_vectors import SentenceVectors
from index.chunking import split_sentences
from index.clauses import dense_pieces, opens_with_pronoun, piece_key
from index.embedding.base import Embedder
from index.lru import LRUCache
from index.types import Article, Passage, Span, header_text

logger = logging.getLogger(__name__)

_TERMINAL = (".", "!", "?", "…", "”", '"', "»", ")")
# Sentences either side of a candidate in which the question's names may be: news questions
# carry context (who said it, where, the occasion) that the lede or a nearby sentence gives.
_AROUND = 2
# The article's first sentences too: the lede says who, where and on what occasion.
_LEDE = 2


@dataclass(frozen=True, slots=True)
class Reading:
    """A candidate sentence, its score, and the short answer span in it (absolute offsets)."""

    passage: Passage
    sentence: Span
    answer: Span | None
    score: float
    features: Features
    rerank: float | None = None  # a model reranker's probability, when one scored it
    no_answer: float | None = None  # a span reader's probability that no answer is here
    # False: the question asks for a value (a number, an amount, a date) and the sentence
    # holds none of that kind (``answer_kind.typed_answer``).
    typed: bool = True

    @property
    def article(self) -> Article:
        return self.passage.article


class Reader(Protocol):
    """Reads retrieved passages and returns candidate answers, best first."""

    def read(self, question: Question, passages: Sequence[Passage]) -> list[Reading]: ...

    def warm(self) -> None: ...


@dataclass(frozen=True, slots=True)
class _Candidate:
    passage: Passage
    rank: int
    sentence: Span
    context: str  # title and the sentences either side, for context coverage
    evidence: str  # title, lede and two sentences either side, for the names check
    previous: str  # the sentence before, for sentences that open with a pronoun


def _focus(question: Question, cand: _Candidate, text: str, stems: set[str]) -> float:
    """1 when the thing counted is in the sentence and so is what happened to it (killed,
    injured, launched...), or nothing else happened to it there; else 0."""
    if not focus_present(question.focus, stems | stems_with_parts(text)):
        return 0.0
    if question.answer_type is not AnswerType.COUNT:
        return 1.0
    evidence = f"{cand.previous} {text}" if opens_with_pronoun(text) else text
    return 1.0 if event_agrees(question, evidence) else 0.0


def _neighbours(text: str, spans: Sequence[Span], i: int | None, n: int) -> list[str]:
    """The ``n`` sentences before and after sentence ``i`` (none when it is not found)."""
    if i is None:
        return []
    return [spans[j].slice(text) for j in range(i - n, i + n + 1) if j != i and 0 <= j < len(spans)]


def _is_headline(text: str) -> bool:
    return not text.rstrip().endswith(_TERMINAL) and len(text.split()) < 10


class ExtractiveReader:
    """Feature-scored sentence selection + typed span extraction.

    Two stages keep the model off the hot path: every candidate is scored with its whole-
    sentence vector (precomputed at ingest), then the best ``refine`` are rescored with the
    vectors of their clauses and pronoun context too.
    """

    def __init__(
        self,
        embedder: Embedder,
        *,
        weights: Weights | None = None,
        vectors: SentenceVectors | None = None,
        refine: int = 6,
    ) -> None:
        self._weights = weights or Weights()
        self._vectors = vectors or SentenceVectors(embedder)
        self._sentences: LRUCache[str, list[Span]] = LRUCache(2048)
        self._lower: LRUCache[str, str] = LRUCache(512)
        self._refine = refine

    def warm(self) -> None:
        self._vectors.warm()

    def _weights_for(self, question: Question) -> Weights:
        return self._weights if question.lang == "en" else CROSS_LINGUAL

    def _article_sentences(self, article: Article) -> list[Span]:
        spans = self._sentences.get(article.id)
        if spans is None:
            spans = split_sentences(article.text)
            self._sentences.put(article.id, spans)
        return spans

    def _lowered(self, article: Article) -> str:
        text = self._lower.get(article.id)
        if text is None:
            text = f"{article.title} {article.text}".lower()
            self._lower.put(article.id, text)
        return text

    def _candidates(self, passages: Sequence[Passage]) -> list[_Candidate]:
        seen: set[tuple[str, int]] = set()
        out: list[_Candidate] = []
        for rank, passage in enumerate(passages):
            article = passage.article
            all_spans = self._article_sentences(article)
            index = {s.start: i for i, s in enumerate(all_spans)}
            for sent in passage.chunk.sentences:
                key = (article.id, sent.start)
                text = article.text[sent.start : sent.end]
                if key in seen or _is_headline(text):
                    continue
                seen.add(key)
                i = index.get(sent.start)
                near = _neighbours(article.text, all_spans, i, 1)
                wide = _neighbours(article.text, all_spans, i, _AROUND)
                lede = [s.slice(article.text) for s in all_spans[:_LEDE] if s.start < sent.start]
                context = " ".join([article.title, *near])
                evidence = " ".join([article.title, *lede, *wide])
                previous = all_spans[i - 1].slice(article.text) if i is not None and i > 0 else ""
                out.append(_Candidate(passage, rank, sent, context, evidence, previous))
        return out

    def _dense(
        self, candidates: Sequence[_Candidate], qvec: npt.NDArray[np.float32], *, whole: bool
    ) -> npt.NDArray[np.float32]:
        """Per candidate: similarity of the whole sentence (``whole``), or the best over its
        other pieces (clauses, pronoun context; -1 when it has none)."""
        keys: list[str] = []
        texts: list[str] = []
        owner: list[int] = []
        for i, cand in enumerate(candidates):
            article, sent = cand.passage.article, cand.sentence
            pieces = dense_pieces(sent.slice(article.text), cand.previous)
            for j, piece in enumerate(pieces):
                if (j == 0) == whole:
                    keys.append(piece_key(article.id, sent.start, sent.end, j))
                    texts.append(piece)
                    owner.append(i)
        best = np.full(len(candidates), -1.0, dtype=np.float32)
        if keys:
            sims = (self._vectors.pieces(keys, texts) @ qvec).astype(np.float32)
            np.maximum.at(best, np.asarray(owner), sims)
        return best

    def read(self, question: Question, passages: Sequence[Passage]) -> list[Reading]:
        candidates = self._candidates(passages)
        if not candidates:
            return []
        qvec = self._vectors.query(question.text)
        dense = self._dense(candidates, qvec, whole=True)
        readings = self._score(question, passages, candidates, dense)
        order = sorted(range(len(readings)), key=lambda i: readings[i].score, reverse=True)
        top = order[: self._refine]
        extra = self._dense([candidates[i] for i in top], qvec, whole=False)
        for i, sim in zip(top, extra, strict=True):
            if sim > readings[i].features.dense:
                features = replace(readings[i].features, dense=float(min(1.0, max(0.0, sim))))
                score = self._weights_for(question).score(features)
                readings[i] = replace(readings[i], features=features, score=score)
        readings.sort(key=lambda r: r.score, reverse=True)
        return readings

    def _score(  # candidates' order is kept: read() sorts
        self,
        question: Question,
        passages: Sequence[Passage],
        candidates: Sequence[_Candidate],
        dense: npt.NDArray[np.float32],
    ) -> list[Reading]:
        texts = [c.sentence.slice(c.passage.article.text) for c in candidates]
        scorer = self._weights_for(question)
        stems = [
            {t.stem for t in tokenize(text)}
            | ({t.stem for t in tokenize(c.previous)} if opens_with_pronoun(text) else set())
            for c, text in zip(candidates, texts, strict=True)
        ]
        weights = term_weights(question.terms, stems)
        best_retrieval = max(p.score for p in passages) or 1.0
        readings: list[Reading] = []
        for cand, text, sent_stems, sim in zip(candidates, texts, stems, dense, strict=True):
            article = cand.passage.article
            ctx_stems = sent_stems | {t.stem for t in tokenize(cand.context)}
            spans = answer_spans(text, question)
            strength = 0.0
            if spans.typed:
                strength = 1.0
                if question.answer_type is AnswerType.PERSON:
                    strength = 1.0 if attributed_names(text, question) else 0.4
            features = Features(
                dense=float(min(1.0, max(0.0, sim))),
                coverage=weighted_coverage(weights, sent_stems),
                context=weighted_coverage(weights, ctx_stems),
                names=name_coverage(
                    question,
                    f"{header_text(article.title, article.date)} {cand.evidence} {text}".lower(),
                    article_lower=self._lowered(article),
                    dated=question.dates is not None and question.dates.fits(article.date),
                ),
                answer_type=type_presence(
                    question,
                    typed=strength,
                    clause_anchor=(
                        clause_anchor(text, spans.clause, question) if spans.clause else None
                    ),
                ),
                retrieval=cand.passage.score / best_retrieval,
                focus=_focus(question, cand, text, sent_stems),
            )
            local = spans.best
            answer = (
                Span(cand.sentence.start + local.start, cand.sentence.start + local.end)
                if local
                else None
            )
            readings.append(
                Reading(cand.passage, cand.sentence, answer, scorer.score(features), features)
            )
        return readings
