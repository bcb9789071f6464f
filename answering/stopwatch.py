"""Stage timings of one answer: the milliseconds each step took, kept apart from the steps."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass(slots=True)
class Stopwatch:
    """Milliseconds per named stage, written into ``timings`` (shared with the search, which
    adds its own stages)."""

    timings: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Times the ``with`` block as ``name``."""
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = (time.perf_counter() - start) * 1000
