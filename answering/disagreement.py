"""Sources that disagree: other articles whose best sentence answers differently.

When the top passages from different articles give different numbers or names for the same
question, the answer shows each with its date (newest first) instead of picking one silently.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from answering.decline import Verdicts
from answering.entities import NUMBER_WORDS
from answering.question import AnswerType, Question
from answering.readers.extractive import Reading

# Only answers of these kinds can be compared as "different values".
_COMPARABLE = frozenset(
    {AnswerType.COUNT, AnswerType.AMOUNT, AnswerType.PERSON, AnswerType.TIME, AnswerType.PLACE}
)
_UNITS = (
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen"
).split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_WORD_VALUE = {w: i for i, w in enumerate(_UNITS)} | {w: 20 + 10 * i for i, w in enumerate(_TENS)}


def _numbers_as_digits(words: list[str]) -> list[str]:
    """["twenty", "five", "drones"] -> ["25", "drones"] (and "twenty-five" likewise)."""
    out: list[str] = []
    for word in words:
        parts = word.split("-")
        if all(p in _WORD_VALUE for p in parts):
            value = sum(_WORD_VALUE[p] for p in parts)
            tens = int(out[-1]) if out and out[-1].isdigit() else 0
            if tens >= 20 and tens % 10 == 0 and value < 10:  # "twenty five"
                out[-1] = str(tens + value)
                continue
            out.append(str(value))
        else:
            out.append(word)
    return out


def short_answer(reading: Reading) -> str | None:
    return reading.answer.slice(reading.article.text) if reading.answer else None


def normalize_answer(text: str) -> str:
    """Comparable form: lowercase words, number words as digits, no punctuation."""
    words = re.findall(r"[\w.-]+", text.lower().replace(",", ""))
    return " ".join(_numbers_as_digits([w for w in words if w not in ("the", "a", "an")]))


def _core(text: str) -> str:
    """The value without its noun: "37 of the 65 drones" -> "37 65"; names unchanged."""
    words = normalize_answer(text).split()
    numbers = [w for w in words if w[:1].isdigit() or w in NUMBER_WORDS]
    return " ".join(numbers) if numbers else " ".join(words)


def _differ(mine: str, theirs: str) -> bool:
    """Different values, word by word: "3" differs from "37 65"; "37" is part of "37 65"."""
    a, b = set(mine.split()), set(theirs.split())
    return not (a <= b or b <= a)


def disagreeing(
    question: Question,
    best: Reading,
    readings: Sequence[Reading],
    verdicts: Verdicts,
    *,
    margin: float,
    limit: int = 2,
) -> list[Reading]:
    """Readings from other articles, nearly as strong as ``best`` and passing the decline
    checks, whose short answer differs from ``best``'s (one per article, best first)."""
    if question.answer_type not in _COMPARABLE or best.answer is None:
        return []
    mine = _core(short_answer(best) or "")
    seen = {best.article.id}
    out: list[Reading] = []
    for r in readings:
        if len(out) >= limit or r.score < best.score - margin:
            break
        answer = short_answer(r)
        if r.article.id in seen or answer is None:
            continue
        if not verdicts.answers(r):
            continue
        seen.add(r.article.id)
        theirs = _core(answer)
        if theirs and _differ(mine, theirs):
            out.append(r)
    return out
