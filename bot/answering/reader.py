"""The extractive reader: picks the best-supported sentence and the short answer inside it.

No packaged QA model exists here (see the README), so the default ``Reader`` scores the
sentences of the retrieved passages with ``scoring.Features`` and finds the answer span by the
question's answer type (``spans``). A transformers QA model can replace it behind ``Reader``.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from bot.answering.lexicon import tokenize
from bot.answering.question import AnswerType, Question
from bot.answering.scoring import (
    Features,
    Weights,
    name_coverage,
    term_weights,
    type_presence,
    weighted_coverage,
)
from bot.answering.spans import (
    attributed_names,
    candidate_spans,
    clause_anchor,
    clause_span,
)
from index.chunking import split_sentences
from index.embedding.base import Embedder
from index.types import Article, Passage, Span, header_text

logger = logging.getLogger(__name__)

_TERMINAL = (".", "!", "?", "…", "”", '"', "»", ")")
_CLAUSE_BREAK = re.compile(r"[,;:“”\"«»()]|\s[–—-]\s")
_MIN_CLAUSE_WORDS = 4


def clause_pieces(text: str) -> list[str]:
    """A long sentence's clauses (split at commas, quotes, dashes), small ones merged forward.

    Long sentences dilute a sentence embedding; the best clause often matches the question
    much better ("... and obtain licenses from our partners").
    """
    if len(text.split()) < 2 * _MIN_CLAUSE_WORDS:
        return []
    pieces: list[str] = []
    current = ""
    for part in _CLAUSE_BREAK.split(text):
        current = f"{current} {part}".strip() if current else part.strip()
        if len(current.split()) >= _MIN_CLAUSE_WORDS:
            pieces.append(current)
            current = ""
    if current and pieces:
        pieces[-1] = f"{pieces[-1]} {current}"
    return pieces if len(pieces) > 1 else []


@dataclass(frozen=True, slots=True)
class Reading:
    """A candidate sentence, its score, and the short answer span in it (absolute offsets)."""

    passage: Passage
    sentence: Span
    answer: Span | None
    score: float
    features: Features

    @property
    def article(self) -> Article:
        return self.passage.article


class Reader(Protocol):
    """Reads retrieved passages and returns candidate answers, best first."""

    def read(self, question: Question, passages: Sequence[Passage]) -> list[Reading]: ...

    def warm(self) -> None: ...


class _LRU:
    def __init__(self, size: int) -> None:
        self._size = size
        self._data: OrderedDict[object, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: object) -> object | None:
        with self._lock:
            if key in self._data:
                self._data.move_to_end(key)
                return self._data[key]
            return None

    def put(self, key: object, value: object) -> None:
        with self._lock:
            self._data[key] = value
            self._data.move_to_end(key)
            while len(self._data) > self._size:
                self._data.popitem(last=False)


@dataclass(frozen=True, slots=True)
class _Candidate:
    passage: Passage
    rank: int
    sentence: Span
    context: str  # neighbours + title, for context coverage
    previous: str  # the sentence before, for sentences that open with a pronoun


_PRONOUN_START = re.compile(r"^[“\"]?(they|it|he|she|this|these|those|its|their|his|her)\b", re.I)


def opens_with_pronoun(text: str) -> bool:
    """Whether the sentence's subject is a pronoun that refers to the sentence before."""
    return _PRONOUN_START.match(text) is not None


def dense_pieces(text: str, previous: str) -> list[str]:
    """What is embedded for a sentence: itself, its clauses, and, when it opens with a pronoun
    ("They are essential for ..."), the previous sentence with it, so the pronoun has a referent.
    """
    pieces = [text, *clause_pieces(text)]
    if previous and opens_with_pronoun(text):
        pieces.append(f"{previous} {text}")
    return pieces


def _is_headline(text: str) -> bool:
    return not text.rstrip().endswith(_TERMINAL) and len(text.split()) < 10


