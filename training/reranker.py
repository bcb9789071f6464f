"""Train the cross-encoder reranker: MiniLM + a one-logit head, binary cross-entropy over
(question, sentence with its title and previous sentence) pairs from the SQuAD training
articles (``training.pairs``)."""

from __future__ import annotations

import logging
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from training.data import TrainQuestion, all_training_paragraphs
from training.loop import Encoded, Recipe
from training.pairs import (
    Pair,
    ParagraphRetriever,
    _by_overlap,
    reranker_pairs,
    reranker_text,
)
from training.steps import Task

logger = logging.getLogger(__name__)

RECIPE = Recipe(epochs=0.6, batch_size=32, lr=5e-5, max_length=128)


def encode_pairs(tokenizer: Any, pairs: Sequence[Pair], max_length: int) -> list[Encoded]:
    enc = tokenizer(
        [p.question for p in pairs],
        [p.text for p in pairs],
        truncation="only_second",
        max_length=max_length,
    )
    return [
        {
            "input_ids": enc["input_ids"][i],
            "attention_mask": enc["attention_mask"][i],
            "token_type_ids": enc["token_type_ids"][i],
            "labels": int(p.label),
        }
        for i, p in enumerate(pairs)
    ]


def _loss(model: Any, batch: dict[str, Any]) -> Any:
    import torch

    labels = batch.pop("labels").float()
    logits = model(**batch).logits[:, 0]
    return torch.nn.functional.binary_cross_entropy_with_logits(logits, labels)


def score_pairs(
    model: Any, tokenizer: Any, question: str, texts: Sequence[str], max_length: int
) -> list[float]:
    import torch

    enc = tokenizer(
        [question] * len(texts),
        list(texts),
        truncation="only_second",
        max_length=max_length,
        padding=True,
        return_tensors="pt",
    )
    with torch.inference_mode():
        return [float(x) for x in torch.sigmoid(model(**enc).logits[:, 0])]


def _mean(values: Sequence[float]) -> float:
    return round(sum(values) / len(values), 4) if values else 0.0


def validate(
    model: Any,
    tokenizer: Any,
    questions: Sequence[TrainQuestion],
    retriever: ParagraphRetriever,
    max_length: int,
) -> dict[str, float]:
    """Answer-sentence accuracy among the paragraph's sentences and the best sentences of two
    retrieved paragraphs of other articles; mean top score, answerable vs unanswerable, and
    how well that top score separates them (ROC AUC: 0.5 is chance)."""
    hits = total = 0
    top_answerable: list[float] = []
    top_unanswerable: list[float] = []
    for q in questions:
        gold = q.answer_sentence()
        own = [reranker_text(q.paragraph, i) for i in range(len(q.paragraph.sentences))]
        others = [
            reranker_text(p, i)
            for p in retriever.others(q, 2)
            for i in _by_overlap(q.text, p, None)[:2]
        ]
        scores = score_pairs(model, tokenizer, q.text, own + others, max_length)
        best = max(range(len(scores)), key=scores.__getitem__)
        if q.answer is None:
            top_unanswerable.append(max(scores))
        elif gold is not None:
            total += 1
            hits += best == gold
            top_answerable.append(max(scores))
    pairs = [(a, u) for a in top_answerable for u in top_unanswerable]
    separation = sum(1.0 if a > u else 0.5 if a == u else 0.0 for a, u in pairs)
    return {
        "answer_sentence_accuracy": round(hits / total, 4) if total else 0.0,
        "top_score_auc": round(separation / len(pairs), 4) if pairs else 0.0,
        "validation_answerable": float(total),
        "mean_top_score_answerable": _mean(top_answerable),
        "mean_top_score_unanswerable": _mean(top_unanswerable),
    }


def task(squad_dir: Path, recipe: Recipe) -> Task:
    """The reranking task: pairs from the fitted questions, validation on a sample of the
    held-out ones, both against paragraphs of the other training articles."""
    from transformers import AutoModelForSequenceClassification

    retriever = ParagraphRetriever(all_training_paragraphs(squad_dir))

    def encode(
        tokenizer: Any, fit: Sequence[TrainQuestion]
    ) -> tuple[list[Encoded], dict[str, int]]:
        pairs = reranker_pairs(fit, retriever, seed=recipe.seed)
        return encode_pairs(tokenizer, pairs, recipe.max_length), {"pairs": len(pairs)}

    def check(model: Any, tokenizer: Any, held: Sequence[TrainQuestion]) -> dict[str, float]:
        sample = random.Random(recipe.seed).sample(list(held), min(600, len(held)))
        return validate(model, tokenizer, sample, retriever, recipe.max_length)

    return Task(
        "rerank",
        AutoModelForSequenceClassification,
        _loss,
        encode,
        check,
        model_options={"num_labels": 1},
        extra={"context": ["title", "previous"]},
    )
