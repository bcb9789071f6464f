"""Update claims: an update is handled once, even when two workers receive it, and a message a
worker took is not lost with that worker.

A message's claim keeps a copy of it until it is ``done``. Each worker holds a lease that it
renews while it runs (``tend``); the unfinished messages of a worker whose lease ran out (it
was killed) are taken over by the next worker that tends, and handled there.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from bot.telegram.journal import Pending
from bot.telegram.state.ttl_cache import Clock, TtlCache

#: How long a claim is remembered: Telegram redelivers an update for at most a day.
CLAIM_TTL_S = 24 * 3600.0


class UpdateClaims(Protocol):
    """Who handles an update: the first to claim it (``MemoryClaims`` in one process)."""

    async def claim(self, update_id: int, payload: dict[str, Any] | None = None) -> bool:
        """True the first time ``update_id`` is claimed (handle it); False after (drop it).
        With ``payload`` (the update, as JSON) a copy is kept until ``done``."""
        ...

    async def done(self, update_id: int) -> None:
        """The update was handled: drop its copy."""
        ...

    async def adopt(self, update_id: int) -> bool:
        """Whether this worker may handle an update its journal held unfinished at start (no
        other worker finished it or handles it now); if so, it is this worker's from now on."""
        ...

    async def tend(self, max_age_s: float) -> list[Pending]:
        """Renew this worker's lease, and take over the unfinished updates of the workers
        whose lease ran out: those to handle, none older than ``max_age_s``."""
        ...

    async def retire(self) -> None:
        """Give the lease up (at stop): what this worker left unfinished passes on at once."""
        ...


class MemoryClaims:
    """Claims in this process: the last ``capacity`` update ids, each for ``ttl_s``. No other
    worker takes over: the journal replays what a crash left unfinished."""

    def __init__(
        self,
        capacity: int = 100_000,
        ttl_s: float = CLAIM_TTL_S,
        *,
        clock: Clock = time.monotonic,
    ) -> None:
        self._claimed = TtlCache[bool](capacity, ttl_s, clock=clock)

    async def claim(self, update_id: int, payload: dict[str, Any] | None = None) -> bool:
        key = str(update_id)
        if self._claimed.get(key) is not None:
            return False
        self._claimed.put(key, True)
        return True

    async def done(self, update_id: int) -> None:
        return None

    async def adopt(self, update_id: int) -> bool:
        return True

    async def tend(self, max_age_s: float) -> list[Pending]:
        return []

    async def retire(self) -> None:
        return None
