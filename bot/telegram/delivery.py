"""At-least-once handling of updates, on top of ``UpdateJournal``.

``JournalingQueue`` is the Application's update queue: polling and the webhook both put every
update there, and it writes messages down before they wait for a handler (if the journal
cannot be written, the update is handled anyway and the failure logged).
``JournalingApplication`` marks an update done once ``process_update`` has run every handler
and, on a failure, the error handler (which apologises to the user). ``replay_pending`` puts
what the last run left unfinished back in the queue at start-up.

With claims shared by several workers, a message's claim keeps a copy of it until it is done:
``take_over_orphans`` (a periodic job) renews this worker's lease and queues the messages of
workers that were killed before they finished them, and ``replay_pending`` replays only what
no other worker finished or took over.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import Any

from telegram import Update
from telegram.ext import Application, ExtBot

from bot.telegram import context as ctx
from bot.telegram.context import CustomContext
from bot.telegram.journal import UpdateJournal
from bot.telegram.state.claims import UpdateClaims

logger = logging.getLogger(__name__)


def journaled(update: object) -> bool:
    """Messages are journaled. Inline queries and button taps are not: Telegram refuses an
    answer to either after a few seconds, so a replay could only fail."""
    return isinstance(update, Update) and update.message is not None


class JournalingQueue(asyncio.Queue[object]):
    """The update queue: an update another worker (or an earlier delivery) has claimed is
    dropped; a journaled update is written down before it is queued, and one the journal
    already holds (replayed, then redelivered) is not queued twice."""

    def __init__(self, journal: UpdateJournal | None, claims: UpdateClaims | None = None) -> None:
        super().__init__()
        self.journal = journal
        self.claims = claims

    async def put(self, item: object) -> None:
        if isinstance(item, Update):
            copy = item.to_dict() if journaled(item) else None  # kept until the update is done
            if self.claims is not None and not await self.claims.claim(item.update_id, copy):
                logger.info("Update %s is handled elsewhere; not queued", item.update_id)
                return
            journal = self.journal
            if journal is not None and copy is not None and not await _record(journal, item, copy):
                logger.info("Update %s was already received; not queued again", item.update_id)
                return
        await super().put(item)


async def _record(journal: UpdateJournal, update: Update, copy: dict[str, Any]) -> bool:
    """Write ``update`` (as ``copy``) down; False when the journal already holds it."""
    try:
        return await asyncio.to_thread(journal.record, update.update_id, copy)
    except sqlite3.Error:  # a full or failing disk must not stop the bot answering
        logger.exception("Could not journal update %s; handling it anyway", update.update_id)
        return True


class JournalingApplication(
    Application[ExtBot[Any], CustomContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]
):
    """The Application, marking each journaled update done after it was processed."""

    async def process_update(self, update: object) -> None:
        try:
            await super().process_update(update)
        finally:
            if isinstance(update, Update) and journaled(update):
                await self._done(update.update_id)

    async def _done(self, update_id: int) -> None:
        journal: UpdateJournal | None = self.bot_data.get(ctx.JOURNAL)
        if journal is not None:
            try:
                await asyncio.to_thread(journal.done, update_id)
            except sqlite3.Error:  # the user has their answer: only the log hears of it
                logger.exception("Could not mark update %s done", update_id)
        claims = _claims(self)
        if claims is not None:
            await claims.done(update_id)


def _claims(app: Application[Any, Any, Any, Any, Any, Any]) -> UpdateClaims | None:
    queue = app.update_queue
    return queue.claims if isinstance(queue, JournalingQueue) else None


async def replay_pending(
    app: Application[Any, Any, Any, Any, Any, Any], journal: UpdateJournal, max_age_s: float
) -> int:
    """Queue the updates the last run received and did not finish (and no other worker
    finished or handles now); how many."""
    pending = await asyncio.to_thread(journal.pending, max_age_s)
    claims = _claims(app)
    mine = [e for e in pending if claims is None or await claims.adopt(e.update_id)]
    for entry in pending:
        if entry not in mine:  # another worker took it over: its journal entry is closed here
            await asyncio.to_thread(journal.done, entry.update_id)
    for entry in mine:
        update = Update.de_json(entry.payload, app.bot)
        app.update_queue.put_nowait(update)  # already journaled: bypass ``put``
    if mine:
        logger.info(
            "Replaying %d updates the last run received and did not finish: %s",
            len(mine),
            [entry.update_id for entry in mine[:20]],
        )
    return len(mine)


async def take_over_orphans(context: CustomContext) -> None:
    """The JobQueue job: renew this worker's lease on the messages it handles, and queue the
    ones that workers killed before they finished left behind."""
    app = context.application
    claims = _claims(app)
    if claims is None:
        return
    orphans = await claims.tend(context.settings.telegram.replay_max_age_s)
    for entry in orphans:
        app.update_queue.put_nowait(Update.de_json(entry.payload, app.bot))  # claimed already
    if orphans:
        logger.warning(
            "Took over %d updates a stopped worker left unfinished: %s",
            len(orphans),
            [entry.update_id for entry in orphans[:20]],
        )
