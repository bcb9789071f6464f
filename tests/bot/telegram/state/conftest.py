"""The state tests' clock, which they move by hand, and the backends the contracts run on."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.bot.telegram.fakes import ManualClock
from tests.bot.telegram.state.backends import BACKENDS, Backend, backend_for


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest_asyncio.fixture(params=BACKENDS)
async def backend(request: pytest.FixtureRequest, clock: ManualClock) -> AsyncIterator[Backend]:
    """Each backend in turn (in memory, then a real Redis): the contract tests run on both."""
    async with backend_for(request.param, clock, request) as made:
        yield made
