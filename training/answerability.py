"""``newsbot train answerability``: the logistic answerability model over the pipeline's signals.

Data: the SQuAD questions of the training titles that both neural models held out from their
own training (their validation titles, recorded in the shipped metadata), asked over an open
corpus of those titles' paragraphs through the real pipeline (retrieval, feature reader, span
reader). Each question gives the ``FEATURES`` of its best reading and a label: 1 when SQuAD
gives it an answer, 0 when it is unanswerable. The models never saw these questions, so their
scores here are as they will be on new ones (stacking without leakage). Readings that the
counted-thing or terms checks decline are left out: the model is never asked about them.
The evaluation articles and the news sets are never read. Fitted by L2-regularised logistic
regression (Newton's method, standardised inputs), with leave-one-title-out figures.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from answering.answerability import (
    FEATURES,
    FILE,
    AnswerabilityModel,
    features_of,
    shipped_answerability,
)
from answering.decline import word_check
from answering.model_files import META, shipped_dir
from answering.question import analyze_question
from bot.commands.evaluate import index_articles
from bot.config.settings import Settings
from bot.factory import configured_embedder
from bot.policies import decline_policy
from evaluation import squad
from training.card import write_answerability_card

logger = logging.getLogger(__name__)

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Sample:
    """One asked question: its best reading's features, label and title (for the folds)."""

    x: list[float]
    answerable: bool
    title: str


def validation_titles() -> list[str]:
    """The training titles both shipped models held out (never the evaluation articles)."""
    titles: set[str] = set()
    for task in ("rerank", "span"):
        meta = json.loads((shipped_dir(task) / META).read_text(encoding="utf-8"))
        titles |= set(meta["data"]["validation_titles"])
    wanted = sorted(t.replace(" ", "_") for t in titles)
    if set(wanted) & squad.EVAL_ARTICLES:
        raise ValueError("a validation title is an evaluation article")
    return wanted


def load_questions(
    squad_dir: Path, titles: list[str], limit: int | None, seed: int, *, slice_corpus: bool
) -> tuple[list[Any], list[squad.GoldItem]]:
    """The titles' paragraphs and questions: from dev-v2.0 where it has the title (so with
    unanswerable ones), else dev-v1.1; ``limit`` questions drawn with ``seed`` (with
    ``slice_corpus``, over their own paragraphs only: a quick slice)."""
    v2 = squad_dir / "dev-v2.0.json"
    in_v2 = set(titles) & {str(e["title"]) for e in json.loads(v2.read_text())["data"]}
    docs, golds = squad.load_squad(v2, articles=in_v2)
    rest = set(titles) - in_v2
    if rest:
        more = squad.load_squad(squad_dir / "dev-v1.1.json", articles=rest)
        docs, golds = docs + more[0], golds + more[1]
    chosen = squad.sample(golds, limit, seed)
    if not slice_corpus:
        return docs, chosen
    gold_docs = {g.doc for g in chosen}
    return [d for d in docs if d.id in gold_docs], chosen


def collect(settings: Settings, squad_dir: Path, limit: int | None, seed: int) -> list[Sample]:
    """Ask every question through the pipeline (answerability off) and record its best reading."""
    titles = validation_titles()
    docs, golds = load_questions(squad_dir, titles, limit, seed, slice_corpus=limit is not None)
    # The signals the model reads: the feature reader's, then the trained span reader's.
    plain = settings.model_copy(
        update={
            "answer": settings.answer.model_copy(update={"min_answerable": 0.0}),
            "reader": settings.reader.model_copy(update={"span": "trained"}),
            "rerank": settings.rerank.model_copy(update={"kind": "none"}),
        }
    )
    policy = decline_policy(plain)
    components, note = index_articles(plain, configured_embedder(plain), docs)
    logger.info("answerability data over %s: %s", titles, note)
    title_of = {a.id: a.title for a in docs}
    samples: list[Sample] = []
    for gold in golds:
        q = analyze_question(gold.item.question)
        _, readings = components.answerer.readings(q)
        if not readings or readings[0].no_answer is None:
            continue  # nothing retrieved, or the span reader did not read it: rules decide
        best = readings[0]
        if word_check(best, policy) is not None:
            continue  # declined by the word checks before the model is asked
        title = title_of[gold.doc or best.article.id]
        samples.append(Sample(features_of(best), gold.item.answerable, title))
    return samples


