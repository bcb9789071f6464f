"""What runs as the bot starts and stops.

At start: warming the answerer, replaying the journal, the command menus, pending topic
alerts. At stop: the alerts pause, the worker pools finish, and the feed lease passes on.
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from telegram.ext import Application

from answering.types import Answerer
from bot.config.settings import Settings
from bot.telegram import context as ctx
from bot.telegram.alerts import resume_alerts, stop_alerts
from bot.telegram.delivery import replay_pending
from bot.telegram.journal import UpdateJournal
from bot.telegram.menus import set_command_menus
from bot.telegram.state.follow_ups import FollowUps
from bot.telegram.state.lease import Lease

logger = logging.getLogger(__name__)


async def post_init(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Start warming the models in the worker pool (polling starts meanwhile: a question that
    comes first loads what it needs itself), then set the command menus."""
    # (before the Application runs, so not its create_task: post_shutdown awaits this one)
    warming = asyncio.get_running_loop().create_task(_warm(app), name="warm the answerer")
    app.bot_data[ctx.WARMING] = warming
    journal: UpdateJournal | None = app.bot_data.get(ctx.JOURNAL)
    if journal is not None:
        settings: Settings = app.bot_data[ctx.SETTINGS]
        await replay_pending(app, journal, settings.telegram.replay_max_age_s)
    await set_command_menus(app)
    resume_alerts(app)
    logger.info("Bot @%s is ready", app.bot.username)


async def post_stop(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop sending topic alerts: the undelivered ones stay queued for the next start."""
    await stop_alerts(app)


async def _warm(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    loop = asyncio.get_running_loop()
    answerer: Answerer = app.bot_data[ctx.ANSWERER]
    started = loop.time()
    logger.info("Warming the answerer")
    try:
        await loop.run_in_executor(app.bot_data[ctx.EXECUTOR], answerer.warm)
    except Exception:  # (each answer still loads what it needs, and reports its own errors)
        logger.exception("Warming the answerer failed")
        return
    logger.info("The answerer is warm (%.1f s)", loop.time() - started)


async def post_shutdown(app: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Stop the worker pools (no answer is running any more: the Application awaited them;
    an ingest in progress finishes its atomic write first), let go of the follow-up contexts,
    then give up the feed lease so that another worker polls the feeds at its next tick."""
    warming: asyncio.Task[None] | None = app.bot_data.get(ctx.WARMING)
    if warming is not None:
        await asyncio.gather(warming, return_exceptions=True)
    for key in (ctx.EXECUTOR, ctx.INGEST_EXECUTOR):
        executor: ThreadPoolExecutor | None = app.bot_data.get(key)
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)
    follow_ups: FollowUps | None = app.bot_data.get(ctx.FOLLOW_UPS)
    if follow_ups is not None:
        await follow_ups.aclose()
    lease: Lease | None = app.bot_data.get(ctx.FEED_LEASE)
    if lease is not None:
        await asyncio.to_thread(lease.release)
