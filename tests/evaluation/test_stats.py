"""Percentiles, inclusive and nearest-rank, and the latency line the benchmarks print."""

from __future__ import annotations

import random

import numpy as np
import pytest

from evaluation.stats import latency_figures, percentile

LATENCIES = [10.0, 20.0, 30.0, 40.0]


@pytest.mark.parametrize(("p", "want"), [(50, 25.0), (95, 38.5), (25, 17.5)])
def test_percentiles_interpolate_between_latencies(p: int, want: float) -> None:
    assert percentile(LATENCIES, p) == pytest.approx(want)


def test_percentiles_of_one_value_are_that_value() -> None:
    assert percentile([42.0], 50) == percentile([42.0], 95) == 42.0
    assert percentile([42.0], 50, method="nearest-rank") == 42.0


def test_percentiles_do_not_depend_on_order() -> None:
    values = [5.0, 1.0, 9.0, 3.0, 7.0]
    for method in ("inclusive", "nearest-rank"):
        assert percentile(values, 50, method=method) == percentile(
            sorted(values), 50, method=method
        )
    assert percentile(values, 50) == pytest.approx(5.0)


def test_no_values_give_zero() -> None:
    assert percentile([], 50) == percentile([], 95, method="nearest-rank") == 0.0


def test_inclusive_is_numpy_default_interpolation() -> None:
    rng = random.Random(3)
    for n in (2, 3, 7, 20, 101):
        values = [rng.uniform(0, 500) for _ in range(n)]
        for p in (1, 10, 50, 95, 99):
            assert percentile(values, p) == pytest.approx(float(np.percentile(values, p)))


@pytest.mark.parametrize(
    ("p", "want"), [(0, 10.0), (25, 10.0), (50, 20.0), (95, 40.0), (100, 40.0)]
)
def test_nearest_rank_is_always_one_of_the_values(p: int, want: float) -> None:
    assert percentile(LATENCIES, p, method="nearest-rank") == want


def test_latency_figures() -> None:
    assert latency_figures(LATENCIES) == "p50 25.0 ms  p95 38.5 ms  (n=4)"
    line = latency_figures(LATENCIES, (50, 95, 99), digits=0, method="nearest-rank")
    assert line == "p50 20 ms  p95 40 ms  p99 40 ms  (n=4)"
