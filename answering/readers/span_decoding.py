"""Start/end decoding for extractive QA heads (transformers 5 has no QA pipeline).

Pure functions over one window's logits: the best span among allowed tokens, and the
decision between that span and the [CLS] "no answer" slot (token 0).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt


def best_span(
    start_logits: npt.ArrayLike,
    end_logits: npt.ArrayLike,
    context_mask: npt.ArrayLike,
    max_len: int,
) -> tuple[int, int, float] | None:
    """The best ``(start, end, start_logit + end_logit)`` with ``start <= end``, both tokens
    in ``context_mask`` and at most ``max_len`` tokens long; None when no token is allowed.
    Ties go to the earliest start, then the earliest end.
    """
    start = np.asarray(start_logits, dtype=np.float64)
    end = np.asarray(end_logits, dtype=np.float64)
    mask = np.asarray(context_mask, dtype=bool)
    if not (start.shape == end.shape == mask.shape) or start.ndim != 1:
        raise ValueError("start_logits, end_logits and context_mask must be 1-D, equal length")
    if max_len < 1 or not mask.any():
        return None
    i = np.arange(start.size)
    gap = i[None, :] - i[:, None]  # end index minus start index
    valid = mask[:, None] & mask[None, :] & (gap >= 0) & (gap < max_len)
    scores = np.where(valid, start[:, None] + end[None, :], -np.inf)
    s, e = np.unravel_index(int(np.argmax(scores)), scores.shape)
    return int(s), int(e), float(scores[s, e])


def encode_windows(
    tokenizer: Any, question: str | Sequence[str], contexts: Sequence[str], max_length: int
) -> tuple[Any, list[list[tuple[int, int]]]]:
    """Tokenise (question, context) pairs for a QA head, padded, as torch tensors; returns
    the encoding (without offsets) and each row's character offsets into its context.
    ``question`` is one question for every context, or one per context."""
    questions = [question] * len(contexts) if isinstance(question, str) else list(question)
    enc = tokenizer(
        questions,
        list(contexts),
        truncation="only_second",
        max_length=max_length,
        padding=True,
        return_offsets_mapping=True,
        return_tensors="pt",
    )
    offsets = enc.pop("offset_mapping").tolist()
    return enc, offsets


def sentence_mask(
    sequence_ids: Sequence[int | None], offsets: Sequence[Sequence[int]], lo: int, hi: int
) -> npt.NDArray[np.bool_]:
    """The context tokens lying wholly inside characters ``[lo, hi)`` of the context."""
    return np.array(
        [
            seq == 1 and a < b and a >= lo and b <= hi
            for seq, (a, b) in zip(sequence_ids, offsets, strict=True)
        ],
        dtype=bool,
    )


def _softmax(logits: npt.NDArray[np.float64], allowed: npt.NDArray[np.bool_]) -> Any:
    masked = np.where(allowed, logits, -np.inf)
    exp = np.exp(masked - masked.max())
    return exp / exp.sum()


@dataclass(frozen=True, slots=True)
class SpanDecision:
    """``tokens``: the answer's (start, end) token indices, None for no answer; ``p_span``
    and ``p_null``: probabilities of the best span and of [CLS] (softmax over the allowed
    tokens and [CLS], start times end); ``score``: ``p_span``, or ``p_span * (1 - p_null)``
    when the window is judged to hold no answer."""

    tokens: tuple[int, int] | None
    p_span: float
    p_null: float
    score: float


def decode_window(
    start_logits: npt.ArrayLike,
    end_logits: npt.ArrayLike,
    context_mask: npt.ArrayLike,
    max_answer_tokens: int,
    null_margin: float = 0.0,
) -> SpanDecision:
    """The span, or no answer when the [CLS] score beats the best span's by ``null_margin``."""
    start = np.asarray(start_logits, dtype=np.float64)
    end = np.asarray(end_logits, dtype=np.float64)
    mask = np.asarray(context_mask, dtype=bool)
    best = best_span(start, end, mask, max_answer_tokens)
    allowed = mask.copy()
    allowed[0] = True  # [CLS], the no-answer slot
    p_start, p_end = _softmax(start, allowed), _softmax(end, allowed)
    p_null = float(p_start[0] * p_end[0])
    if best is None:
        return SpanDecision(None, 0.0, p_null, 0.0)
    s, e, span_score = best
    p_span = float(p_start[s] * p_end[e])
    if float(start[0] + end[0]) - span_score > null_margin:
        return SpanDecision(None, p_span, p_null, p_span * (1.0 - p_null))
    return SpanDecision((s, e), p_span, p_null, p_span)
