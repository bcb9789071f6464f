"""When to decline: no evidence, no answer. Checks over the best reading's features.

A score threshold alone does not separate answerable from unanswerable questions (the weak
point of any retrieval score), so three checks apply, each with its own calibrated bound:
the evidence score; coverage of the question's terms (unless the meaning matches strongly,
for paraphrases); the question's names, numbers and dates, which must be in the evidence or
its article's header; an answer of the kind asked for ("how many" needs a number); and, for
"how many X" questions, that X is in the sentence at all. With the trained models, their
scores count too: the reranker's probability that the sentence answers, the span reader's
probability that it holds no answer (above ``max_no_answer`` it declines; below
``sure_no_answer`` it vouches for the sentence, waiving the evidence-score and names bounds).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from answering.readers.extractive import Reading


class DeclineReason(enum.Enum):
    NO_PASSAGES = "no passages retrieved"
    WEAK_EVIDENCE = "evidence score below the threshold"
    TERMS_ABSENT = "the question's terms are absent from the evidence"
    FOCUS_ABSENT = "the thing counted is not in the evidence"
    NAMES_ABSENT = "a name, number or date of the question is not in the evidence"
    NO_TYPED_ANSWER = "the evidence holds no answer of the kind asked for"


@dataclass(frozen=True, slots=True)
class DeclinePolicy:
    """Bounds chosen on the development sets (see ``Settings.answer``)."""

    min_evidence: float = 0.35
    min_coverage: float = 0.25
    strong_dense: float = 0.55
    min_names: float = 1.0
    min_answer_type: float = 0.0
    min_cross_lingual: float = 0.5
    min_rerank: float = 0.0  # bound on the score blended with a model reranker's
    strong_rerank: float = 1.01  # reranker probability that waives the word checks
    max_no_answer: float = 1.0  # the span reader's no-answer probability for the best
    # Below this no-answer probability the span reader vouches for the best sentence (when
    # no reranker blended its score): the evidence-score and names bounds are waived (the
    # word checks stay); 0: never.
    sure_no_answer: float = 0.0


def word_check(best: Reading, policy: DeclinePolicy) -> DeclineReason | None:
    """The checks of the words: the counted thing of "how many X", the question's terms, and
    the kind of answer asked for."""
    f = best.features
    # A reranker that reads question and sentence together and is confident vouches for a
    # paraphrase ("five-story" answers "how many floors"): the word checks are waived.
    confident = best.rerank is not None and best.rerank >= policy.strong_rerank
    if f.focus < 1.0 and not confident:
        return DeclineReason.FOCUS_ABSENT
    if f.context < policy.min_coverage and not (confident or f.dense >= policy.strong_dense):
        return DeclineReason.TERMS_ABSENT
    if f.answer_type < policy.min_answer_type or not best.typed:
        return DeclineReason.NO_TYPED_ANSWER
    return None


def decline_reason(
    best: Reading | None, policy: DeclinePolicy, *, cross_lingual: bool = False
) -> DeclineReason | None:
    """Why the bot should decline on ``best`` (the top reading), or None to answer.

    A ``cross_lingual`` question (not in the articles' language) shares no words with the
    evidence, so only its own score bound applies (meaning and answer type).
    """
    if best is None:
        return DeclineReason.NO_PASSAGES
    if cross_lingual:
        return DeclineReason.WEAK_EVIDENCE if best.score < policy.min_cross_lingual else None
    f = best.features
    reason = word_check(best, policy)
    if reason is not None:
        return reason
    # The span reader vouches only for the feature score: its bound was chosen without a
    # reranker, and a blend with a reranker's score keeps its own bound.
    null = best.no_answer
    vouched = best.rerank is None and null is not None and null < policy.sure_no_answer
    if not vouched and best.score < (
        policy.min_evidence if best.rerank is None else policy.min_rerank
    ):
        return DeclineReason.WEAK_EVIDENCE
    if null is not None and null > policy.max_no_answer:
        return DeclineReason.NO_TYPED_ANSWER
    if not vouched and f.names < policy.min_names:
        return DeclineReason.NAMES_ABSENT
    return None


class Verdicts:
    """The decline checks of one question's readings: each reading is checked once, however
    many steps ask about it (the recency order, the fall-through, the disagreement, the
    second quotes and the final decision all ask about the same few readings)."""

    def __init__(self, policy: DeclinePolicy, *, cross_lingual: bool = False) -> None:
        self.policy = policy
        self.cross_lingual = cross_lingual
        # Keyed by identity; the reading is kept with its verdict so its id stays its own.
        self._seen: dict[int, tuple[Reading, DeclineReason | None]] = {}

    def reason(self, reading: Reading | None) -> DeclineReason | None:
        """``decline_reason`` of ``reading`` under this policy."""
        if reading is None:
            return DeclineReason.NO_PASSAGES
        seen = self._seen.get(id(reading))
        if seen is None or seen[0] is not reading:
            reason = decline_reason(reading, self.policy, cross_lingual=self.cross_lingual)
            seen = self._seen[id(reading)] = (reading, reason)
        return seen[1]

    def answers(self, reading: Reading) -> bool:
        """Whether ``reading`` would be answered."""
        return self.reason(reading) is None
