"""The answering groups of ``Settings``: evidence and decline bounds, the reranker, the reader.

(Split from ``bot/config/settings.py`` to keep modules small; ``Settings`` nests them.)
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Group(BaseModel):
    """A nested settings group: unknown keys are an error, not silently ignored."""

    model_config = ConfigDict(extra="forbid")


class AnswerSettings(Group):
    min_evidence: float = Field(
        default=0.35,
        ge=0.0,
        le=1.0,
        description="Evidence score below which the bot declines. This and the next four were "
        "chosen together by bench/calibrate.py on seed_dev+bbc_dev (en): 34 of 47 handled.",
    )
    min_coverage: float = Field(
        default=0.25,
        ge=0.0,
        le=1.0,
        description="Least rarity-weighted share of the question's terms the evidence and its "
        "context must hold, unless its meaning matches strongly (calibrated on the dev sets).",
    )
    strong_dense: float = Field(
        default=0.55,
        ge=0.0,
        le=1.0,
        description="Sentence similarity above which low term coverage is accepted (paraphrases).",
    )
    min_names: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Least share of the question's names, numbers and dates that the evidence "
        "or its article header must hold.",
    )
    min_answer_type: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="Least strength of an answer of the asked kind in the evidence (a 'how "
        "many' question needs a number).",
    )
    min_cross_lingual: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Evidence score below which a question in another language than the "
        "articles is declined (multilingual profile; seed_dev uk/ru: answerable 0.51-0.68, "
        "unanswerable at most 0.49).",
    )
    refine: int = Field(
        default=2,
        ge=0,
        le=50,
        description="Best sentences rescored with their clause vectors (computed at question "
        "time). Chosen on the dev sets: 2, 3 and 6 give the same answers on seed_dev (en 14/14) "
        "and bbc_dev (13/24, declines 5/6), 1 loses 4; 2 costs one exact short answer on "
        "bbc_dev (EM 37.5% vs 41.7%) for a lower first-ask p50 (87 vs 95 ms, 1 thread).",
    )
    fallback_margin: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="When the best sentence would be declined, the first one that would be "
        "answered within this much of its score answers instead (chosen by "
        "bench.calibrate_news).",
    )
    fallback_max_no_answer: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="The span reader's no-answer probability above which a fall-through "
        "sentence does not answer (chosen by bench.calibrate_news).",
    )
    fallback_tries: int = Field(
        default=3, ge=0, le=20, description="Sentences tried by that fall-through at most."
    )
    dated_passages: int = Field(
        default=24,
        ge=1,
        le=200,
        description="Passages searched for a question that names a date, so that day's "
        "reports are found among many alike.",
    )
    max_quotes: int = Field(default=2, ge=1, le=5, description="Quotes shown with an answer.")
    more_passages: int = Field(
        default=3, ge=0, le=10, description="Further passages kept for 'More sources'."
    )


class RerankSettings(Group):
    kind: Literal["trained", "crossencoder", "none"] = Field(
        default="none",
        description="trained: the cross-encoder in answering/weights/reranker (see its model "
        "card); crossencoder: a local sentence-transformers CrossEncoder folder (model); none: "
        "the feature-based reader decides alone (the fallback).",
    )
    model: str = Field(
        default="",
        description="Model folder: required for crossencoder; for trained, another folder made "
        "by `newsbot train reranker` (empty: the shipped one).",
    )
    weight: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="Share of the reranker's score in the blend (this, top, min_score and "
        "strong: chosen by bench.calibrate_rerank_news on the news dev sets, docs/EVAL.md).",
    )
    top: int = Field(default=8, ge=1, le=100, description="Sentences the reranker rescores.")
    batch_size: int = Field(default=32, ge=1, description="Pairs per reranker batch.")
    max_length: int = Field(
        default=256,
        ge=16,
        description="Tokens per (question, sentence) for a crossencoder (a trained model uses "
        "the length it was trained with).",
    )
    int8: bool = Field(
        default=True, description="Quantise the trained reranker's linear layers to int8."
    )
    min_score: float = Field(
        default=0.4,
        ge=0.0,
        le=1.0,
        description="With a reranker, the evidence score (the blend) below which the bot "
        "declines; answer.min_evidence applies without one.",
    )
    strong: float = Field(
        default=0.5,
        ge=0.0,
        le=1.01,
        description="Reranker probability above which the word checks (term coverage, the "
        "counted thing of 'how many X') are waived for paraphrases; above 1: never.",
    )


class ReaderSettings(Group):
    kind: Literal["extractive", "qa"] = Field(
        default="extractive",
        description="extractive: the feature-based reader; qa: a local extractive QA model.",
    )
    qa_model: str = Field(
        default="",
        description="A local transformers AutoModelForQuestionAnswering folder (kind=qa).",
    )
    null_margin: float = Field(
        default=0.0, description="How far the QA model's no-answer score must win to abstain."
    )
    span: Literal["trained", "features"] = Field(
        default="trained",
        description="The short answer inside the chosen sentence: trained, the span reader "
        "shipped in answering/weights/reader; features: the rule-based span finder (the fallback).",
    )
    span_model: str = Field(
        default="",
        description="Another folder made by `newsbot train reader` (empty: the shipped one).",
    )
    span_top: int = Field(
        default=1,
        ge=1,
        le=20,
        description="Best sentences the span reader reads (1: the answer's; more only feeds "
        "the 'sources disagree' check with model spans, at a cost per sentence).",
    )
    span_int8: bool = Field(
        default=True,
        description="Quantise the span reader's linear layers to int8 (dynamic). Same answers "
        "on bbc_dev (13/24, declines 5/6) and SQuAD (EM 37.7 vs 37.0 on 300 questions) as fp32, "
        "p50 59 vs 104 ms on bbc_dev.",
    )
    span_traced: bool = Field(
        default=True,
        description="Run the span reader as a TorchScript copy cached under "
        "DATA_DIR/models/traced: same answers, a start seconds faster.",
    )
    max_no_answer: float = Field(
        default=0.85,
        ge=0.0,
        le=1.0,
        description="The span reader's no-answer probability above which the bot declines. "
        "Chosen with sure_no_answer on the dev sets: the most correct "
        "declines with no set losing one or gaining a false decline against the feature "
        "rules alone: seed_dev 3/3 declined, 0 false (features 3/3, 0); bbc_dev 5/6, 3 false "
        "(5/6, 4); held-out SQuAD training titles 174/533, 95 false (143/533, 95).",
    )
    sure_no_answer: float = Field(
        default=0.01,
        ge=0.0,
        le=1.0,
        description="The span reader's no-answer probability below which it vouches for the "
        "best sentence (no reranker on): the evidence-score (answer.min_evidence) and names "
        "(answer.min_names) bounds are waived; the counted-thing, terms and answer-type checks "
        "stay. 0 turns it off. Chosen with max_no_answer (see there).",
    )
