"""Inline query debounce: a typed-out question is looked up once, when the user pauses.

Telegram sends an inline query per keystroke: ``settle`` lets a query wait a short moment,
and a newer query of the same user ends that wait at once and makes the older one stale. The
waits are this process's own tasks, so this state stays in memory.
"""

from __future__ import annotations

import asyncio
import contextlib


class Debouncer:
    """The newest pending call per user; older ones are superseded by it."""

    def __init__(self) -> None:
        self._latest: dict[int, asyncio.Event] = {}

    def __len__(self) -> int:
        """Users with a call waiting in ``settle``."""
        return len(self._latest)

    def pending(self, user_id: int) -> bool:
        """Whether a call of ``user_id`` is waiting in ``settle``."""
        return user_id in self._latest

    def supersede(self, user_id: int) -> None:
        """Make the call of ``user_id`` waiting in ``settle`` (if any) stale, at once."""
        previous = self._latest.pop(user_id, None)
        if previous is not None:
            previous.set()

    async def settle(self, user_id: int, delay_s: float) -> bool:
        """Wait ``delay_s`` seconds; True unless a newer call for ``user_id`` came meanwhile.

        A newer call ends this wait at once (and this one returns False).
        """
        self.supersede(user_id)
        superseded = asyncio.Event()
        self._latest[user_id] = superseded
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(superseded.wait(), delay_s)
        finally:
            if self._latest.get(user_id) is superseded:
                del self._latest[user_id]
        return not superseded.is_set()
