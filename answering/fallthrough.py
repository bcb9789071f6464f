"""The fall-through: a nearly as strong sentence answers when the best would be declined.

The best sentence often misses a name the next one has, so the first one that would be
answered, within a margin of the best, answers instead. Never past the reports of the
question's dates. Pure, but for the reading of the candidates, which the caller passes in
(the span reader's verdicts count)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from answering.decline import Verdicts
from answering.question import Question
from answering.readers.extractive import Reading
from answering.recency import pinned_split


@dataclass(frozen=True, slots=True)
class FallThrough:
    """How far below the best a sentence may answer instead, how many are tried, and the
    span reader's doubt such a sentence may have."""

    margin: float = 0.1
    tries: int = 3
    max_no_answer: float = 0.5


def first_answering(
    q: Question,
    readings: list[Reading],
    verdicts: Verdicts,
    fall: FallThrough,
    read: Callable[[Question, list[Reading]], list[Reading]],
) -> list[Reading]:
    """``readings`` with the first that would be answered moved to the front, when the best
    would be declined and that one scores within ``fall.margin`` of it; the candidates are
    ``read`` (in one batch) before their verdict."""
    if not readings or verdicts.answers(readings[0]):
        return readings
    pinned = len(pinned_split(readings, q.dates)[0])
    floor = readings[0].score - fall.margin
    candidates: list[int] = []
    for i, reading in enumerate(readings[1:pinned], start=1):
        if reading.score < floor or len(candidates) >= fall.tries:
            break
        if verdicts.answers(reading):
            candidates.append(i)
    for i, reading in zip(candidates, read(q, [readings[i] for i in candidates]), strict=True):
        null = reading.no_answer
        if verdicts.answers(reading) and (null is None or null <= fall.max_no_answer):
            return [reading, *readings[:i], *readings[i + 1 :]]
    return readings
