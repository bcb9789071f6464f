"""Topic alerts: when new articles are indexed, each follower of a matching topic hears of it.

``schedule_alerts`` starts the work as a task of the Application, off the path of the poll or
the command that indexed the articles, so they finish at once and the bot keeps answering.
The task matches every followed topic against the new articles in one search per article
(``index.topic_match``), in the answer pool, then sends each chat at most one alert per
article (its best matching topic), within the per-chat hourly limit (more are dropped). The
sends go through the bot's rate limiter like every reply, and are first spaced to
``follow.alerts_per_second`` in all, so that a thousand alerts leave Telegram's budget of
about 30 messages a second to the replies. An alert refused with 429 after the rate
limiter's own retries is tried again after ``retry_after``. A chat that blocked the bot (403)
is unsubscribed from everything; no failure escapes the task. Each queued alert is sent by the
task that claims it first, so two workers delivering what is pending never both send one.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Coroutine, Sequence
from typing import Any, TypeAlias

from aiolimiter import AsyncLimiter
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError
from telegram.ext import Application
from telegram.warnings import PTBDeprecationWarning

from bot.follows import Follow, Follows, PendingAlert
from bot.telegram import context as ctx
from bot.telegram.render.follow import alert_html, read_keyboard
from bot.telegram.render.html import is_web_url
from bot.telegram.state.rate_limit import RateLimit
from index.topic_match import TopicHit

logger = logging.getLogger(__name__)

#: Alerts in flight at once (the pace and the rate limiter space them further).
ALERT_CONCURRENCY = 16
#: Extra tries of an alert that flood control still refused after the rate limiter's retries.
FLOOD_RETRIES = 3
HOUR_S = 3600.0

Delivery = tuple[TopicHit, Follow]
#: Any of the bot's Applications (handlers see theirs with a generic context type).
AnyApplication: TypeAlias = Application[Any, Any, Any, Any, Any, Any]


def schedule_alerts(app: AnyApplication, article_ids: Sequence[str]) -> None:
    """Alert the followers of topics that the articles ``article_ids`` (just added) match,
    in a task; nothing when there are none or /follow is off."""
    if article_ids and ctx.FOLLOWS in app.bot_data:
        _spawn(app, send_alerts(app, list(article_ids)), "topic alerts")


def resume_alerts(app: AnyApplication) -> None:
    """Deliver, in a task, the alerts a stop or a crash left undelivered (at start)."""
    if ctx.FOLLOWS in app.bot_data:
        _spawn(app, _resume(app), "pending topic alerts")


async def stop_alerts(app: AnyApplication) -> None:
    """Stop sending (at shutdown): what is not delivered yet stays queued for the next start,
    so a stop never waits minutes for a thousand paced alerts."""
    tasks: set[asyncio.Task[None]] = app.bot_data.get(ctx.ALERT_TASKS, set())
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


def _spawn(app: AnyApplication, work: Coroutine[Any, Any, None], name: str) -> None:
    # (not app.create_task: the Application's stop would wait for every alert to be sent)
    tasks: set[asyncio.Task[None]] = app.bot_data.setdefault(ctx.ALERT_TASKS, set())
    task = asyncio.get_running_loop().create_task(work, name=name)
    tasks.add(task)
    task.add_done_callback(tasks.discard)


async def send_alerts(app: AnyApplication, article_ids: Sequence[str]) -> None:
    """Match, queue and deliver. Never raises."""
    try:
        deliveries = await matched(app, article_ids)
        allowed = await _within_limit(app.bot_data[ctx.ALERT_LIMITER], deliveries)
        follows: Follows = app.bot_data[ctx.FOLLOWS]
        queued = await asyncio.to_thread(follows.store.queue, [_rendered(d) for d in allowed])
        sent = await _deliver_all(app, queued)
    except Exception:  # (a failing alert must never take the poll or the bot with it)
        logger.exception("Topic alerts for %d articles failed", len(article_ids))
        return
    logger.info(
        "Topic alerts: %d articles, %d matches, %d sent", len(article_ids), len(deliveries), sent
    )


async def _resume(app: AnyApplication) -> None:
    try:
        follows: Follows = app.bot_data[ctx.FOLLOWS]
        pending = await asyncio.to_thread(follows.store.pending)
        if pending:
            logger.info("Delivering %d topic alerts left from before the start", len(pending))
            await _deliver_all(app, pending)
    except Exception:
        logger.exception("Pending topic alerts failed")


def _rendered(delivery: Delivery) -> PendingAlert:
    hit, follow = delivery
    url = hit.article.url if hit.article.url and is_web_url(hit.article.url) else None
    return PendingAlert(
        0, follow.chat_id, hit.article.id, alert_html(hit, follow), url, follow.lang
    )


async def _deliver_all(app: AnyApplication, alerts: Sequence[PendingAlert]) -> int:
    """Send the queued alerts (a chat that blocked the bot is unsubscribed); how many arrived."""
    gate = asyncio.Semaphore(ALERT_CONCURRENCY)
    blocked: set[int] = set()
    sent = await asyncio.gather(*(_send(app, alert, gate, blocked) for alert in alerts))
    follows: Follows = app.bot_data[ctx.FOLLOWS]
    for chat_id in blocked:
        dropped = await asyncio.to_thread(follows.store.drop_chat, chat_id)
        logger.info("Chat %s blocked the bot: unfollowed its %d topics", chat_id, dropped)
    return sum(sent)


async def matched(app: AnyApplication, article_ids: Sequence[str]) -> list[Delivery]:
    """Each chat's best matching topic per new article (one search per article in all)."""
    follows: Follows = app.bot_data[ctx.FOLLOWS]
    grouped = await asyncio.to_thread(follows.store.by_topic)
    if not grouped:
        return []
    by_query = {subs[0].topic: subs for subs in grouped.values()}
    loop = asyncio.get_running_loop()
    hits = await loop.run_in_executor(
        app.bot_data[ctx.EXECUTOR], follows.matcher.match, list(by_query), list(article_ids)
    )
    best: dict[tuple[int, str], Delivery] = {}
    for hit in hits:
        for follow in by_query.get(hit.topic, []):
            key = (follow.chat_id, hit.article.id)
            if key not in best or hit.score > best[key][0].score:
                best[key] = (hit, follow)
    return list(best.values())


