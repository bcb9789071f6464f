"""Choose the trained reranker's blend and bounds on the news development sets, beside the
feature-based choice it must beat to become the default.

    NEWSBOT_RERANK__KIND=trained [NEWSBOT_RERANK__MODEL=DIR] [NEWSBOT_RERANK__INT8=false] \\
        python -m bench.calibrate_rerank_news [--data-dir data]

Sets and rule as ``bench.calibrate_news``: uanews_dev, bbc_dev and seed_dev, English
questions; a point handles a question right when it answers an answerable one from the gold
article or declines an unanswerable one; of the points within the issue's bounds
(``admissible``), the one that handles the most right wins, ties to fewer false declines.
Each question is read by the full pipeline once per blend (``rerank.weight``) and number of
reranked sentences (``rerank.top``), the reranker's scores cached (so later blends mostly
reuse them); every point of a grid over the blend's decline bound
(``rerank.min_score``) and the reranker's vouching bound (``rerank.strong``) then decides on
those readings. The feature-based pipeline (no reranker, the default bounds) is read and
scored the same way in the same run.
"""

from __future__ import annotations

import argparse
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path

from answering.pipeline import AnswerPolicy, PipelineAnswerer
from answering.question import analyze_question
from bench.calibrate_news import (
    CachedSpanReader,
    Case,
    Tally,
    admissible,
    describe,
    dev_components,
    dev_sets,
    tally,
)
from bot.config.settings import Settings
from evaluation.runner import EvalItem, doc_ids, gold_ids, load_items

WEIGHTS = (0.1, 0.2, 0.3, 0.5, 0.7)
TOPS = (4, 8)
MIN_SCORES = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
STRONG = (0.5, 0.7, 0.9, 1.01)
FEATURES = "features"  # the readings of the pipeline without the reranker


@dataclass(frozen=True, slots=True)
class Reads:
    """One set's questions read under one blend (or by the features alone)."""

    set_name: str
    answerer: PipelineAnswerer  # the pipeline that read them (its policy's blend and top)
    cases: list[Case]


def _items(settings: Settings, file: Path, corpus: Path | None) -> list[EvalItem]:
    items = [i for i in load_items(file) if i.lang == "en"]
    if corpus is None:
        return items
    docs = [i.doc for i in items if i.doc]
    return gold_ids(items, doc_ids(corpus, docs, max_bytes=settings.ingest.max_file_bytes))


def _read(set_name: str, answerer: PipelineAnswerer, items: Sequence[EvalItem]) -> list[Case]:
    # The fall-through is left to ``tally``, which decides under each point's bounds.
    reading = answerer.with_policy(replace(answerer.policy, fallback_tries=0))
    out = []
    for item in items:
        q = analyze_question(item.question, today=None)
        out.append(Case(set_name, item, q, reading.readings(q)[1]))
    return out


def read_all(settings: Settings) -> dict[str, list[Reads]]:
    """Per blend key (``FEATURES`` or ``weight@top``): every set's questions as read."""
    out: dict[str, list[Reads]] = {}
    for name, file, corpus in dev_sets():
        base = dev_components(settings, corpus).answerer
        assert base.span_reader is not None
        base = base.with_span_reader(CachedSpanReader(base.span_reader))
        items = _items(settings, file, corpus)
        blends: list[tuple[str, AnswerPolicy]] = [(FEATURES, replace(base.policy, rerank_top=0))]
        blends += [
            (f"{w}@{top}", replace(base.policy, rerank_weight=w, rerank_top=top))
            for w, top in itertools.product(WEIGHTS, TOPS)
        ]
        for key, policy in blends:
            answerer = base.with_policy(policy)
            out.setdefault(key, []).append(Reads(name, answerer, _read(name, answerer, items)))
        print(f"{name}: {len(items)} English questions read", flush=True)
    return out


def score(
    reads: Sequence[Reads], min_score: float | None, strong: float | None
) -> dict[str, Tally]:
    """The tallies of every set (and "all") under the reranker bounds given (None: as set)."""
    merged: dict[str, Tally] = {}
    for r in reads:
        decline = r.answerer.policy.decline
        decline = replace(
            decline,
            min_rerank=decline.min_rerank if min_score is None else min_score,
            strong_rerank=decline.strong_rerank if strong is None else strong,
        )
        t = tally(r.cases, r.answerer.with_policy(replace(r.answerer.policy, decline=decline)))
        merged[r.set_name] = t.get(r.set_name, Tally())
        total = merged.setdefault("all", Tally())
        for field in fields(Tally):
            name = field.name
            setattr(total, name, getattr(total, name) + getattr(merged[r.set_name], name))
    return merged


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--top", type=int, default=10, help="best points printed")
    args = parser.parse_args(argv)
    settings = Settings(data_dir=args.data_dir.resolve())
    if settings.rerank.kind == "none":
        parser.error("set NEWSBOT_RERANK__KIND (and __MODEL) to the reranker to calibrate")
    reads = read_all(settings)
    print("features only (the default bounds):", describe(score(reads.pop(FEATURES), None, None)))
    r = settings.rerank
    scored = []
    for key, blend in reads.items():
        weight, top = (float(x) for x in key.split("@"))
        for min_score, strong in itertools.product(MIN_SCORES, STRONG):
            t = score(blend, min_score, strong)
            # Ties go to fewer false declines, then to the point nearest the settings.
            near = abs(weight - r.weight) + abs(min_score - r.min_score) + abs(strong - r.strong)
            near += abs(top - r.top) / 10
            rank = (admissible(t), t["all"].right, -t["all"].false_declines, -near)
            scored.append((rank, f"blend {key}, min_score {min_score}, strong {strong}", t))
    scored.sort(key=lambda s: s[0], reverse=True)
    for key in reads:  # each blend's best point: how the reranker's share plays
        _, point, t = next(s for s in scored if s[1].startswith(f"blend {key},"))
        flag = "" if admissible(t) else " (outside the must-show bounds)"
        print(f"  best at {point}: handled {t['all'].right}{flag}")
    if not scored[0][0][0]:
        print("no reranker point meets the must-show bounds; the best points overall:")
    for n, (_, point, t) in enumerate(scored[: args.top], start=1):
        print(f"{n}. {point}: {describe(t)}")
    print(f"best: {scored[0][1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
