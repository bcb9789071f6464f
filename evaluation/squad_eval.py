"""Answer quality the SQuAD way: exact match, F1, answer in the first quote, gold-passage recall.

Any system is measured through an ``Ask`` callable (question -> ``Attempt``), so newsbot and a
peer pipeline get the same figures.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from tqdm import tqdm

from evaluation import squad
from evaluation.squad import GoldItem
from evaluation.stats import percentile

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Attempt:
    """What a system did with one question. ``short`` None means it declined; ``retrieved``
    are the article ids of its retrieved passages, best first; ``score`` its confidence."""

    short: str | None
    first_quote: str | None
    latency_ms: float
    retrieved: tuple[str, ...] = ()
    score: float = 0.0


Ask = Callable[[str], Attempt]


@dataclass(frozen=True, slots=True)
class QualityResult:
    """One question's outcome. ``gold_rank``: 1-based rank of the gold document among the
    distinct documents retrieved (None when not retrieved, or when no gold is known)."""

    gold: GoldItem
    answered: bool
    short: str | None
    first_quote: str | None
    em: float
    f1: float
    in_first_quote: bool
    latency_ms: float
    gold_rank: int | None
    score: float = 0.0


def score_attempt(
    gold: GoldItem, attempt: Attempt, doc_of: Callable[[str], str | None] | None = None
) -> QualityResult:
    """Grade one attempt; ``doc_of`` maps a retrieved article id to the gold ``doc`` space."""
    answers = gold.item.answers
    answered = attempt.short is not None
    rank = None
    if gold.doc is not None:
        docs = [doc_of(a) if doc_of else a for a in attempt.retrieved]
        distinct = list(dict.fromkeys(d for d in docs if d is not None))
        rank = distinct.index(gold.doc) + 1 if gold.doc in distinct else None
    return QualityResult(
        gold=gold,
        answered=answered,
        short=attempt.short,
        first_quote=attempt.first_quote,
        em=squad.exact_match(attempt.short, answers),
        f1=squad.f1(attempt.short, answers),
        in_first_quote=answered and squad.contains_answer(attempt.first_quote, answers),
        latency_ms=attempt.latency_ms,
        gold_rank=rank,
        score=attempt.score,
    )


def run_questions(
    golds: Sequence[GoldItem],
    ask: Ask,
    *,
    doc_of: Callable[[str], str | None] | None = None,
) -> list[QualityResult]:
    bar = tqdm(golds, desc="questions", unit="q", leave=False, mininterval=5.0, disable=None)
    return [score_attempt(gold, ask(gold.item.question), doc_of) for gold in bar]


class Share:
    """A figure of a summary: one of its counts over another, None when that one is 0."""

    def __init__(self, part: str, whole: str) -> None:
        self.part = part
        self.whole = whole

    def __get__(self, summary: object, owner: type | None = None) -> float | None:
        whole = getattr(summary, self.whole)
        return getattr(summary, self.part) / whole if whole else None


@dataclass(slots=True)
class QualitySummary:
    """Totals over a question set; the ratio properties are None when undefined."""

    total: int = 0
    answerable: int = 0
    unanswerable: int = 0
    in_quote: int = 0
    em_sum: float = 0.0  # answerable questions only; a decline scores 0
    f1_sum: float = 0.0
    official_em_sum: float = 0.0  # every question, official SQuAD 2.0 (declining right = 1)
    official_f1_sum: float = 0.0
    declined_right: int = 0
    declined_wrong: int = 0
    with_doc: int = 0
    at1: int = 0
    at5: int = 0
    latencies: list[float] = field(default_factory=list)

    in_quote_accuracy = Share("in_quote", "answerable")
    em = Share("em_sum", "answerable")
    f1 = Share("f1_sum", "answerable")
    official_em = Share("official_em_sum", "total")
    official_f1 = Share("official_f1_sum", "total")
    decline_precision = Share("declined_right", "declined")
    decline_recall = Share("declined_right", "unanswerable")

    @property
    def declined(self) -> int:
        return self.declined_right + self.declined_wrong

    def recall_at(self, k: int) -> float | None:
        hits = {1: self.at1, 5: self.at5}[k]
        return hits / self.with_doc if self.with_doc else None

    def percentile(self, p: int) -> float:
        return percentile(self.latencies, p)


def summarize_quality(results: Iterable[QualityResult]) -> QualitySummary:
    s = QualitySummary()
    for r in results:
        s.total += 1
        s.latencies.append(r.latency_ms)
        s.official_em_sum += r.em
        s.official_f1_sum += r.f1
        if r.gold.item.answerable:
            s.answerable += 1
            s.in_quote += int(r.in_first_quote)
            s.em_sum += r.em
            s.f1_sum += r.f1
            s.declined_wrong += int(not r.answered)
        else:
            s.unanswerable += 1
            s.declined_right += int(not r.answered)
        if r.gold.doc is not None:
            s.with_doc += 1
            s.at1 += int(r.gold_rank is not None and r.gold_rank <= 1)
            s.at5 += int(r.gold_rank is not None and r.gold_rank <= 5)
    return s


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def format_quality(s: QualitySummary, *, title: str = "") -> str:
    return "\n".join(
        [
            f"== {title or 'eval'}",
            f"questions: {s.total} ({s.answerable} answerable, {s.unanswerable} unanswerable)",
            f"answer in first quote: {s.in_quote}/{s.answerable} = {pct(s.in_quote_accuracy)}",
            f"short answer (answerable): EM {pct(s.em)}  F1 {pct(s.f1)}",
            f"official SQuAD (all questions): EM {pct(s.official_em)}  F1 {pct(s.official_f1)}",
            f"no-answer precision: {pct(s.decline_precision)}  recall: {pct(s.decline_recall)}",
            f"gold passage recall@1: {pct(s.recall_at(1))}  @5: {pct(s.recall_at(5))}"
            f"  (of {s.with_doc})",
            f"latency ms: p50 {s.percentile(50):.1f}  p95 {s.percentile(95):.1f}",
        ]
    )
