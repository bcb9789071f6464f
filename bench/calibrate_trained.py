"""Choose the blend and the decline bounds of the trained reranker and span reader.

    python -m bench.calibrate_trained [--data-dir DIR] [--squad-limit 300]

Sets (English questions only): seed_dev over the bundled sample, bbc_dev over the BBC
articles, and SQuAD questions of the training articles held out from training (the
validation titles the training runs record; never the evaluation articles) as an open
corpus over those articles' paragraphs. For every question the candidate sentences are
read once, with the feature score, the reranker's probability and the span reader's
no-answer probability; then a grid over ``rerank.weight``, ``rerank.min_score``,
``rerank.strong`` and ``reader.max_no_answer`` is searched for the best mean share of
questions handled right per set (answered correctly, or declined when unanswerable), ties
broken toward fewer false declines. Prints the winner, to be recorded in ``Settings``.
The grid keeps ``reader.sure_no_answer`` at 0.
"""

from __future__ import annotations

import argparse
import itertools
import json
import logging
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from answering.decline import DeclinePolicy, decline_reason
from answering.model_files import META, shipped_dir
from answering.question import analyze_question
from answering.readers.extractive import Reading
from answering.readers.span import SpanReader, window_of
from answering.rerankers.base import Reranker, candidate_from_reading
from bench.calibrate import _right
from bench.eval_table import SHARED, folder_components
from bot.commands.evaluate import index_articles
from bot.config.settings import Settings
from bot.factory import (
    Components,
    build_reranker,
    build_span_reader,
    bundled_corpus,
    configured_embedder,
)
from evaluation import squad
from evaluation.squad import GoldItem


@dataclass
class Case:
    answerable: bool
    head: list[Reading]  # the reranked candidates, with ``rerank`` and ``no_answer`` set
    right: np.ndarray


def collect(
    components: Components,
    golds: list[GoldItem],
    reranker: Reranker,
    spans: SpanReader | None,
    top: int,
) -> list[Case]:
    answerer = components.answerer
    cases = []
    for gold in golds:
        item = gold.item
        if item.lang != "en":
            continue
        q = analyze_question(item.question)
        readings = answerer._reader.read(q, answerer._searcher.search(q.text))[:top]
        if readings:
            probs = reranker.rerank(q, [candidate_from_reading(r) for r in readings])
            readings = [replace(r, rerank=p) for r, p in zip(readings, probs, strict=True)]
            if spans is not None:
                nulls = spans.spans(q, [window_of(r) for r in readings])
                readings = [
                    replace(r, no_answer=n.no_answer, answer=n.span or r.answer)
                    for r, n in zip(readings, nulls, strict=True)
                ]
        right = np.array([_right(r, item.answers) for r in readings], dtype=bool)
        cases.append(Case(item.answerable, readings, right))
    return cases


def handled(cases: list[Case], weight: float, policy: DeclinePolicy) -> tuple[int, int]:
    """(handled right, false declines) with the blend ``weight`` and ``policy``."""
    good = false_declines = 0
    for case in cases:
        if not case.head:
            good += int(not case.answerable)
            continue
        blended = [(1 - weight) * r.score + weight * (r.rerank or 0.0) for r in case.head]
        top = int(np.argmax(blended))
        best = replace(case.head[top], score=blended[top])
        declined = decline_reason(best, policy) is not None
        if case.answerable:
            good += int(not declined and bool(case.right[top]))
            false_declines += int(declined)
        else:
            good += int(declined)
    return good, false_declines


