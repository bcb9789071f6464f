"""A small, seeded fine-tuning loop for CPU: AdamW, linear warm-up and decay, and batches
grouped by length (sequences of similar length share a batch, so little compute goes to
padding; the batch order is still shuffled)."""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch

logger = logging.getLogger(__name__)

Encoded = dict[str, list[int] | int]


@dataclass(frozen=True, slots=True)
class Recipe:
    """Training hyper-parameters (recorded in the model card)."""

    epochs: float = 1.0
    batch_size: int = 32
    lr: float = 5e-5
    warmup: float = 0.06
    weight_decay: float = 0.01
    max_length: int = 128
    seed: int = 13
    threads: int = 0  # 0: torch's default
    freeze_word_embeddings: bool = True


def seed_everything(seed: int) -> None:
    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def length_grouped_batches(
    lengths: Sequence[int], batch_size: int, rng: random.Random, *, group: int = 50
) -> list[list[int]]:
    """Indices in batches of similar length: shuffle, sort within mega-groups of ``group``
    batches, cut, then shuffle the batches. Every index appears exactly once."""
    order = list(range(len(lengths)))
    rng.shuffle(order)
    mega = batch_size * group
    batches: list[list[int]] = []
    for lo in range(0, len(order), mega):
        block = sorted(order[lo : lo + mega], key=lambda i: lengths[i])
        batches += [block[j : j + batch_size] for j in range(0, len(block), batch_size)]
    rng.shuffle(batches)
    return batches


def pad_batch(rows: Sequence[Encoded], pad_id: int) -> dict[str, torch.Tensor]:
    """Stack encoded rows: sequence fields padded to the longest, scalar fields as is."""
    import torch

    width = max(len(r["input_ids"]) for r in rows)  # type: ignore[arg-type]
    out: dict[str, Any] = {}
    for key in rows[0]:
        values = [r[key] for r in rows]
        if isinstance(values[0], list):
            fill = pad_id if key == "input_ids" else 0
            padded = [list(v) + [fill] * (width - len(v)) for v in values if isinstance(v, list)]
            out[key] = torch.tensor(padded)
        else:
            out[key] = torch.tensor(values)
    return out


def epoch_plan(lengths: Sequence[int], recipe: Recipe, rng: random.Random) -> list[list[int]]:
    """The batches of every epoch in order; a fractional last epoch takes its share of one."""
    plan: list[list[int]] = []
    whole = int(recipe.epochs)
    for _ in range(whole):
        plan += length_grouped_batches(lengths, recipe.batch_size, rng)
    if recipe.epochs > whole:
        extra = length_grouped_batches(lengths, recipe.batch_size, rng)
        plan += extra[: round(len(extra) * (recipe.epochs - whole))]
    return plan


def optimizer_for(model: Any, recipe: Recipe) -> tuple[list[Any], torch.optim.Optimizer]:
    """(the trainable parameters, AdamW over them): no weight decay on biases and norms."""
    import torch

    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.ndim >= 2]
    no_decay = [p for p in params if p.ndim < 2]
    optimizer = torch.optim.AdamW(
        [
            {"params": decay, "weight_decay": recipe.weight_decay},
            {"params": no_decay, "weight_decay": 0.0},
        ],
        lr=recipe.lr,
    )
    return params, optimizer


def warmup_then_decay(total: int, warmup: float) -> Callable[[int], float]:
    """The learning-rate factor of a step: linear warm-up over ``warmup`` of the steps, then a
    linear decay to 0 at ``total``."""
    warm = max(1, int(total * warmup))

    def schedule(step: int) -> float:
        return (step + 1) / warm if step < warm else max(0.0, (total - step) / (total - warm))

    return schedule


def train(
    model: Any,
    rows: Sequence[Encoded],
    loss_fn: Callable[[Any, dict[str, torch.Tensor]], torch.Tensor],
    recipe: Recipe,
    *,
    pad_id: int,
    progress: bool = True,
) -> dict[str, float]:
    """Fine-tune ``model`` in place on ``rows``; returns the figures (seconds, steps, loss)."""
    import torch
    from tqdm import tqdm

    if recipe.threads:
        torch.set_num_threads(recipe.threads)
    seed_everything(recipe.seed)
    if recipe.freeze_word_embeddings:
        model.get_input_embeddings().weight.requires_grad_(False)
    lengths = [len(r["input_ids"]) for r in rows]  # type: ignore[arg-type]
    plan = epoch_plan(lengths, recipe, random.Random(recipe.seed))
    params, optimizer = optimizer_for(model, recipe)
    total = max(1, len(plan))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, warmup_then_decay(total, recipe.warmup)
    )
    model.train()
    started = time.perf_counter()
    running = 0.0
    bar = tqdm(plan, desc="training", unit="batch", disable=not progress, mininterval=5.0)
    for step, batch_ids in enumerate(bar):
        loss = loss_fn(model, pad_batch([rows[i] for i in batch_ids], pad_id))
        loss.backward()  # type: ignore[no-untyped-call]
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad(set_to_none=True)
        value = float(loss.detach())
        running = 0.98 * running + 0.02 * value if step else value
        if step % 50 == 0:
            bar.set_postfix(loss=f"{running:.4f}")
            logger.debug("step %d/%d loss %.4f", step, total, running)
    model.eval()
    seconds = time.perf_counter() - started
    logger.info("trained %d steps in %.1f s (loss %.4f)", total, seconds, running)
    return {"seconds": round(seconds, 1), "steps": float(total), "final_loss": round(running, 4)}
