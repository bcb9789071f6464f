"""A ``Reader`` over a local extractive QA model (``AutoModelForQuestionAnswering``).

transformers 5 has no question-answering pipeline, so the span decoding is written here:
each candidate sentence is read in a window with its neighbours, the fast tokenizer's offset
mapping ties tokens to characters of the article text, and ``best_span`` picks the best
answer inside the sentence (or none, when the model prefers its [CLS] "no answer" slot).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from answering.lexicon import focus_present, stems_with_parts, tokenize
from answering.local_models import Once, load_folder
from answering.question import Question
from answering.readers.extractive import Reading
from answering.readers.span_decoding import decode_window, encode_windows, sentence_mask
from answering.scoring import Features, name_coverage, term_weights, weighted_coverage
from index.chunking import trimmed_span
from index.errors import ModelError
from index.types import Passage, Span

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class _Window:
    passage: Passage
    sentence: Span
    window: Span  # the sentence and its neighbours in the chunk, in article offsets


@dataclass(frozen=True, slots=True)
class _Answer:
    span: Span | None  # absolute offsets into the article text, stripped of white space
    score: float


def _windows(passages: Sequence[Passage]) -> list[_Window]:
    seen: set[tuple[str, int]] = set()
    out: list[_Window] = []
    for passage in passages:
        spans = passage.chunk.sentences
        for i, sent in enumerate(spans):
            if (passage.article.id, sent.start) in seen:
                continue
            seen.add((passage.article.id, sent.start))
            first = spans[i - 1] if i > 0 else sent
            last = spans[i + 1] if i + 1 < len(spans) else sent
            out.append(_Window(passage, sent, Span(first.start, last.end)))
    return out


class QAModelReader:
    """Reads each candidate sentence with a local extractive QA model folder.

    ``Reading.score`` is the model's probability of its answer span (softmax over the start
    and end positions allowed: the sentence's tokens and [CLS]). When the [CLS] null score
    beats the best span by more than ``null_margin`` the reading has no answer and its score
    is that probability times ``1 - P(null)``. Features: ``dense`` is 0 (no embedding), the
    lexical ones are those of ``ExtractiveReader``, ``answer_type`` is 1 when a span was found.
    """

    def __init__(
        self,
        model_path: str,
        *,
        max_length: int = 384,
        max_answer_tokens: int = 30,
        device: str = "cpu",
        batch_size: int = 16,
        null_margin: float = 0.0,
    ) -> None:
        self._model_path = model_path
        self._max_length = max_length
        self._max_answer_tokens = max_answer_tokens
        self._device = device
        self._batch_size = max(1, batch_size)
        self._null_margin = null_margin
        self._loaded = Once(self._load)

    def warm(self) -> None:
        self._loaded.get()

    def _load(self) -> tuple[PreTrainedTokenizerBase, PreTrainedModel]:
        def qa_model(path: Path) -> tuple[PreTrainedTokenizerBase, PreTrainedModel]:
            from transformers import AutoModelForQuestionAnswering, AutoTokenizer

            tokenizer = AutoTokenizer.from_pretrained(str(path), local_files_only=True)
            model = AutoModelForQuestionAnswering.from_pretrained(str(path), local_files_only=True)
            model.to(self._device).eval()
            return tokenizer, model

        tokenizer, model = load_folder(self._model_path, "question-answering", "QA model", qa_model)
        if not getattr(tokenizer, "is_fast", False):
            raise ModelError(f"QA model {self._model_path!r} needs a fast tokenizer")
        return tokenizer, model

    def _clip_question(self, tokenizer: PreTrainedTokenizerBase, text: str) -> str:
        """The question cut to half the token budget, so the context always has room."""
        enc = tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        offsets = enc["offset_mapping"]
        limit = max(1, self._max_length // 2)
        return text if len(offsets) <= limit else text[: offsets[limit - 1][1]]

    def _decode(
        self, start: npt.NDArray[np.float64], end: npt.NDArray[np.float64], mask: Any
    ) -> tuple[tuple[int, int] | None, float]:
        """Token-level decision for one window: the answer's token range (or None), score."""
        decision = decode_window(start, end, mask, self._max_answer_tokens, self._null_margin)
        return decision.tokens, decision.score

    def _answers(self, question: Question, windows: Sequence[_Window]) -> list[_Answer]:
        import torch

        tokenizer, model = self._loaded.get()
        asked = self._clip_question(tokenizer, question.text)
        out: list[_Answer] = []
        for lo in range(0, len(windows), self._batch_size):
            batch = windows[lo : lo + self._batch_size]
            contexts = [w.window.slice(w.passage.article.text) for w in batch]
            enc, offsets = encode_windows(tokenizer, asked, contexts, self._max_length)
            try:
                with torch.inference_mode():
                    result = model(**{k: v.to(self._device) for k, v in enc.items()})
            except Exception as e:
                raise ModelError(f"QA model {self._model_path!r} failed: {e}") from e
            starts = result.start_logits.float().cpu().numpy().astype(np.float64)
            ends = result.end_logits.float().cpu().numpy().astype(np.float64)
            for row, w in enumerate(batch):
                lo_c = w.sentence.start - w.window.start
                hi_c = w.sentence.end - w.window.start
                mask = sentence_mask(enc.sequence_ids(row), offsets[row], lo_c, hi_c)
                tokens, score = self._decode(starts[row], ends[row], mask)
                span = None
                if tokens is not None:
                    a, b = offsets[row][tokens[0]][0], offsets[row][tokens[1]][1]
                    span = trimmed_span(
                        w.passage.article.text, w.window.start + a, w.window.start + b
                    )
                out.append(_Answer(span, score))
        return out

    def read(self, question: Question, passages: Sequence[Passage]) -> list[Reading]:
        windows = _windows(passages)
        if not windows:
            return []
        answers = self._answers(question, windows)
        sentences = [w.sentence.slice(w.passage.article.text) for w in windows]
        stems = [{t.stem for t in tokenize(text)} for text in sentences]
        weights = term_weights(question.terms, stems)
        best_retrieval = max(p.score for p in passages) or 1.0
        readings: list[Reading] = []
        for w, sentence, sent_stems, answer in zip(windows, sentences, stems, answers, strict=True):
            article = w.passage.article
            around = {t.stem for t in tokenize(w.window.slice(article.text))}
            features = Features(
                dense=0.0,
                coverage=weighted_coverage(weights, sent_stems),
                context=weighted_coverage(
                    weights, sent_stems | around | {t.stem for t in tokenize(article.title)}
                ),
                names=name_coverage(question, f"{article.title} {article.text}".lower()),
                answer_type=1.0 if answer.span is not None else 0.0,
                retrieval=w.passage.score / best_retrieval,
                focus=1.0 if focus_present(question.focus, stems_with_parts(sentence)) else 0.0,
            )
            readings.append(Reading(w.passage, w.sentence, answer.span, answer.score, features))
        readings.sort(key=lambda r: r.score, reverse=True)
        logger.debug(
            "QA reader: %d sentences, %d with an answer",
            len(readings),
            sum(1 for a in answers if a.span is not None),
        )
        return readings
