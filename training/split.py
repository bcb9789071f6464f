"""Hold out whole training articles for validation (questions of one article never straddle)."""

from __future__ import annotations

import random
from collections.abc import Sequence

from training.data import TrainQuestion


def split_by_article(
    questions: Sequence[TrainQuestion], *, seed: int, held_share: float = 0.1
) -> tuple[list[TrainQuestion], list[TrainQuestion]]:
    """(fit, validation): about ``held_share`` of the titles (at least one when there are two
    or more) go to validation, drawn with ``seed``."""
    titles = sorted({q.paragraph.title for q in questions})
    n_held = max(1, round(len(titles) * held_share)) if len(titles) > 1 else 0
    held = set(random.Random(seed).sample(titles, n_held))
    fit = [q for q in questions if q.paragraph.title not in held]
    val = [q for q in questions if q.paragraph.title in held]
    return fit, val
