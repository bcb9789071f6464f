"""Operators' commands: /add URL, /remove ARTICLE, /feeds [add URL | remove ID | poll], /stats.

Only users whose numeric Telegram ID is in ``telegram.admins`` may use them (never a username:
those can change hands); anyone else is told "not allowed" and the attempt is logged. The work
(fetching, embedding, writing) runs in the single ingest worker, so it never blocks the event
loop and never races another ingest; questions keep being answered from the last complete
snapshot meanwhile. A change to the index forgets the cached answers.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from telegram import Update

from bot.i18n import normalize_lang
from bot.library import Library
from bot.telegram import render, render_admin
from bot.telegram.alerts import schedule_alerts
from bot.telegram.context import CustomContext
from index.errors import NewsBotError

logger = logging.getLogger(__name__)

T = TypeVar("T")
Handler = Callable[[Update, CustomContext], Coroutine[Any, Any, None]]


def is_admin(update: Update, context: CustomContext) -> bool:
    user = update.effective_user
    return user is not None and user.id in context.settings.telegram.admins


def admin_only(handler: Handler) -> Handler:
    """Run ``handler`` for admins; tell anyone else "not allowed" and log the attempt."""

    @functools.wraps(handler)
    async def guarded(update: Update, context: CustomContext) -> None:
        message, user = update.effective_message, update.effective_user
        if message is None:
            return
        if not is_admin(update, context):
            logger.warning(
                "Refused %s from user %s (not an admin)",
                handler.__name__,
                user.id if user else "unknown",
            )
            lang = normalize_lang(user.language_code if user else None)
            await message.reply_html(render.tr("telegram.not_allowed", lang))
            return
        await handler(update, context)

    return guarded


async def _in_worker(context: CustomContext, work: Callable[[Library], T]) -> T:
    """Run ``work`` on the library in the ingest worker (one write at a time)."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(
        context.ingest_executor, functools.partial(work, context.library)
    )


async def _read(context: CustomContext, work: Callable[[Library], T]) -> T:
    """Run a read-only ``work`` in the answer pool, so it never waits behind an ingest."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(context.executor, functools.partial(work, context.library))


async def _reply(update: Update, text: str) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_html(text)


def _args(context: CustomContext) -> list[str]:
    return list(context.args or [])


@admin_only
async def add(update: Update, context: CustomContext) -> None:
    """/add URL: fetch the article and index it."""
    args = _args(context)
    if len(args) != 1:
        await _reply(update, render_admin.admin_text("add_usage"))
        return
    await _reply(update, render_admin.admin_text("working"))
    report = await _in_worker(context, lambda lib: lib.add_url(args[0]))
    if report.changed:
        context.answer_cache.clear()
    schedule_alerts(context.application, report.added_ids)
    await _reply(update, render_admin.report_html(report))


@admin_only
async def remove(update: Update, context: CustomContext) -> None:
    """/remove ARTICLE: by address, exact title or id prefix."""
    ref = " ".join(_args(context)).strip()
    if not ref:
        await _reply(update, render_admin.admin_text("remove_usage"))
        return
    removal = await _in_worker(context, lambda lib: lib.remove(ref))
    if removal.removed:
        context.answer_cache.clear()
    await _reply(update, render_admin.removed_html(ref, removal.removed, removal.matches))


@admin_only
async def feeds(update: Update, context: CustomContext) -> None:
    """/feeds, /feeds add URL, /feeds remove ID, /feeds poll."""
    args = _args(context)
    match args:
        case []:
            listed = await _read(context, lambda lib: lib.feeds())
            await _reply(update, render_admin.feeds_html(listed))
        case ["add", url]:
            feed = await _in_worker(context, lambda lib: lib.add_feed(url))
            await _reply(update, render_admin.feed_added_html(feed))
        case ["remove", feed_id] if feed_id.isdigit():
            done = await _in_worker(context, lambda lib: lib.remove_feed(int(feed_id)))
            key = "feed_removed" if done else "feed_unknown"
            await _reply(update, render_admin.admin_text(key, id=feed_id))
        case ["poll"]:
            await _reply(update, render_admin.admin_text("working"))
            summary = await _in_worker(context, lambda lib: lib.poll(due_only=False))
            if summary.report.changed:
                context.answer_cache.clear()
            schedule_alerts(context.application, summary.report.added_ids)
            await _reply(update, render_admin.poll_html(summary))
        case _:
            await _reply(update, render_admin.admin_text("feeds_usage"))


@admin_only
async def stats(update: Update, context: CustomContext) -> None:
    """/stats: articles, passages, index size, feeds, last poll."""
    figures = await _read(context, lambda lib: lib.stats())
    await _reply(update, render_admin.stats_html(figures))


async def poll_feeds(context: CustomContext) -> None:
    """The JobQueue job: poll the feeds that are due, in the ingest worker."""
    try:
        summary = await _in_worker(context, lambda lib: lib.poll(due_only=True))
    except NewsBotError as e:
        logger.error("Feed polling failed: %s", e)
        return
    if summary.report.changed:
        context.answer_cache.clear()
    schedule_alerts(context.application, summary.report.added_ids)
    for url, why in summary.failed.items():
        logger.warning("Feed %s failed: %s", url, why)
    if summary.polled:
        report = summary.report
        logger.info(
            "Polled %d feeds: added %d, updated %d, skipped %d, failed %d",
            summary.polled,
            len(report.added),
            len(report.updated),
            len(report.skipped),
            len(report.rejected) + len(summary.failed),
        )
