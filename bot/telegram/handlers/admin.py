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
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from telegram import Update
from telegram.error import BadRequest

from bot.errors_text import user_message
from bot.library.base import Library
from bot.telegram.alerts import schedule_alerts
from bot.telegram.context import CustomContext
from bot.telegram.errors import log_error
from bot.telegram.languages import chat_lang
from bot.telegram.menus import set_operator_menu
from bot.telegram.render import admin as render_admin
from bot.telegram.render.html import esc, tr
from bot.telegram.render.markup import truncate_html
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
            lang = chat_lang(context, update)
            await message.reply_html(tr("telegram.not_allowed", lang))
            return
        if user is not None:
            await set_operator_menu(context.application, user.id)
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


async def _working(
    update: Update, context: CustomContext, work: Callable[[], Awaitable[str]]
) -> None:
    """Say "Working on it…", then edit that message into the result of ``work``, or into
    what went wrong (a new message when the note is gone)."""
    message = update.effective_message
    if message is None:
        return
    note = await message.reply_html(render_admin.admin_text("working"))
    try:
        text = await work()
    except Exception as exc:  # told in the note, not in a second message
        log_error(update, exc)
        text = esc(user_message(exc, "en"))
    text = truncate_html(text)
    try:
        await note.edit_text(text)
    except BadRequest as exc:
        logger.info("Could not edit the working note (%s); sending the result", exc.message)
        await message.reply_html(text)


@admin_only
async def add(update: Update, context: CustomContext) -> None:
    """/add URL: fetch the article and index it."""
    args = _args(context)
    if len(args) != 1:
        await _reply(update, render_admin.admin_text("add_usage"))
        return

    async def work() -> str:
        report = await _in_worker(context, lambda lib: lib.add_url(args[0]))
        if report.changed:
            await context.answer_cache.clear()
        schedule_alerts(context.application, report.added_ids)
        return render_admin.report_html(report)

    await _working(update, context, work)


@admin_only
async def remove(update: Update, context: CustomContext) -> None:
    """/remove ARTICLE: by address, exact title or id prefix."""
    ref = " ".join(_args(context)).strip()
    if not ref:
        await _reply(update, render_admin.admin_text("remove_usage"))
        return
    removal = await _in_worker(context, lambda lib: lib.remove(ref))
    if removal.removed:
        await context.answer_cache.clear()
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
            await _working(update, context, functools.partial(_poll_all, context))
        case _:
            await _reply(update, render_admin.admin_text("feeds_usage"))


async def _poll_all(context: CustomContext) -> str:
    summary = await _in_worker(context, lambda lib: lib.poll(due_only=False))
    if summary.report.changed:
        await context.answer_cache.clear()
    schedule_alerts(context.application, summary.report.added_ids)
    return render_admin.poll_html(summary)


@admin_only
async def stats(update: Update, context: CustomContext) -> None:
    """/stats: articles, passages, index size, feeds, last poll; users' votes."""
    figures = await _read(context, lambda lib: lib.stats())
    text = render_admin.stats_html(figures)
    if context.feedback is not None:
        counts = await asyncio.to_thread(context.feedback.counts)
        text = f"{text}\n\n{render_admin.feedback_html(counts)}"
    await _reply(update, text)


async def poll_feeds(context: CustomContext) -> None:
    """The JobQueue job: poll the feeds that are due, in the ingest worker, when this worker
    holds (or renews) the feed lease: one worker at a time polls."""
    if not await context.feed_lease.acquire():
        logger.debug("Another worker holds the feed lease; not polling")
        return
    try:
        summary = await _in_worker(context, lambda lib: lib.poll(due_only=True))
    except NewsBotError as e:
        logger.error("Feed polling failed: %s", e)
        return
    if summary.report.changed:
        await context.answer_cache.clear()
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