class ExtractiveReader:
    """Feature-scored sentence selection + typed span extraction."""

    def __init__(
        self, embedder: Embedder, *, weights: Weights | None = None, cache_size: int = 20000
    ) -> None:
        self._embedder = embedder
        self._weights = weights or Weights()
        self._vectors = _LRU(cache_size)
        self._sentences = _LRU(2048)

    def warm(self) -> None:
        self._embedder.warm()

    def _article_sentences(self, article: Article) -> list[Span]:
        cached = self._sentences.get(article.id)
        if isinstance(cached, list):
            return cached
        spans = split_sentences(article.text)
        self._sentences.put(article.id, spans)
        return spans

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
                around = [
                    all_spans[j].slice(article.text)
                    for j in (i - 1 if i is not None else -1, i + 1 if i is not None else -1)
                    if i is not None and 0 <= j < len(all_spans)
                ]
                context = " ".join([article.title, *around])
                previous = all_spans[i - 1].slice(article.text) if i is not None and i > 0 else ""
                out.append(_Candidate(passage, rank, sent, context, previous))
        return out

    def _embed(self, texts: Sequence[str], keys: Sequence[object]) -> npt.NDArray[np.float32]:
        rows: list[npt.NDArray[np.float32] | None] = []
        missing: list[int] = []
        for i, key in enumerate(keys):
            vec = self._vectors.get(key)
            rows.append(vec if isinstance(vec, np.ndarray) else None)
            if rows[-1] is None:
                missing.append(i)
        if missing:
            fresh = self._embedder.embed([texts[i] for i in missing], kind="document")
            for i, vec in zip(missing, fresh, strict=True):
                self._vectors.put(keys[i], vec)
                rows[i] = vec
        if not rows:
            return np.zeros((0, self._embedder.dim), dtype=np.float32)
        return np.stack([r for r in rows if r is not None]).astype(np.float32, copy=False)

    def _dense(
        self,
        candidates: Sequence[_Candidate],
        texts: Sequence[str],
        keys: Sequence[tuple[str, int, int]],
        qvec: npt.NDArray[np.float32],
    ) -> npt.NDArray[np.float32]:
        """Per sentence: the best similarity over its ``dense_pieces``."""
        all_texts: list[str] = []
        all_keys: list[object] = []
        owner: list[int] = []
        for i, (cand, text, key) in enumerate(zip(candidates, texts, keys, strict=True)):
            for j, piece in enumerate(dense_pieces(text, cand.previous)):
                all_texts.append(piece)
                all_keys.append((*key, j))
                owner.append(i)
        sims = self._embed(all_texts, all_keys) @ qvec
        best = np.full(len(texts), -1.0, dtype=np.float32)
        np.maximum.at(best, np.asarray(owner), sims.astype(np.float32))
        return best

    def read(self, question: Question, passages: Sequence[Passage]) -> list[Reading]:
        candidates = self._candidates(passages)
        if not candidates:
            return []
        texts = [c.sentence.slice(c.passage.article.text) for c in candidates]
        keys = [(c.passage.article.id, c.sentence.start, c.sentence.end) for c in candidates]
        qkey = ("query", question.text)
        qvec = self._vectors.get(qkey)
        if not isinstance(qvec, np.ndarray):
            qvec = self._embedder.embed([question.text], kind="query")[0]
            self._vectors.put(qkey, qvec)
        dense = self._dense(candidates, texts, keys, qvec)
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
            typed = candidate_spans(text, question)
            clause = clause_span(text, question)
            strength = 0.0
            if typed:
                strength = 1.0
                if question.answer_type is AnswerType.PERSON:
                    strength = 1.0 if attributed_names(text, question) else 0.4
            features = Features(
                dense=float(min(1.0, max(0.0, sim))),
                coverage=weighted_coverage(weights, sent_stems),
                context=weighted_coverage(weights, ctx_stems),
                names=name_coverage(
                    question,
                    f"{header_text(article.title, article.date)} {cand.context} {text}".lower(),
                ),
                answer_type=type_presence(
                    question,
                    typed=strength,
                    clause_anchor=clause_anchor(text, clause, question) if clause else None,
                ),
                retrieval=cand.passage.score / best_retrieval,
                focus=1.0 if not question.focus or set(question.focus) <= sent_stems else 0.0,
            )
            local = typed[0] if typed else clause
            answer = (
                Span(cand.sentence.start + local.start, cand.sentence.start + local.end)
                if local
                else None
            )
            readings.append(
                Reading(
                    cand.passage, cand.sentence, answer, self._weights.score(features), features
                )
            )
        readings.sort(key=lambda r: r.score, reverse=True)
        return readings
