"""When to decline: no evidence, no answer. Pure functions over the best reading's features.

A score threshold alone does not separate answerable from unanswerable questions (the weak
point of any retrieval score), so three checks apply, each with its own calibrated bound:
the evidence score; coverage of the question's terms (unless the meaning matches strongly,
for paraphrases); the question's names, numbers and dates, which must be in the evidence or
its article's header; an answer of the kind asked for ("how many" needs a number); and, for
"how many X" questions, that X is in the sentence at all. With the trained models, their
scores count too: the reranker's probability that the sentence answers, the span reader's
probability that it holds no answer (above ``max_no_answer`` it declines; below
``sure_no_answer`` it vouches for the sentence, waiving the evidence-score and names bounds),
and, as an option, the answerability model that weighs them all together
(``answerability``).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from answering.answerability import AnswerabilityModel
from answering.readers.extractive import Reading


class DeclineReason(enum.Enum):
    NO_PASSAGES = "no passages retrieved"
    WEAK_EVIDENCE = "evidence score below the threshold"
    TERMS_ABSENT = "the question's terms are absent from the evidence"
    FOCUS_ABSENT = "the thing counted is not in the evidence"
    NAMES_ABSENT = "a name, number or date of the question is not in the evidence"
    NO_TYPED_ANSWER = "the evidence holds no answer of the kind asked for"
    UNANSWERABLE = "the answerability model doubts the evidence answers the question"


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
    # Combines the best reading's features and the span reader's verdict; when that has read
    # the best reading, it replaces the evidence, names and no-answer bounds (the checks of
    # the counted thing and of the question's terms stay).
    answerability: AnswerabilityModel | None = None


def answerability_of(best: Reading, policy: DeclinePolicy) -> float | None:
    """The answerability model's probability for ``best``, when it decides: the span reader
    has read ``best`` and no reranker blended its score (the model was fitted on the feature
    score; a blend is another scale)."""
    model = policy.answerability
    if model is None or model.threshold <= 0 or best.no_answer is None or best.rerank is not None:
        return None
    return model.probability(best)


def word_check(best: Reading, policy: DeclinePolicy) -> DeclineReason | None:
    """The checks that always apply, the answerability model or not: the counted thing of
    "how many X", the question's terms, and the kind of answer asked for."""
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
    answerable = answerability_of(best, policy)
    if answerable is not None and policy.answerability is not None:
        # The answerability model weighs the evidence score, the names check and the span
        # reader's verdict together, in place of their separate bounds.
        return DeclineReason.UNANSWERABLE if answerable < policy.answerability.threshold else None
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