def fit_logistic(
    x: Matrix, y: Matrix, *, l2: float = 1.0, iterations: int = 50
) -> tuple[Matrix, Matrix, Matrix, float]:
    """(mean, scale, coef, bias) of an L2-regularised logistic regression on standardised
    inputs, by Newton's method (the bias is not penalised)."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    w = np.zeros(z.shape[1])
    penalty = np.full(z.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(iterations):
        p = 1.0 / (1.0 + np.exp(-np.clip(z @ w, -50, 50)))
        grad = z.T @ (p - y) + penalty * w
        hess = (z * (p * (1 - p))[:, None]).T @ z + np.diag(penalty) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(hess, grad)
        w -= step
        if float(np.max(np.abs(step))) < 1e-8:
            break
    return mean, scale, w[:-1], float(w[-1])


def model_from(x: Matrix, y: Matrix) -> AnswerabilityModel:
    mean, scale, coef, bias = fit_logistic(x, y)
    return AnswerabilityModel(
        features=FEATURES,
        mean=tuple(float(v) for v in mean),
        scale=tuple(float(v) for v in scale),
        coef=tuple(float(v) for v in coef),
        bias=bias,
    )


def auc(scores: Matrix, y: Matrix) -> float:
    """ROC AUC: the chance a random answerable question scores above an unanswerable one."""
    pos, neg = scores[y == 1], scores[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def out_of_fold(samples: list[Sample]) -> Matrix:
    """Each sample's probability from a model fitted on the other titles."""
    x = np.array([s.x for s in samples], dtype=np.float64)
    y = np.array([s.answerable for s in samples], dtype=np.float64)
    titles = np.array([s.title for s in samples])
    probs = np.zeros(len(samples))
    for title in sorted(set(titles)):
        held = titles == title
        if held.all() or len(set(y[~held])) < 2:
            probs[held] = float(y.mean())
            continue
        model = model_from(x[~held], y[~held])
        probs[held] = [model.probability_of(row) for row in x[held]]
    return probs


def run(
    settings: Settings, squad_dir: Path, out: Path | None, *, limit: int | None, seed: int
) -> dict[str, Any]:
    """Collect, fit and save the model (default: the shipped file); returns its metadata."""
    started = time.perf_counter()
    samples = collect(settings, squad_dir, limit, seed)
    if len({s.answerable for s in samples}) < 2:
        raise ValueError("answerability needs answerable and unanswerable questions")
    x = np.array([s.x for s in samples], dtype=np.float64)
    y = np.array([s.answerable for s in samples], dtype=np.float64)
    model = model_from(x, y)
    oof = out_of_fold(samples)
    fitted = np.array([model.probability_of(row) for row in x])
    # Titles with both kinds (SQuAD 2.0 ones): a v1.1 title has answerable questions only.
    both = np.isin(
        [s.title for s in samples],
        [
            t
            for t in {s.title for s in samples}
            if len({q.answerable for q in samples if q.title == t}) == 2
        ],
    )
    null, score = -x[:, FEATURES.index("null_logit")], x[:, FEATURES.index("score")]
    figures = {
        "questions": len(samples),
        "answerable": int(y.sum()),
        "auc_in_sample": round(auc(fitted, y), 4),
        "auc_no_answer_alone": round(auc(null, y), 4),
        "auc_score_alone": round(auc(score, y), 4),
        # the same on the SQuAD 2.0 titles alone, where leaving a title out can be scored
        "v2_auc_leave_one_title_out": round(auc(oof[both], y[both]), 4),
        "v2_auc_in_sample": round(auc(fitted[both], y[both]), 4),
        "v2_auc_no_answer_alone": round(auc(null[both], y[both]), 4),
        "seconds": round(time.perf_counter() - started, 1),
    }
    meta = {
        "task": "answerability",
        "data": {
            "titles": sorted({s.title for s in samples}),
            "source": "SQuAD dev-v2.0/dev-v1.1 training titles held out by both neural models "
            "(CC BY-SA 4.0); no evaluation article, no news set",
            "seed": seed,
        },
        "figures": figures,
        "command": "newsbot train answerability --squad ../shared/eval/squad",
    }
    folder = out or shipped_answerability()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / FILE).write_text(model.to_json(meta=meta) + "\n", encoding="utf-8")
    write_answerability_card(folder, model, meta)
    logger.info("answerability model saved to %s: %s", folder, figures)
    return {**meta, "out": str(folder)}
