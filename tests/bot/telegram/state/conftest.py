"""The state tests' clock, which they move by hand, and the backends the contracts run on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.bot.telegram.fakes import ManualClock
from tests.bot.telegram.state.backends import BACKENDS, Backend, backend_for


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, clock: ManualClock) -> Iterator[Backend]:
    """Each backend in turn (in memory, then a real Redis): the contract tests run on both."""
    with backend_for(request.param, clock, request) as made:
        yield made
