"""The answering groups of ``Settings``: evidence and decline bounds, the reranker, the reader.

Where an answering policy's own default is the shipped value, the field takes it from there, so
it is written once. ``min_names``, the reranker's weight and bounds and the span reader's bounds
ship calibrated values, while the policies default to the feature rules alone (every name
required, the models' bounds off, an even blend). Why each value was chosen: docs/EVAL.md, "Why
the settings have these values".
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from answering.decline import DeclinePolicy
from answering.pipeline import AnswerPolicy
from bot.config.group import Group, fraction

_DECLINE = DeclinePolicy()
_ANSWER = AnswerPolicy()


class AnswerSettings(Group):
    min_evidence: float = fraction(_DECLINE.min_evidence)
    """Evidence score below which the bot declines."""
    min_coverage: float = fraction(_DECLINE.min_coverage)
    """Least rarity-weighted share of the question's terms the evidence and its context must hold,
    unless its meaning matches strongly."""
    strong_dense: float = fraction(_DECLINE.strong_dense)
    """Sentence similarity above which low term coverage is accepted (paraphrases)."""
    min_names: float = fraction(0.5)
    """Least share of the question's names, numbers and dates that the evidence or its article
    header must hold."""
    min_answer_type: float = fraction(_DECLINE.min_answer_type)
    """Least strength of an answer of the asked kind in the evidence (a 'how many' question needs a
    number)."""
    min_cross_lingual: float = fraction(_DECLINE.min_cross_lingual)
    """Evidence score below which a question in another language than the articles is declined
    (multilingual profile)."""
    refine: int = Field(default=2, ge=0, le=50)
    """Best sentences rescored with their clause vectors (computed at question time)."""
    fallback_margin: float = fraction(_ANSWER.fallback_margin)
    """When the best sentence would be declined, the first one that would be answered within this
    much of its score answers instead."""
    fallback_max_no_answer: float = fraction(_ANSWER.fallback_max_no_answer)
    """The span reader's no-answer probability above which a fall-through sentence does not
    answer."""
    fallback_tries: int = Field(default=_ANSWER.fallback_tries, ge=0, le=20)
    """Sentences tried by that fall-through at most."""
    dated_passages: int = Field(default=_ANSWER.dated_passages, ge=1, le=200)
    """Passages searched for a question that names a date, so that day's reports are found among
    many alike."""
    max_quotes: int = Field(default=_ANSWER.max_quotes, ge=1, le=5)
    """Quotes shown with an answer."""
    more_passages: int = Field(default=_ANSWER.more_passages, ge=0, le=10)
    """Further passages kept for 'More sources'."""


class RerankSettings(Group):
    kind: Literal["trained", "crossencoder", "none"] = "none"
    """trained: the cross-encoder in answering/weights/reranker; crossencoder: a local
    sentence-transformers CrossEncoder folder (model); none: the feature-based reader decides
    alone."""
    model: str = ""
    """Model folder: required for crossencoder; for trained, another folder made by `newsbot train
    reranker` (empty: the shipped one)."""
    weight: float = fraction(0.1)
    """Share of the reranker's score in the blend."""
    top: int = Field(default=_ANSWER.rerank_top, ge=1, le=100)
    """Sentences the reranker rescores."""
    batch_size: int = Field(default=32, ge=1)
    """Pairs per reranker batch."""
    max_length: int = Field(default=256, ge=16)
    """Tokens per (question, sentence) for a crossencoder (a trained model uses the length it was
    trained with)."""
    int8: bool = True
    """Quantise the trained reranker's linear layers to int8."""
    min_score: float = fraction(0.4)
    """With a reranker, the evidence score (the blend) below which the bot declines;
    answer.min_evidence applies without one."""
    strong: float = Field(default=0.5, ge=0.0, le=1.01)
    """Reranker probability above which the word checks (term coverage, the counted thing of 'how
    many X') are waived for paraphrases; above 1: never."""


class ReaderSettings(Group):
    kind: Literal["extractive", "qa"] = "extractive"
    """extractive: the feature-based reader; qa: a local extractive QA model."""
    qa_model: str = ""
    """A local transformers AutoModelForQuestionAnswering folder (kind=qa)."""
    null_margin: float = 0.0
    """How far the QA model's no-answer score must win to abstain."""
    span: Literal["trained", "features"] = "trained"
    """The short answer inside the chosen sentence: trained, the span reader shipped in
    answering/weights/reader; features: the rule-based span finder."""
    span_model: str = ""
    """Another folder made by `newsbot train reader` (empty: the shipped one)."""
    span_top: int = Field(default=_ANSWER.span_top, ge=1, le=20)
    """Best sentences the span reader reads (1: the answer's; more only feeds the 'sources disagree'
    check with model spans, at a cost per sentence)."""
    span_int8: bool = True
    """Quantise the span reader's linear layers to int8 (dynamic)."""
    span_traced: bool = True
    """Run the span reader as a TorchScript copy cached under DATA_DIR/models/traced: same answers,
    a start seconds faster."""
    max_no_answer: float = fraction(0.85)
    """The span reader's no-answer probability above which the bot declines."""
    sure_no_answer: float = fraction(0.01)
    """The span reader's no-answer probability below which it vouches for the best sentence (no
    reranker on): the evidence-score and names bounds are waived, the word checks stay; 0: off."""
