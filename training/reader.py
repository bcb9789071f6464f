"""Train the answer-span reader: MiniLM + a start/end head over a sentence window, with the
[CLS] token as the "no answer here" option (``training.spans``)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from answering.readers.span_decoding import decode_window, encode_windows, sentence_mask
from evaluation.squad import exact_match, f1
from training.data import TrainQuestion
from training.loop import Encoded, Recipe
from training.spans import SpanExample, reader_examples
from training.steps import Task

logger = logging.getLogger(__name__)

RECIPE = Recipe(epochs=2.0, batch_size=32, lr=8e-5, max_length=160)
MAX_ANSWER_TOKENS = 30


def encode_examples(
    tokenizer: Any, examples: Sequence[SpanExample], max_length: int
) -> list[Encoded]:
    """Token rows with ``start_positions``/``end_positions`` (0, the [CLS] slot, for no answer).
    An answer cut off by truncation makes its example a no-answer one."""
    enc = tokenizer(
        [e.question for e in examples],
        [e.context for e in examples],
        truncation="only_second",
        max_length=max_length,
        return_offsets_mapping=True,
    )
    rows: list[Encoded] = []
    for i, ex in enumerate(examples):
        start = end = 0
        if ex.answer is not None:
            seq = enc.sequence_ids(i)
            for t, (a, b) in enumerate(enc["offset_mapping"][i]):
                if seq[t] != 1 or a == b:
                    continue
                if (start == 0 and a <= ex.answer.start < b) or (
                    start == 0 and a >= ex.answer.start
                ):
                    start = t
                if a < ex.answer.end:
                    end = t
            cut = enc["offset_mapping"][i][end][1] < ex.answer.end  # truncated mid-answer
            if start == 0 or end < start or cut:
                start = end = 0
        rows.append(
            {
                "input_ids": enc["input_ids"][i],
                "attention_mask": enc["attention_mask"][i],
                "token_type_ids": enc["token_type_ids"][i],
                "start_positions": start,
                "end_positions": end,
            }
        )
    return rows


def _loss(model: Any, batch: dict[str, Any]) -> Any:
    return model(**batch).loss


def validate(
    model: Any, tokenizer: Any, examples: Sequence[SpanExample], max_length: int
) -> dict[str, float]:
    """Exact match and F1 (SQuAD normalisation) on windows with an answer; share of no-answer
    windows the model declines; share of answer windows it wrongly declines."""
    import torch

    em = f1_sum = 0.0
    pos = neg = neg_ok = pos_declined = 0
    for lo in range(0, len(examples), 32):
        batch = examples[lo : lo + 32]
        enc, offsets = encode_windows(
            tokenizer, [e.question for e in batch], [e.context for e in batch], max_length
        )
        with torch.inference_mode():
            out = model(**enc)
        for row, ex in enumerate(batch):
            mask = sentence_mask(enc.sequence_ids(row), offsets[row], 0, len(ex.context))
            decision = decode_window(
                out.start_logits[row].numpy(), out.end_logits[row].numpy(), mask, MAX_ANSWER_TOKENS
            )
            predicted = None
            if decision.tokens is not None:
                s, e = decision.tokens
                predicted = ex.context[offsets[row][s][0] : offsets[row][e][1]]
            if ex.answer is None:
                neg += 1
                neg_ok += predicted is None
            else:
                pos += 1
                pos_declined += predicted is None
                gold = ex.context[ex.answer.start : ex.answer.end]
                em += exact_match(predicted, [gold])
                f1_sum += f1(predicted, [gold])
    return {
        "exact_match": round(em / pos, 4) if pos else 0.0,
        "f1": round(f1_sum / pos, 4) if pos else 0.0,
        "no_answer_recall": round(neg_ok / neg, 4) if neg else 0.0,
        "answer_declined": round(pos_declined / pos, 4) if pos else 0.0,
        "validation_windows": float(pos + neg),
    }


def task(squad_dir: Path, recipe: Recipe) -> Task:
    """The span-reading task: examples from the fitted questions, validation on the held-out
    ones."""
    from transformers import AutoModelForQuestionAnswering

    def encode(
        tokenizer: Any, fit: Sequence[TrainQuestion]
    ) -> tuple[list[Encoded], dict[str, int]]:
        examples = reader_examples(fit, seed=recipe.seed)
        return encode_examples(tokenizer, examples, recipe.max_length), {"examples": len(examples)}

    def check(model: Any, tokenizer: Any, held: Sequence[TrainQuestion]) -> dict[str, float]:
        examples = reader_examples(held, seed=recipe.seed)
        return validate(model, tokenizer, examples, recipe.max_length)

    return Task(
        "span",
        AutoModelForQuestionAnswering,
        _loss,
        encode,
        check,
        extra={"max_answer_tokens": MAX_ANSWER_TOKENS},
    )
