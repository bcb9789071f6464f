"""The lease's contract, on every backend: one holder at a time, renewed, released, expired."""

from __future__ import annotations

from tests.bot.telegram.state.backends import SHORT_TTL_S, Backend


def test_one_holder_at_a_time_until_it_releases(backend: Backend) -> None:
    first, second = backend.lease(), backend.lease()
    assert first.acquire()
    assert not second.acquire()
    assert first.acquire()  # its own lease: renewed
    assert (first.renew(), second.renew()) == (True, False)
    assert not second.release()  # another's lease is left alone
    assert not second.acquire()
    assert first.release()
    assert not first.renew()
    assert second.acquire()
    assert not first.acquire()


def test_a_lease_not_renewed_expires_and_passes_on(backend: Backend) -> None:
    first, second = backend.lease(SHORT_TTL_S), backend.lease(SHORT_TTL_S)
    assert first.acquire()
    backend.expire()
    assert second.acquire()
    assert not first.renew()
    assert not first.release()
    assert second.release()
