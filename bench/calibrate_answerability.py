"""Choose how the trained span reader's verdict declines: its two bounds
(``reader.max_no_answer``, ``reader.sure_no_answer``) and the answerability model's threshold
(``answer.min_answerable``, off by default).

    python -m bench.calibrate_answerability [--data-dir DIR] [--squad-limit N] [--cases F]

Sets (English questions): seed_dev over the bundled sample, bbc_dev over the BBC articles,
and questions of the held-out SQuAD training titles (never trained on by the span reader)
over their paragraphs. Every question is asked once through the pipeline with both off
(``--dump`` keeps the readings, ``--cases`` reuses them); then each policy is scored from
the recorded best readings: handled right (answered correctly, or declined when
unanswerable), correct declines and false declines (answerable questions declined) per set.

The rule is the issue's: against the feature rules alone, no set may lose a correct decline
or gain a false one; among the policies that pass, the most correct declines, then the
fewest false ones. The span reader's bounds are searched on a grid. The answerability model
is scored twice on the SQuAD titles: in sample (the fit saw them) and out of sample (each
title's probabilities from a model fitted on the other titles), which is the honest figure.
"""

from __future__ import annotations

import argparse
import logging
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from answering.answerability import AnswerabilityModel, features_of, load_answerability
from answering.decline import DeclinePolicy, decline_reason, word_check
from answering.question import analyze_question
from answering.readers.extractive import Reading
from bench.calibrate import _right
from bench.eval_table import SHARED, folder_components
from bot.commands.evaluate import index_articles
from bot.config.settings import Settings
from bot.factory import Components, bundled_corpus, configured_embedder
from bot.policies import decline_policy
from evaluation import squad
from evaluation.squad import GoldItem
from index.types import Article
from training.answerability import Sample, load_questions, out_of_fold, validation_titles


@dataclass(frozen=True, slots=True)
class Case:
    answerable: bool
    best: Reading | None
    right: bool  # the best reading holds a gold answer


def collect(components: Components, golds: list[GoldItem]) -> list[Case]:
    cases = []
    for gold in golds:
        if gold.item.lang != "en":
            continue
        _, readings = components.answerer.readings(analyze_question(gold.item.question))
        best = readings[0] if readings else None
        right = best is not None and _right(best, gold.item.answers)
        cases.append(Case(gold.item.answerable, best, right))
    return cases


def score(cases: list[Case], policy: DeclinePolicy) -> tuple[int, int, int]:
    """(handled right, correct declines, false declines)."""
    return tally(cases, [decline_reason(case.best, policy) is not None for case in cases])


def tally(cases: list[Case], declines: list[bool]) -> tuple[int, int, int]:
    """(handled right, correct declines, false declines) of these decisions."""
    good = correct = false = 0
    for case, declined in zip(cases, declines, strict=True):
        if case.answerable:
            good += int(case.right and not declined)
            false += int(declined)
        else:
            good += int(declined)
            correct += int(declined)
    return good, correct, false


Figures = dict[str, tuple[int, int, int]]


def passes(figures: Figures, base: Figures) -> bool:
    """No set loses a correct decline or gains a false one against ``base``."""
    return all(figures[n][1] >= base[n][1] and figures[n][2] <= base[n][2] for n in figures)


def best_reader_bounds(
    sets: dict[str, list[Case]], rules: DeclinePolicy, base: Figures
) -> tuple[float, float, Figures] | None:
    """(max_no_answer, sure_no_answer, figures) by the rule of the module's docstring."""
    best: tuple[tuple[int, int], float, float, Figures] | None = None
    for high in np.arange(0.70, 0.991, 0.01):
        for step in range(21):  # sure_no_answer 0, 0.005, ..., 0.1
            low = round(step * 0.005, 3)
            policy = replace(rules, max_no_answer=round(float(high), 3), sure_no_answer=low)
            figures = {name: score(cases, policy) for name, cases in sets.items()}
            if not passes(figures, base):
                continue
            key = (sum(c for _, c, _ in figures.values()), -sum(f for _, _, f in figures.values()))
            if best is None or key > best[0]:
                best = (key, round(float(high), 3), low, figures)
    return None if best is None else best[1:]


def out_of_sample_probabilities(
    cases: list[Case], titles: list[str], rules: DeclinePolicy
) -> dict[int, float]:
    """For each SQuAD case the answerability model decides (read by the span reader, past the
    word checks): the probability of a model fitted on the other titles' cases, by index."""
    chosen = [
        i
        for i, c in enumerate(cases)
        if c.best is not None
        and c.best.no_answer is not None
        and c.best.rerank is None
        and word_check(c.best, rules) is None
    ]
    samples = [
        Sample(features_of(cases[i].best), cases[i].answerable, titles[i])  # type: ignore[arg-type]
        for i in chosen
    ]
    return dict(zip(chosen, (float(p) for p in out_of_fold(samples)), strict=True))


