"""The lease's contract, on every backend: one holder at a time, renewed, released, expired."""

from __future__ import annotations

from tests.bot.telegram.state.backends import SHORT_TTL_S, Backend


async def test_one_holder_at_a_time_until_it_releases(backend: Backend) -> None:
    first, second = backend.lease(), backend.lease()
    assert await first.acquire()
    assert not await second.acquire()
    assert await first.acquire()  # its own lease: renewed
    assert (await first.renew(), await second.renew()) == (True, False)
    assert not await second.release()  # another's lease is left alone
    assert not await second.acquire()
    assert await first.release()
    assert not await first.renew()
    assert await second.acquire()
    assert not await first.acquire()


async def test_a_lease_not_renewed_expires_and_passes_on(backend: Backend) -> None:
    first, second = backend.lease(SHORT_TTL_S), backend.lease(SHORT_TTL_S)
    assert await first.acquire()
    await backend.expire()
    assert await second.acquire()
    assert not await first.renew()
    assert not await first.release()
    assert await second.release()