def squad_validation(settings: Settings, limit: int) -> tuple[Components, list[GoldItem]]:
    """The held-out training titles' questions (SQuAD 2.0 where it has the title, so
    unanswerable ones too; else 1.1) over those titles' paragraphs."""
    titles = json.loads((shipped_dir("rerank") / META).read_text())["data"]["validation_titles"]
    wanted = {t.replace(" ", "_") for t in titles}
    assert not wanted & squad.EVAL_ARTICLES
    v2 = SHARED / "squad" / "dev-v2.0.json"
    in_v2 = wanted & {str(e["title"]) for e in json.loads(v2.read_text())["data"]}
    docs, golds = squad.load_squad(v2, articles=in_v2)
    if wanted - in_v2:
        more = squad.load_squad(SHARED / "squad" / "dev-v1.1.json", articles=wanted - in_v2)
        docs, golds = docs + more[0], golds + more[1]
    components, note = index_articles(settings, configured_embedder(settings), docs)
    print(f"SQuAD validation titles {sorted(wanted)}: {note}")
    return components, squad.sample(golds, limit, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--squad-limit", type=int, default=300)
    parser.add_argument("--dump", type=Path, help="also pickle the read cases to this file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    settings = Settings(data_dir=args.data_dir)
    embedder = configured_embedder(settings)
    reranker, spans = build_reranker(settings), build_span_reader(settings)
    assert reranker is not None, "calibrating the trained models needs rerank.kind=trained"
    top = settings.rerank.top
    sets: dict[str, list[Case]] = {}
    with bundled_corpus() as sample:
        comps, _ = folder_components(settings, embedder, sample)
    sets["seed_dev"] = collect(
        comps, squad.load_jsonl(SHARED / "seed_dev.jsonl"), reranker, spans, top
    )
    comps, _ = folder_components(settings, embedder, SHARED / "bbc" / "articles")
    sets["bbc_dev"] = collect(
        comps, squad.load_jsonl(SHARED / "bbc_dev.jsonl"), reranker, spans, top
    )
    comps, golds = squad_validation(settings, args.squad_limit)
    sets["squad_validation"] = collect(comps, golds, reranker, spans, top)
    if args.dump is not None:
        args.dump.write_bytes(pickle.dumps(sets))
    for name, cases in sets.items():
        print(f"{name}: {len(cases)} questions, {sum(c.answerable for c in cases)} answerable")
    a = settings.answer
    base = DeclinePolicy(
        a.min_evidence, a.min_coverage, a.strong_dense, a.min_names, a.min_answer_type
    )
    for name, cases in sets.items():  # the feature-based stages alone, as configured now
        plain = [
            Case(c.answerable, [replace(r, rerank=None, no_answer=None) for r in c.head], c.right)
            for c in cases
        ]
        good, fd = handled(plain, 0.0, base)
        print(f"  features only: {name}: handled {good}/{len(cases)}, false declines {fd}")
    plain_sets = {
        name: [Case(c.answerable, [replace(r, rerank=None) for r in c.head], c.right) for c in cs]
        for name, cs in sets.items()
    }
    for max_null in (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0):  # the span reader alone
        policy = replace(base, max_no_answer=max_null)
        figures = {name: handled(cases, 0.0, policy) for name, cases in plain_sets.items()}
        print(
            f"  span reader only, max_no_answer {max_null}: "
            + ", ".join(f"{n} {g}/{len(plain_sets[n])} (fd {fd})" for n, (g, fd) in figures.items())
        )
    best: tuple[tuple[float, int], float, DeclinePolicy, dict[str, tuple[int, int]]] | None = None
    for weight, min_score, strong, max_null in itertools.product(
        (0.1, 0.2, 0.3, 0.4, 0.5, 0.7, 0.85, 1.0),
        np.arange(0.1, 0.801, 0.025),
        (0.5, 0.7, 0.9, 1.01),
        (0.5, 0.7, 0.8, 0.9, 0.95, 1.0),
    ):
        policy = replace(
            base,
            min_rerank=round(float(min_score), 3),
            strong_rerank=strong,
            max_no_answer=max_null,
        )
        figures = {name: handled(cases, weight, policy) for name, cases in sets.items()}
        share = float(np.mean([g / max(1, len(sets[n])) for n, (g, _) in figures.items()]))
        key = (round(share, 6), -sum(fd for _, fd in figures.values()))
        if best is None or key > best[0]:
            best = (key, weight, policy, figures)
    assert best is not None
    _, weight, policy, figures = best
    print(
        f"best: weight {weight}, min_score {policy.min_rerank}, strong {policy.strong_rerank}, "
        f"max_no_answer {policy.max_no_answer}"
    )
    for name, (good, fd) in figures.items():
        print(f"  {name}: handled {good}/{len(sets[name])}, false declines {fd}")


if __name__ == "__main__":
    main()
