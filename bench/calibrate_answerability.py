"""Choose the answerability threshold (``answer.min_answerable``).

    python -m bench.calibrate_answerability [--data-dir DIR] [--squad-limit N]

Sets (English questions): seed_dev over the bundled sample, bbc_dev over the BBC articles,
and questions of the held-out SQuAD training titles (the answerability model's own data:
its figures there are in-sample, the news sets are not) over their paragraphs. Every
question is asked once through the pipeline with the answerability model off; then each
threshold is scored from the recorded best readings (the model in place of the evidence and
no-answer bounds, the word checks kept, as ``decline`` applies it): handled right
(answered correctly, or declined when unanswerable), correct declines and false declines
(answerable questions declined) per set. The chosen threshold gives the fewest false
declines in all while no set loses a correct decline against the feature-based rules alone.
Prints the trade-off around it and the winner, to be recorded in ``Settings``.
"""

from __future__ import annotations

import argparse
import logging
import pickle
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bench.calibrate import _right
from bench.eval_table import SHARED, folder_components
from bot import squad
from bot.answering.answerability import AnswerabilityModel, load_answerability
from bot.answering.decline import DeclinePolicy, decline_reason
from bot.answering.question import analyze_question
from bot.answering.reader import Reading
from bot.evaluation_squad import index_articles
from bot.factory import Components, bundled_corpus, configured_embedder
from bot.settings import Settings
from bot.squad import GoldItem
from training.answerability import load_questions, validation_titles


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
    good = correct = false = 0
    for case in cases:
        declined = decline_reason(case.best, policy) is not None
        if case.answerable:
            good += int(case.right and not declined)
            false += int(declined)
        else:
            good += int(declined)
            correct += int(declined)
    return good, correct, false


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--squad", type=Path, default=SHARED / "squad")
    parser.add_argument(
        "--squad-limit", type=int, default=0, help="held-out SQuAD questions (0: all 1,314)"
    )
    parser.add_argument("--model", type=Path, help="answerability model (default: shipped)")
    parser.add_argument("--dump", type=Path, help="also pickle the read cases to this file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    settings = Settings(data_dir=args.data_dir)
    settings = settings.model_copy(
        update={
            "answer": settings.answer.model_copy(update={"min_answerable": 0.0}),
            "reader": settings.reader.model_copy(update={"max_no_answer": 1.0}),
        }
    )
    embedder = configured_embedder(settings)
    sets: dict[str, list[Case]] = {}
    with bundled_corpus() as sample:
        comps, _ = folder_components(settings, embedder, sample)
    sets["seed_dev"] = collect(comps, squad.load_jsonl(SHARED / "seed_dev.jsonl"))
    comps, _ = folder_components(settings, embedder, SHARED / "bbc" / "articles")
    sets["bbc_dev"] = collect(comps, squad.load_jsonl(SHARED / "bbc_dev.jsonl"))
    docs, golds = load_questions(
        args.squad, validation_titles(), args.squad_limit or None, 0, slice_corpus=False
    )
    comps, note = index_articles(settings, embedder, docs)
    print(f"SQuAD held-out training titles: {note}")
    sets["squad_validation"] = collect(comps, golds)
    if args.dump is not None:
        args.dump.write_bytes(pickle.dumps(sets))
    for name, cases in sets.items():
        print(f"{name}: {len(cases)} questions, {sum(c.answerable for c in cases)} answerable")

    a, r = Settings().answer, Settings().reader
    rules = DeclinePolicy(a.min_evidence, a.min_coverage, a.strong_dense, a.min_names)
    model: AnswerabilityModel = load_answerability(args.model)

    def row(label: str, policy: DeclinePolicy) -> dict[str, tuple[int, int, int]]:
        figures = {name: score(cases, policy) for name, cases in sets.items()}
        print(
            f"  {label}: "
            + "; ".join(
                f"{n} handled {g}/{len(sets[n])} declines right {c} false {f}"
                for n, (g, c, f) in figures.items()
            )
        )
        return figures

    base = row("features only", rules)
    row(
        f"shipped rules (max_no_answer {r.max_no_answer})",
        replace(rules, max_no_answer=r.max_no_answer),
    )
    best: tuple[tuple[int, int], float] | None = None
    for threshold in np.arange(0.05, 0.801, 0.005):
        t = round(float(threshold), 4)
        policy = replace(rules, answerability=replace(model, threshold=t))
        figures = {name: score(cases, policy) for name, cases in sets.items()}
        if any(figures[n][1] < base[n][1] for n in sets):
            continue  # fewer correct declines than the features alone somewhere
        # the fewest false declines, then the most correct ones
        key = (-sum(f for _, _, f in figures.values()), sum(c for _, c, _ in figures.values()))
        if best is None or key > best[0]:
            best = (key, t)
    for t in (0.3, 0.35, 0.4, 0.45):  # the trade-off around it
        row(f"answerability {t}", replace(rules, answerability=replace(model, threshold=t)))
    if best is None:
        print("no threshold keeps every set's correct declines")
        return
    _, t = best
    print(f"best: min_answerable {t}")
    row(f"answerability {t}", replace(rules, answerability=replace(model, threshold=t)))


if __name__ == "__main__":
    main()
