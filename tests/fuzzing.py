"""Fuzz targets shared by the bounded property tests and the long run in ``bench/fuzz.py``.

A ``FuzzTarget`` is a property (``check``, which raises on a violation) and the strategies of
its arguments. A test module lists its ``TARGETS`` and gets one test case per target with
``test_targets = fuzz_each(TARGETS)`` (or calls ``fuzz(target)``: a few dozen examples;
hypothesis reports the shrunk counterexample); the bench calls ``measure(target, examples)``
(thousands, counted and timed, failures reported instead of raised).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

#: Examples per target in the test suite: enough to catch regressions, a fraction of a second.
TEST_EXAMPLES = 60
#: Pieces of text that break naive code: markup and entities, astral, combining and bidi
#: characters, zero-width and format characters, controls, odd spaces and line breaks.
HOSTILE = st.sampled_from(
    [
        "<b>",
        "</b>",
        "</a>",
        '<a href="http://evil.test/">',
        "<blockquote>",
        "&amp;",
        "&",
        "<",
        ">",
        '"',
        "'",
        "&#x1F680;",
        "javascript:",
        "🚀",
        "👍🏽",
        "🇺🇦",
        "e\u0301",
        "\u202e",
        "\u200b",
        "\u00ad",
        "\ufeff",
        "\U000e0041",
        "\x00",
        "\x1c",
        "\x7f",
        "\u2028",
        "\u3000",
        "\xa0",
        "\n",
        "\n\n",
        "\t",
        " ",
        "?!…",
        "Скільки",
        "Київ",
        "how many",
    ]
)


@dataclass(frozen=True, slots=True)
class FuzzTarget:
    """``check(**case)`` holds for every ``case`` drawn from ``strategies`` (name -> strategy)."""

    name: str
    check: Callable[..., None]
    strategies: Mapping[str, st.SearchStrategy[Any]]


@dataclass(frozen=True, slots=True)
class FuzzRun:
    """What a long run found: cases tried (shrinking included), failures, wall time."""

    name: str
    cases: int
    failures: int
    seconds: float
    error: str | None = None


def _hypothesis_test(
    target: FuzzTarget, examples: int, *, database: bool, counter: list[int]
) -> Callable[[], None]:
    def run_case(case: dict[str, Any]) -> None:
        counter[0] += 1
        target.check(**case)

    chosen = settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck))
    if not database:
        chosen = settings(chosen, database=None)
    test: Callable[[], None] = chosen(
        given(st.fixed_dictionaries(dict(target.strategies)))(run_case)
    )
    return test


def fuzz(target: FuzzTarget, examples: int = TEST_EXAMPLES) -> None:
    """Check ``target`` on ``examples`` cases; raises hypothesis's report on a violation."""
    _hypothesis_test(target, examples, database=True, counter=[0])()


def fuzz_each(targets: Sequence[FuzzTarget]) -> Callable[[FuzzTarget], None]:
    """A test that fuzzes each of ``targets``, one case per target named by it (what each
    checks is its ``check``'s docstring). A module binds it: ``test_targets = fuzz_each(...)``."""

    @pytest.mark.parametrize("target", targets, ids=[target.name for target in targets])
    def test_target(target: FuzzTarget) -> None:
        fuzz(target)

    return test_target


def measure(target: FuzzTarget, examples: int) -> FuzzRun:
    """Check ``target`` on ``examples`` fresh cases (no example database) and say how it went."""
    counter = [0]
    started = time.perf_counter()
    try:
        _hypothesis_test(target, examples, database=False, counter=counter)()
    except Exception as e:  # a failure is a result to report here, not to raise
        failures = len(e.exceptions) if isinstance(e, ExceptionGroup) else 1
        error = f"{type(e).__name__}: {e}"
        return FuzzRun(target.name, counter[0], failures, time.perf_counter() - started, error)
    return FuzzRun(target.name, counter[0], 0, time.perf_counter() - started)
