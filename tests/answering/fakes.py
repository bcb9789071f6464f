"""Deterministic stand-ins for the answering models, for tests: a word-overlap reranker and
a span reader that finds the first number."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from answering.question import Question
from answering.readers.span import SpanResult, SpanWindow
from answering.rerankers.base import SentenceCandidate
from index.types import Span

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+", re.UNICODE)


def _words(text: str) -> set[str]:
    return set(_WORD.findall(text.lower()))


class FakeReranker:
    """Deterministic word-overlap reranker for tests; ``history`` records every call.

    The score is the share of the question's words found in the sentence, plus a tenth of
    the share found only in its context, so it lies in [0, 1.1] and needs no model.
    """

    def __init__(self) -> None:
        self.history: list[tuple[str, tuple[SentenceCandidate, ...]]] = []
        self.warmed = False

    def warm(self) -> None:
        self.warmed = True

    def rerank(self, question: Question, candidates: Sequence[SentenceCandidate]) -> list[float]:
        self.history.append((question.text, tuple(candidates)))
        asked = _words(question.text)
        if not asked:
            return [0.0] * len(candidates)
        scores: list[float] = []
        for cand in candidates:
            in_text = asked & _words(cand.text)
            in_context = (asked & _words(cand.context)) - in_text
            scores.append((len(in_text) + 0.1 * len(in_context)) / len(asked))
        logger.debug("fake rerank of %d candidates", len(candidates))
        return scores


_NUMBER = re.compile(r"\d[\d,.]*")


class FakeSpanReader:
    """Deterministic stand-in: the first number in the sentence, else no answer (p 0.9)."""

    def __init__(self) -> None:
        self.calls = 0

    def warm(self) -> None:
        pass

    def spans(self, question: Question, windows: Sequence[SpanWindow]) -> list[SpanResult]:
        self.calls += 1
        out = []
        for w in windows:
            m = _NUMBER.search(w.sentence.slice(w.text))
            if m is None:
                out.append(SpanResult(None, 0.9))
            else:
                start = w.sentence.start + m.start()
                out.append(SpanResult(Span(start, start + len(m.group().rstrip(",."))), 0.1))
        return out