async def _within_limit(limiter: RateLimit, deliveries: list[Delivery]) -> list[Delivery]:
    allowed = []
    for hit, follow in deliveries:
        if await limiter.hit(follow.chat_id) > 0:
            logger.info(
                "Dropped an alert to chat %s on article %s: hourly limit reached",
                follow.chat_id,
                hit.article.id,
            )
            continue
        allowed.append((hit, follow))
    return allowed


async def _send(
    app: AnyApplication, alert: PendingAlert, gate: asyncio.Semaphore, blocked: set[int]
) -> bool:
    """Deliver one alert and take it off the queue; one that failed for now (the network,
    flood control past every retry) stays queued for the next start. An alert that another
    task or worker claimed first is theirs to send."""
    follows: Follows = app.bot_data[ctx.FOLLOWS]
    async with gate:
        if alert.chat_id in blocked:
            return False
        if not await asyncio.to_thread(follows.store.claim, alert.id):
            return False
        try:
            return await _send_claimed(app, alert, blocked)
        finally:  # sent, kept for later or stopped: free (a delivered alert is claimed no more)
            await asyncio.shield(asyncio.to_thread(follows.store.release, alert.id))


async def _send_claimed(app: AnyApplication, alert: PendingAlert, blocked: set[int]) -> bool:
    follows: Follows = app.bot_data[ctx.FOLLOWS]
    try:
        await _deliver(app, alert)
    except Forbidden as e:
        logger.info("Alert to chat %s refused: %s", alert.chat_id, e.message)
        blocked.add(alert.chat_id)
        return False
    except BadRequest as e:  # it can never arrive as it is
        logger.warning("Alert to chat %s refused: %s", alert.chat_id, e.message)
        await asyncio.to_thread(follows.store.delivered, alert.id)
        return False
    except TelegramError as e:
        logger.warning("Alert to chat %s failed, kept for later: %s", alert.chat_id, e.message)
        return False
    await asyncio.to_thread(follows.store.delivered, alert.id)
    return True


async def _deliver(app: AnyApplication, alert: PendingAlert) -> None:
    """Send at the alerts' pace; after a 429 that outlasted the rate limiter's retries, wait
    ``retry_after`` and try again (``FLOOD_RETRIES`` times)."""
    pace: AsyncLimiter = app.bot_data[ctx.ALERT_PACE]
    for attempt in range(FLOOD_RETRIES + 1):
        await pace.acquire()
        try:
            await app.bot.send_message(
                alert.chat_id, alert.html, reply_markup=read_keyboard(alert.read_url, alert.lang)
            )
            return
        except RetryAfter as e:
            if attempt == FLOOD_RETRIES:
                raise
            await asyncio.sleep(retry_after_s(e))


def retry_after_s(error: RetryAfter) -> float:
    """``retry_after`` in seconds, an int or a timedelta (its type is changing in PTB)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
