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
is unsubscribed from everything; no failure escapes the task.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import warnings
from collections.abc import Sequence
from typing import Any, TypeAlias

from aiolimiter import AsyncLimiter
from telegram.error import Forbidden, RetryAfter, TelegramError
from telegram.ext import Application
from telegram.warnings import PTBDeprecationWarning

from bot.follows import Follow, Follows
from bot.telegram import context as ctx
from bot.telegram.render_follow import alert_html, alert_keyboard
from bot.telegram.state import RateLimiter
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
    in a task of ``app``; nothing when there are none or /follow is off."""
    if article_ids and ctx.FOLLOWS in app.bot_data:
        app.create_task(send_alerts(app, list(article_ids)), name="topic alerts")


async def send_alerts(app: AnyApplication, article_ids: Sequence[str]) -> int:
    """Match and send; how many alerts were delivered. Never raises."""
    try:
        deliveries = await matched(app, article_ids)
        allowed = _within_limit(app.bot_data[ctx.ALERT_LIMITER], deliveries)
        gate = asyncio.Semaphore(ALERT_CONCURRENCY)
        blocked: set[int] = set()
        sent = await asyncio.gather(*(_send(app, d, gate, blocked) for d in allowed))
        follows: Follows = app.bot_data[ctx.FOLLOWS]
        for chat_id in blocked:
            dropped = await asyncio.to_thread(follows.store.drop_chat, chat_id)
            logger.info("Chat %s blocked the bot: unfollowed its %d topics", chat_id, dropped)
    except Exception:  # (a failing alert must never take the poll or the bot with it)
        logger.exception("Topic alerts for %d articles failed", len(article_ids))
        return 0
    logger.info(
        "Topic alerts: %d articles, %d matches, %d sent",
        len(article_ids),
        len(deliveries),
        sum(sent),
    )
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


def _within_limit(limiter: RateLimiter, deliveries: list[Delivery]) -> list[Delivery]:
    allowed = []
    for hit, follow in deliveries:
        if limiter.hit(follow.chat_id) > 0:
            logger.info(
                "Dropped an alert to chat %s on article %s: hourly limit reached",
                follow.chat_id,
                hit.article.id,
            )
            continue
        allowed.append((hit, follow))
    return allowed


async def _send(
    app: AnyApplication, delivery: Delivery, gate: asyncio.Semaphore, blocked: set[int]
) -> bool:
    hit, follow = delivery
    async with gate:
        if follow.chat_id in blocked:
            return False
        try:
            await _deliver(app, hit, follow)
        except Forbidden as e:
            logger.info("Alert to chat %s refused: %s", follow.chat_id, e.message)
            blocked.add(follow.chat_id)
            return False
        except TelegramError as e:
            logger.warning("Alert to chat %s failed: %s", follow.chat_id, e.message)
            return False
    return True


async def _deliver(app: AnyApplication, hit: TopicHit, follow: Follow) -> None:
    """Send at the alerts' pace; after a 429 that outlasted the rate limiter's retries, wait
    ``retry_after`` and try again (``FLOOD_RETRIES`` times)."""
    pace: AsyncLimiter = app.bot_data[ctx.ALERT_PACE]
    for attempt in range(FLOOD_RETRIES + 1):
        await pace.acquire()
        try:
            await app.bot.send_message(
                follow.chat_id,
                alert_html(hit, follow),
                reply_markup=alert_keyboard(hit, follow.lang),
            )
            return
        except RetryAfter as e:
            if attempt == FLOOD_RETRIES:
                raise
            await asyncio.sleep(_seconds(e))


def _seconds(error: RetryAfter) -> float:
    """``retry_after`` in seconds, an int or a timedelta (its type is changing in PTB)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        wait = error.retry_after
    return wait.total_seconds() if isinstance(wait, dt.timedelta) else float(wait)
