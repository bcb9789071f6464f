"""The state tests' clock, which they move by hand."""

from __future__ import annotations

import pytest

from tests.bot.telegram.fakes import ManualClock


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()
