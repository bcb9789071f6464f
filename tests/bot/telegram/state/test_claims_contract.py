"""The update claims' contract, on every backend: an update is claimed once."""

from __future__ import annotations

from tests.bot.telegram.state.backends import Backend


async def test_an_update_is_claimed_the_first_time_only(backend: Backend) -> None:
    claims = backend.claims()
    assert [await claims.claim(update_id) for update_id in (5, 6, 5, 6, 7)] == [
        True,
        True,
        False,
        False,
        True,
    ]
