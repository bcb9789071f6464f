"""Sentence evidence features and their combination. Pure functions, no models.

A candidate sentence is scored on what the question needs from it: meaning (dense similarity,
computed by the caller), the question's terms weighted by rarity (in the sentence, and in its
neighbours and title for pronouns and context), the question's names, and whether it holds the
kind of answer asked for. The weights were chosen on the development sets (see ``Weights``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from functools import lru_cache

from answering.question import AnswerType, Question


@dataclass(frozen=True, slots=True)
class Features:
    """Evidence a sentence gives for a question; each in [0, 1]."""

    dense: float  # cosine similarity of question and sentence embeddings
    coverage: float  # rarity-weighted share of the question's terms in the sentence
    context: float  # the same over the sentence, its neighbours and the article title
    names: float  # share of the question's names/numbers in the evidence or article header
    answer_type: float  # 1 when the sentence holds an answer of the asked type
    retrieval: float  # the passage's fused retrieval score, scaled to the best one
    focus: float = 1.0  # "how many X": 1 when X is in the sentence (always 1 otherwise)


@dataclass(frozen=True, slots=True)
class Weights:
    """Linear weights over ``Features``; the score is their weighted mean.

    Calibrated with ``python -m bench.calibrate`` (a grid over these weights and the decline
    bounds in ``Settings.answer``) on the English questions of seed_dev and bbc_dev, 47 in
    all: the chosen point handles 34 right (26 of 38 answerable answered correctly, 8 of 9
    unanswerable declined, 5 false declines); the previous defaults handled 33.
    """

    dense: float = 0.45
    coverage: float = 0.20
    context: float = 0.15
    names: float = 0.10
    answer_type: float = 0.20
    retrieval: float = 0.0
    focus: float = 0.0

    def score(self, f: Features) -> float:
        total = 0.0
        weight = 0.0
        for field in fields(self):
            w = float(getattr(self, field.name))
            total += w * float(getattr(f, field.name))
            weight += w
        return total / weight if weight else 0.0


# A question in another language than the articles shares no words with them: only meaning
# (a multilingual embedder) and the kind of answer count.
CROSS_LINGUAL = Weights(
    dense=0.8, coverage=0.0, context=0.0, names=0.0, answer_type=0.2, retrieval=0.0
)


def term_weights(question_terms: Sequence[str], documents: Iterable[set[str]]) -> dict[str, float]:
    """IDF of each question term over the candidate pool; terms absent from it weigh most."""
    docs = list(documents)
    df: Counter[str] = Counter()
    for doc in docs:
        df.update(t for t in question_terms if t in doc)
    n = len(docs)
    return {t: math.log(1.0 + (n + 1.0) / (df[t] + 0.5)) for t in question_terms}


def weighted_coverage(weights: dict[str, float], present: set[str]) -> float:
    """Share of the total term weight whose terms are in ``present``."""
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    return sum(w for t, w in weights.items() if t in present) / total


# A people's or a language's name stands for its country ("Ukrainian" for "Ukraine"):
# the root that is left without these endings is looked for too.
_PEOPLE_ENDINGS = ("ians", "ian", "ans", "an", "s")


def _name_forms(name: str) -> tuple[str, ...]:
    roots = [name[: -len(end)] for end in _PEOPLE_ENDINGS if name.endswith(end)]
    return (name, *(root for root in roots if len(root) >= 4))


def name_coverage(
    question: Question, haystack_lower: str, *, article_lower: str = "", dated: bool = False
) -> float:
    """Share of the question's names and numbers that occur in ``haystack_lower`` (the
    evidence); a name only elsewhere in the article (``article_lower``) counts half. With
    ``dated`` (the article's date fits the question's date cue) the cue's words count as
    found: they name the date, which the article's date already matched."""
    names = question.names
    if dated and question.dates is not None:
        names = tuple(n for n in names if n not in question.dates.words)
    if not names:
        return 1.0
    credit = 0.0
    for name in names:
        if _name_found(name, haystack_lower):
            credit += 1.0
        elif article_lower and _name_found(name, article_lower):
            credit += 0.5
    return credit / len(names)


def _name_found(name: str, haystack_lower: str) -> bool:
    """A name is found when its last word and at least half its words are ("Biden" for "Joe
    Biden"; "Japan" alone is not "Japan Airlines"), each at the start of a word ("Oman" is
    not in "woman")."""
    words = [w for w in re.split(r"[\s-]+", name) if w]
    found = [_word_pattern(w).search(haystack_lower) is not None for w in words]
    return bool(found) and found[-1] and 2 * sum(found) >= len(words)


@lru_cache(maxsize=4096)
def _word_pattern(word: str) -> re.Pattern[str]:
    """The word, or its people's root ("ukrainian" -> "ukrain"), at a word's start; the word
    itself whole (or its plural) when it is short ("us", "uk", "pcs")."""
    forms = _name_forms(word)
    whole = rf"\b{re.escape(word)}s?\b" if len(word) <= 3 else rf"\b{re.escape(word)}"
    roots = [rf"\b{re.escape(f)}" for f in forms[1:]]
    return re.compile("|".join([whole, *roots]))


def type_presence(question: Question, *, typed: float, clause_anchor: float | None) -> float:
    """How well the sentence holds the asked kind of answer, in [0, 1].

    ``typed`` is the strength of the best typed candidate (0 when none); "what" questions are
    judged by how well the answering clause is anchored to the question's terms.
    """
    if question.answer_type is AnswerType.OTHER:
        return clause_anchor or 0.0
    if typed > 0:
        return typed
    return 0.25 if clause_anchor else 0.0
