"""(question, window, answer span) examples for the answer-span reader.

A window is a sentence with its neighbours, as the reader sees it at run time (the sentence
the reranker chose, with the sentences before and after it). Positives: the window around
the answer's sentence, with the answer's character span. No-answer examples (the model's
[CLS] slot): an unanswerable question on the window around its paragraph's best-matching
sentence, and some answerable questions on a window of their paragraph that does not hold
the answer.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from dataclasses import dataclass

from index.types import Span
from training.data import Paragraph, TrainQuestion
from training.pairs import _words

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SpanExample:
    question: str
    context: str
    answer: Span | None  # character span in ``context``; None: no answer here


def window(paragraph: Paragraph, index: int) -> Span:
    """Sentence ``index`` of the paragraph with its neighbours, as paragraph offsets."""
    spans = paragraph.sentences
    first = spans[max(0, index - 1)]
    last = spans[min(len(spans) - 1, index + 1)]
    return Span(first.start, last.end)


def _best_sentence(q: TrainQuestion, exclude: set[int]) -> int | None:
    asked = _words(q.text)
    options = [i for i in range(len(q.paragraph.sentences)) if i not in exclude]
    if not options:
        return None
    return max(
        options, key=lambda i: len(asked & _words(q.paragraph.sentences[i].slice(q.paragraph.text)))
    )


def reader_examples(
    questions: Sequence[TrainQuestion], *, answerable_negative_rate: float = 0.25, seed: int = 13
) -> list[SpanExample]:
    """The training examples, shuffled with ``seed``."""
    rng = random.Random(seed)
    out: list[SpanExample] = []
    for q in questions:
        text = q.paragraph.text
        gold = q.answer_sentence()
        if q.answer is None:
            best = _best_sentence(q, set())
            if best is not None:
                w = window(q.paragraph, best)
                out.append(SpanExample(q.text, w.slice(text), None))
            continue
        if gold is None:
            continue
        w = window(q.paragraph, gold)
        rel = Span(q.answer.start - w.start, q.answer.end - w.start)
        out.append(SpanExample(q.text, w.slice(text), rel))
        if rng.random() < answerable_negative_rate:
            far = _best_sentence(q, {gold - 2, gold - 1, gold, gold + 1, gold + 2})
            if far is not None:
                out.append(SpanExample(q.text, window(q.paragraph, far).slice(text), None))
    rng.shuffle(out)
    logger.info(
        "reader examples: %d (%d with an answer)",
        len(out),
        sum(1 for e in out if e.answer is not None),
    )
    return out
