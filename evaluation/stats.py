"""Percentiles for the reports and benchmarks: one definition behind every p50 and p95."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from typing import Literal

Method = Literal["inclusive", "nearest-rank"]


def percentile(values: Sequence[float], p: float, *, method: Method = "inclusive") -> float:
    """The ``p``-th percentile (0-100) of ``values``; 0.0 when there are none.

    ``inclusive``: linear interpolation between the two closest values (``statistics``'
    inclusive method, numpy's default) at the whole percent ``int(p)``; the least value at 0,
    the greatest at 100. ``nearest-rank``: the least value with at least ``p`` per cent of the
    values at or below it, always one of the values (the load benchmark's figures).
    """
    if not values:
        return 0.0
    if method == "nearest-rank":
        ordered = sorted(values)
        return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]
    if len(values) == 1 or p <= 0:
        return min(values)
    if p >= 100:
        return max(values)
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[min(98, max(0, int(p) - 1))]


def latency_figures(
    values: Sequence[float],
    ps: Sequence[int] = (50, 95),
    *,
    digits: int = 1,
    method: Method = "inclusive",
) -> str:
    """Latencies in milliseconds as ``p50 12.3 ms  p95 45.6 ms  (n=20)``."""
    cuts = "  ".join(f"p{p} {percentile(values, p, method=method):.{digits}f} ms" for p in ps)
    return f"{cuts}  (n={len(values)})"