def score_out_of_sample(
    cases: list[Case], rules: DeclinePolicy, probs: dict[int, float], threshold: float
) -> tuple[int, int, int]:
    """``score`` with the answerability model's out-of-sample probabilities."""
    return tally(
        cases,
        [
            probs[i] < threshold if i in probs else decline_reason(case.best, rules) is not None
            for i, case in enumerate(cases)
        ],
    )


def read_sets(args: argparse.Namespace) -> dict[str, list[Case]]:
    """Ask every set's questions once (span reader bounds and answerability model off)."""
    settings = Settings(data_dir=args.data_dir)
    settings = settings.model_copy(
        update={
            "answer": settings.answer.model_copy(update={"min_answerable": 0.0}),
            "reader": settings.reader.model_copy(
                update={"span": "trained", "max_no_answer": 1.0, "sure_no_answer": 0.0}
            ),
            "rerank": settings.rerank.model_copy(update={"kind": "none"}),
        }
    )
    embedder = configured_embedder(settings)
    sets: dict[str, list[Case]] = {}
    with bundled_corpus() as sample:
        comps, _ = folder_components(settings, embedder, sample)
    sets["seed_dev"] = collect(comps, squad.load_jsonl(SHARED / "seed_dev.jsonl"))
    comps, _ = folder_components(settings, embedder, SHARED / "bbc" / "articles")
    sets["bbc_dev"] = collect(comps, squad.load_jsonl(SHARED / "bbc_dev.jsonl"))
    docs, golds = squad_questions(args)
    comps, note = index_articles(settings, embedder, docs)
    print(f"SQuAD held-out training titles: {note}")
    sets["squad_validation"] = collect(comps, golds)
    return sets


def squad_questions(args: argparse.Namespace) -> tuple[list[Article], list[GoldItem]]:
    return load_questions(
        args.squad, validation_titles(), args.squad_limit or None, 0, slice_corpus=False
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--squad", type=Path, default=SHARED / "squad")
    parser.add_argument(
        "--squad-limit", type=int, default=0, help="held-out SQuAD questions (0: all 1,314)"
    )
    parser.add_argument("--model", type=Path, help="answerability model (default: shipped)")
    parser.add_argument("--dump", type=Path, help="also pickle the read cases to this file")
    parser.add_argument("--cases", type=Path, help="score the cases of an earlier --dump")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    if args.cases is not None:
        sets: dict[str, list[Case]] = pickle.loads(args.cases.read_bytes())
    else:
        sets = read_sets(args)
    if args.dump is not None:
        args.dump.write_bytes(pickle.dumps(sets))
    for name, cases in sets.items():
        print(f"{name}: {len(cases)} questions, {sum(c.answerable for c in cases)} answerable")

    # the feature rules as configured, without the span reader's bounds or the model
    rules = replace(
        decline_policy(Settings()), max_no_answer=1.0, sure_no_answer=0.0, answerability=None
    )

    def row(label: str, figures: Figures) -> None:
        print(
            f"  {label}: "
            + "; ".join(
                f"{n} handled {g}/{len(sets[n])} declines right {c} false {f}"
                for n, (g, c, f) in figures.items()
            )
        )

    def scored(policy: DeclinePolicy) -> Figures:
        return {name: score(cases, policy) for name, cases in sets.items()}

    base = scored(rules)
    row("features only", base)
    found = best_reader_bounds(sets, rules, base)
    if found is None:
        print("span reader bounds: none keeps every set's declines and false declines")
    else:
        high, low, figures = found
        print(f"best span reader bounds: max_no_answer {high}, sure_no_answer {low}")
        row(f"span reader {high}/{low}", figures)
        for h, lo in ((high, 0.0), (high, 0.02), (high - 0.05, low), (high + 0.05, low)):
            policy = replace(rules, max_no_answer=h, sure_no_answer=lo)
            row(f"span reader {h:.2f}/{lo}", scored(policy))

    model: AnswerabilityModel = load_answerability(args.model)
    docs, golds = squad_questions(args)
    title_of = {d.id: d.title for d in docs}
    titles = [title_of[g.doc or ""] for g in golds if g.item.lang == "en"]
    if len(titles) != len(sets["squad_validation"]):
        raise SystemExit("the cases were read with other --squad/--squad-limit flags")
    probs = out_of_sample_probabilities(sets["squad_validation"], titles, rules)
    print("answerability model (SQuAD titles in sample | out of sample):")
    for t in (0.35, 0.4, 0.445, 0.5):
        figures = scored(replace(rules, answerability=replace(model, threshold=t)))
        oos = score_out_of_sample(sets["squad_validation"], rules, probs, t)
        g, c, f = oos
        row(f"{t} [out of sample: handled {g} declines right {c} false {f}]", figures)


if __name__ == "__main__":
    main()
