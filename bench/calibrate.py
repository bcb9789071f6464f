"""Choose the reader's feature weights and the decline bounds on the development sets.

    python -m bench.calibrate --set ../shared/eval/seed_dev.jsonl \
        --set ../shared/eval/bbc_dev.jsonl=../shared/eval/bbc/articles

Each set is a question file, optionally ``=CORPUS`` (indexed into the eval cache as
``newsbot eval --corpus`` does; without one, the bundled sample). English questions only.
Every candidate sentence's features are computed once; then a coarse grid of weights and
bounds is searched for the most questions handled right (answered correctly, or declined
when unanswerable), ties broken toward fewer false declines. Prints the winner and the
figures that chose it, to be recorded in ``scoring.Weights`` and ``Settings.answer``.
"""

from __future__ import annotations

import argparse
import itertools
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import numpy as np

from answering.decline import DeclinePolicy, decline_reason
from answering.question import analyze_question
from answering.readers.extractive import Reading
from answering.scoring import Features, Weights
from bot.commands.evaluate import corpus_key
from bot.config.settings import Settings
from bot.factory import build_components, configured_embedder, ensure_corpus
from bot.factory import ingest as ingest_into
from evaluation.runner import load_items

FEATURES = [f.name for f in fields(Features)]


@dataclass
class Case:
    question: str
    answerable: bool
    features: np.ndarray  # (candidates, features)
    right: np.ndarray  # (candidates,) does the candidate hold an expected answer


def _right(reading: Reading, answers: tuple[str, ...]) -> bool:
    text = reading.sentence.slice(reading.article.text)
    short = reading.answer.slice(reading.article.text) if reading.answer else ""
    hay = f"{short} {text}".lower()
    return any(a.lower() in hay for a in answers)


def collect(settings: Settings, spec: str) -> list[Case]:
    file, _, corpus = spec.partition("=")
    embedder = configured_embedder(settings)
    if corpus:
        data_dir = (
            settings.data_dir / "eval-cache" / corpus_key(Path(corpus), settings, embedder.name)
        )
        comps = build_components(settings, embedder=embedder, data_dir=data_dir)
        if len(comps.store) == 0:
            ingest_into(comps, [Path(corpus)], progress=False)
    else:
        comps = build_components(settings, embedder=embedder)
        ensure_corpus(comps)
    answerer = comps.answerer
    cases = []
    for item in load_items(Path(file)):
        if item.lang != "en":
            continue
        q = analyze_question(item.question)
        readings = answerer._reader.read(q, answerer._searcher.search(q.text))
        feats = np.array([[getattr(r.features, n) for n in FEATURES] for r in readings])
        right = np.array([_right(r, item.answers) for r in readings], dtype=bool)
        cases.append(Case(item.question, item.answerable, feats.reshape(-1, len(FEATURES)), right))
    return cases


def evaluate(cases: list[Case], weights: Weights, policy: DeclinePolicy) -> tuple[int, int, int]:
    """(handled right, false declines, answerable right)."""
    w = np.array([getattr(weights, n) for n in FEATURES])
    good = false_declines = correct = 0
    for case in cases:
        if len(case.features) == 0:
            good += int(not case.answerable)
            continue
        scores = case.features @ w / w.sum()
        top = int(np.argmax(scores))
        f = Features(**dict(zip(FEATURES, case.features[top], strict=True)))
        best = Reading(None, None, None, float(scores[top]), f)  # type: ignore[arg-type]
        declined = decline_reason(best, policy) is not None
        if case.answerable:
            ok = not declined and bool(case.right[top])
            correct += int(ok)
            good += int(ok)
            false_declines += int(declined)
        else:
            good += int(declined)
    return good, false_declines, correct


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", action="append", required=True, help="FILE.jsonl[=CORPUS]")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir)
    cases = [c for spec in args.set for c in collect(settings, spec)]
    print(f"{len(cases)} questions, {sum(c.answerable for c in cases)} answerable")
    a = settings.answer
    current = DeclinePolicy(
        a.min_evidence, a.min_coverage, a.strong_dense, a.min_names, a.min_answer_type
    )
    base = evaluate(cases, Weights(), current)
    print(f"current: handled {base[0]}/{len(cases)}, false declines {base[1]}, right {base[2]}")
    grid = {
        "dense": (0.3, 0.45, 0.6),
        "coverage": (0.1, 0.2, 0.3),
        "context": (0.0, 0.15, 0.3),
        "names": (0.0, 0.05, 0.1),
        "answer_type": (0.05, 0.1, 0.2),
        "retrieval": (0.0, 0.05, 0.1),
    }
    best: tuple[tuple[int, int, int], Weights, DeclinePolicy] | None = None
    idx = {n: i for i, n in enumerate(FEATURES)}
    answerable = np.array([c.answerable for c in cases])
    thresholds = list(
        itertools.product(
            np.arange(0.35, 0.66, 0.025),
            (0.0, 0.15, 0.2, 0.25, 0.3, 0.35),
            (0.55, 0.6, 0.65, 0.7),
            (0.0, 0.5, 0.67, 1.0),
            (0.0, 0.25, 0.5, 1.0),
        )
    )
    for combo in itertools.product(*grid.values()):
        weights = Weights(**dict(zip(grid, combo, strict=True)))
        w = np.array([getattr(weights, n) for n in FEATURES])
        tops = []
        for c in cases:
            scores = c.features @ w / w.sum()
            t = int(np.argmax(scores))
            tops.append((scores[t], c.features[t], c.right[t]))
        score = np.array([t[0] for t in tops])
        feats = np.stack([t[1] for t in tops])
        right = np.array([t[2] for t in tops])
        for ev, cov, dense, names, typed in thresholds:
            # Mirrors decline.decline_reason (checked against it below).
            declined = (
                (score < ev)
                | (feats[:, idx["focus"]] < 1.0)
                | (feats[:, idx["names"]] < names)
                | (feats[:, idx["answer_type"]] < typed)
                | ((feats[:, idx["context"]] < cov) & (feats[:, idx["dense"]] < dense))
            )
            ok_ans = answerable & ~declined & right
            n_good = int(ok_ans.sum() + (~answerable & declined).sum())
            n_fd = int((answerable & declined).sum())
            key = (n_good, -n_fd, int(ok_ans.sum()))
            if best is None or key > best[0]:
                policy = DeclinePolicy(round(float(ev), 3), cov, dense, names, typed)
                best = (key, weights, policy)
    assert best is not None
    (good, neg_fd, n_right), weights, policy = best
    print(
        f"best: handled {good}/{len(cases)}, false declines {-neg_fd}, answerable right {n_right}"
    )
    print(f"weights: {asdict(weights)}")
    print(f"decline: {asdict(policy)}")
    check = evaluate(cases, weights, policy)
    print(f"re-checked with decline_reason: handled {check[0]}, false declines {check[1]}")


if __name__ == "__main__":
    main()
