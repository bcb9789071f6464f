"""A long fuzz run of the input edges: the same properties as the bounded fuzz tests, with
many more examples each.

    python -m bench.fuzz [--examples 2000] [--only render]

Targets come from the test modules' ``TARGETS`` (``tests/fuzzing.py`` runs them): article
parser, feeds, URLs, HTTP headers, article file headers, question normalisation and analysis,
the answer cache key, and the Telegram HTML renderer (escaping, splitting, truncation, answer
messages and views, inline answers, ``/sources``). Prints one line per target as it finishes,
then a Markdown table for the docs; exits 1 if any property failed (hypothesis prints the
shrunk counterexample above). The default takes about 3-4 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from tests.answering import test_fuzz_question
from tests.bot.telegram import test_fuzz_markup, test_fuzz_render, test_fuzz_state
from tests.fuzzing import FuzzRun, FuzzTarget, measure
from tests.index.documents import test_fuzz_text
from tests.index.web import test_fuzz, test_fuzz_fetch

TARGETS: tuple[FuzzTarget, ...] = (
    *test_fuzz.TARGETS,
    *test_fuzz_fetch.TARGETS,
    *test_fuzz_text.TARGETS,
    *test_fuzz_question.TARGETS,
    *test_fuzz_state.TARGETS,
    *test_fuzz_markup.TARGETS,
    *test_fuzz_render.TARGETS,
)


def summary(run: FuzzRun) -> str:
    return f"{run.name}: {run.cases} cases, {run.failures} failures, {run.seconds:.1f} s"


def table(runs: Sequence[FuzzRun], examples: int) -> str:
    """The runs as a Markdown table."""
    lines = [
        f"| target ({examples} examples each) | cases | failures | seconds |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [f"| {r.name} | {r.cases} | {r.failures} | {r.seconds:.1f} |" for r in runs]
    total = sum(r.seconds for r in runs)
    lines.append(
        f"| all | {sum(r.cases for r in runs)} | {sum(r.failures for r in runs)} | {total:.1f} |"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=2000, help="examples per target")
    parser.add_argument("--only", default="", help="run the targets whose name contains this")
    args = parser.parse_args()
    # Parsers log every bad input (pypdf, trafilatura); the properties are what counts here.
    logging.disable(logging.CRITICAL)
    chosen = [t for t in TARGETS if args.only.lower() in t.name.lower()]
    runs: list[FuzzRun] = []
    for target in chosen:
        run = measure(target, args.examples)
        runs.append(run)
        print(summary(run), flush=True)
        if run.error:
            print(f"  {run.error[:2000]}", flush=True)
    print()
    print(table(runs, args.examples))
    sys.exit(1 if any(run.failures for run in runs) else 0)


if __name__ == "__main__":
    main()
