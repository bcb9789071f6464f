"""The short answer inside the chosen sentence: a span reader over a window around it.

``SpanReader`` reads (question, window) pairs and returns, per window, the answer's span
inside the sentence (or none) and the probability that the window holds no answer.
``TrainedSpanReader`` is the model trained by ``newsbot train reader`` and shipped in
``answering/weights/reader`` (``tests/answering/fakes.py`` has a stand-in for tests).
``apply_span_reader`` puts the reader's spans on the best readings (the feature-based span
stays as the fallback where the model finds none).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from answering.model_files import ShippedModel, shipped_dir
from answering.question import Question
from answering.readers.extractive import Reading
from answering.readers.span_decoding import decode_window, encode_windows, sentence_mask
from index.chunking import trimmed_span
from index.errors import ModelError
from index.types import Span

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class SpanWindow:
    """A sentence (``sentence``) inside a window of text (``window``), both as offsets into
    ``text`` (the article)."""

    text: str
    window: Span
    sentence: Span
    title: str = ""  # the article's title, read before the window (never part of an answer)


@dataclass(frozen=True, slots=True)
class SpanResult:
    span: Span | None  # offsets into the article text; None when no answer is found
    no_answer: float | None  # probability of the no-answer option; None: sentence not read


class SpanReader(Protocol):
    def spans(self, question: Question, windows: Sequence[SpanWindow]) -> list[SpanResult]:
        """One result per window, in order."""
        ...

    def warm(self) -> None: ...


def window_of(reading: Reading) -> SpanWindow:
    """The reading's sentence with its neighbours in the chunk."""
    spans = reading.passage.chunk.sentences
    i = next((j for j, s in enumerate(spans) if s.start == reading.sentence.start), None)
    title = reading.article.title
    if i is None:
        return SpanWindow(reading.article.text, reading.sentence, reading.sentence, title)
    first, last = spans[max(0, i - 1)], spans[min(len(spans) - 1, i + 1)]
    return SpanWindow(reading.article.text, Span(first.start, last.end), reading.sentence, title)


class TrainedSpanReader:
    """Start/end decoding over the shipped reader's logits, restricted to the sentence; the
    window is cut to ``max_length`` tokens (default: the length it was trained with)."""

    def __init__(
        self,
        folder: Path | None = None,
        *,
        int8: bool = False,
        max_length: int | None = None,
        max_answer_tokens: int = 30,
        null_margin: float = 0.0,
        base_dir: Path | None = None,
        traced_dir: Path | None = None,
    ) -> None:
        self._model = ShippedModel(
            folder or shipped_dir("span"),
            "span",
            int8=int8,
            base_dir=base_dir,
            traced_dir=traced_dir,
        )
        self._max_length = max_length
        self._max_answer_tokens = max_answer_tokens
        self._null_margin = null_margin

    def warm(self) -> None:
        self._model.get()

    def spans(self, question: Question, windows: Sequence[SpanWindow]) -> list[SpanResult]:
        if not windows:
            return []
        loaded = self._model.get()
        heads = [_title_line(w) for w in windows]
        contexts = [h + w.window.slice(w.text) for h, w in zip(heads, windows, strict=True)]
        max_length = self._max_length or loaded.max_length
        enc, offsets = encode_windows(loaded.tokenizer, question.text, contexts, max_length)
        try:
            start_logits, end_logits = loaded.logits(enc)
        except Exception as e:
            raise ModelError(f"span reader {self._model.folder} failed: {e}") from e
        starts = start_logits.float().numpy()
        ends = end_logits.float().numpy()
        results: list[SpanResult] = []
        for row, (w, head) in enumerate(zip(windows, heads, strict=True)):
            base = w.window.start - len(head)  # article offset of the context's first character
            lo, hi = w.sentence.start - base, w.sentence.end - base
            mask = sentence_mask(enc.sequence_ids(row), offsets[row], lo, hi)
            if not mask.any():  # the sentence fell outside the token budget: no verdict
                results.append(SpanResult(None, None))
                continue
            decision = decode_window(
                starts[row], ends[row], mask, self._max_answer_tokens, self._null_margin
            )
            span = None
            if decision.tokens is not None:
                first, last = decision.tokens
                a, b = offsets[row][first][0], offsets[row][last][1]
                span = trimmed_span(w.text, base + a, base + b)
            results.append(SpanResult(span, decision.p_null))
        return results


def _title_line(window: SpanWindow) -> str:
    """The article's title as a line before the window (the event's place and date often
    stand only there); none when the window already opens with it."""
    title = window.title.strip()
    if not title or window.text[window.window.start :].startswith(title):
        return ""
    return f"{title}\n"


def apply_span_reader(
    question: Question, readings: Sequence[Reading], reader: SpanReader, *, top: int
) -> list[Reading]:
    """The ``top`` readings with the reader's span (where it found one) and its no-answer
    probability; the others unchanged."""
    head = list(readings[:top])
    if not head:
        return list(readings)
    results = reader.spans(question, [window_of(r) for r in head])
    updated = [
        replace(r, answer=res.span or r.answer, no_answer=res.no_answer)
        for r, res in zip(head, results, strict=True)
    ]
    return updated + list(readings[top:])
