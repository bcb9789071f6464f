"""The one place the python-telegram-bot ``Application`` is built, and how it runs.

``build_application`` takes everything from ``Settings``: the token (a ``SecretStr``, kept out
of the logs), the Bot API ``base_url`` (everything before the token), timeouts, concurrency and
the size of the worker pool that runs the answerer off the event loop.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from aiolimiter import AsyncLimiter
from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, ContextTypes, Defaults

from answering.types import Answer, Answerer
from bot.chat_prefs import ChatPrefsStore
from bot.config.settings import Settings
from bot.feedback import FeedbackStore
from bot.follows import Follows
from bot.library.base import Library
from bot.redact import redact_in_logs
from bot.telegram import answer_flow as asking
from bot.telegram import context as ctx
from bot.telegram.alerts import HOUR_S, resume_alerts, stop_alerts
from bot.telegram.context import (
    CustomContext,
    NewsBotApplication,
    SourceCatalog,
    TopicListing,
    TopicSearch,
)
from bot.telegram.delivery import JournalingApplication, JournalingQueue, replay_pending
from bot.telegram.handlers.admin import poll_feeds
from bot.telegram.handlers.follow import register_follow_handlers
from bot.telegram.handlers.routes import register_handlers
from bot.telegram.jobs import PURGE_INTERVAL_S, purge_state
from bot.telegram.journal import UpdateJournal
from bot.telegram.menus import set_command_menus
from bot.telegram.state import CallbackStore, Debouncer, RateLimiter, StoredAnswer, TtlCache
from index.errors import ConfigError

logger = logging.getLogger(__name__)

#: How often a request refused with 429 (flood control) is retried after ``retry_after``
#: (a busy chat can meet the per-chat limit several times in a row under load).
RATE_LIMIT_RETRIES = 5
#: Long-polling timeout for getUpdates, in seconds.
POLL_TIMEOUT_S = 10
#: Update types the bot asks Telegram for.
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY, Update.INLINE_QUERY]
#: Seconds between two checks for feeds due a poll (each feed has its own interval).
FEED_TICK_S = 30.0
DEFAULT_STOP_SIGNALS: tuple[int, ...] = (signal.SIGINT, signal.SIGTERM, signal.SIGABRT)


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
    an ingest in progress finishes its atomic write first)."""
    warming: asyncio.Task[None] | None = app.bot_data.get(ctx.WARMING)
    if warming is not None:
        await asyncio.gather(warming, return_exceptions=True)
    for key in (ctx.EXECUTOR, ctx.INGEST_EXECUTOR):
        executor: ThreadPoolExecutor | None = app.bot_data.get(key)
        if executor is not None:
            await asyncio.to_thread(executor.shutdown, wait=True, cancel_futures=True)


def _new_application(
    settings: Settings, token: str, journal: UpdateJournal | None
) -> NewsBotApplication:
    """The bare ``Application``: HTML by default, flood control, timeouts, the journal."""
    tg = settings.telegram
    builder = ApplicationBuilder().application_class(JournalingApplication)
    if journal is not None:
        builder = builder.update_queue(JournalingQueue(journal))
    return (
        builder.token(token)
        .base_url(tg.base_url)
        .context_types(ContextTypes(context=CustomContext))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(AIORateLimiter(max_retries=RATE_LIMIT_RETRIES))
        .concurrent_updates(tg.concurrent_updates)
        .connect_timeout(tg.connect_timeout_s)
        .read_timeout(tg.read_timeout_s)
        .write_timeout(tg.read_timeout_s)
        .pool_timeout(tg.connect_timeout_s)
        .get_updates_connect_timeout(tg.connect_timeout_s)
        .get_updates_read_timeout(tg.read_timeout_s)
        .get_updates_write_timeout(tg.read_timeout_s)
        .get_updates_pool_timeout(tg.connect_timeout_s)
        .post_init(post_init)
        .post_stop(post_stop)
        .post_shutdown(post_shutdown)
        .build()
    )


def build_application(
    settings: Settings,
    answerer: Answerer,
    catalog: SourceCatalog,
    library: Library | None = None,
    journal: UpdateJournal | None = None,
    *,
    feedback: FeedbackStore | None = None,
    chat_prefs: ChatPrefsStore | None = None,
    topics: TopicSearch | None = None,
    follows: Follows | None = None,
) -> NewsBotApplication:
    """The bot's ``Application``, with handlers, error handler, jobs and ``bot_data`` filled.

    With a ``library``, the admin commands (/add, /remove, /feeds, /stats) are registered and
    a job polls the feeds that are due. With a ``journal``, every message is written down
    before it is handled, and what a crash left unfinished is replayed at start. With a
    ``feedback`` store, users' 👍 / 👎 on answers are kept (and /stats counts them). With
    ``chat_prefs``, chats choose their language and answer length with /settings. With
    ``topics``, ``/latest TOPIC`` lists the newest articles about a topic. With ``follows``,
    /follow, /following and /unfollow are registered, and new articles from /add and the
    feeds alert the followers of the topics they match.

    Raises ``ConfigError`` when no token is configured.
    """
    tg = settings.telegram
    if tg.token is None or not tg.token.get_secret_value():
        raise ConfigError(
            "no Telegram token configured",
            user_message="Set the bot token from @BotFather in NEWSBOT_TELEGRAM__TOKEN.",
        )
    token = tg.token.get_secret_value()
    redact_in_logs(token)
    app = _new_application(settings, token, journal)
    app.bot_data.update(
        {
            ctx.SETTINGS: settings,
            ctx.ANSWERER: answerer,
            ctx.CATALOG: catalog,
            ctx.ANSWERS: CallbackStore[StoredAnswer](),
            ctx.LIMITER: RateLimiter(tg.user_rate_limit, tg.user_rate_window_s),
            ctx.INLINE_LIMITER: RateLimiter(asking.INLINE_RATE_LIMIT, tg.user_rate_window_s),
            ctx.ANSWER_CACHE: TtlCache[Answer](asking.CACHE_CAPACITY, tg.answer_cache_ttl_s or 1.0),
            ctx.DEBOUNCER: Debouncer(),
            ctx.TOPICS: topics,
            ctx.LISTINGS: CallbackStore[TopicListing](capacity=1_000),
            ctx.EXECUTOR: ThreadPoolExecutor(
                max_workers=tg.answer_workers, thread_name_prefix="newsbot-answer"
            ),
        }
    )
    optional = {ctx.JOURNAL: journal, ctx.FEEDBACK: feedback, ctx.CHAT_PREFS: chat_prefs}
    app.bot_data.update({key: value for key, value in optional.items() if value is not None})
    if follows is not None:
        _add_follows(app, settings, follows)
    register_handlers(app, admin=library is not None)
    if library is not None:
        app.bot_data[ctx.LIBRARY] = library
        app.bot_data[ctx.INGEST_EXECUTOR] = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="newsbot-ingest"
        )
    if app.job_queue is not None:
        app.job_queue.run_repeating(purge_state, interval=PURGE_INTERVAL_S, first=PURGE_INTERVAL_S)
        if library is not None:
            tick = min(FEED_TICK_S, settings.feeds.poll_interval_s)
            app.job_queue.run_repeating(poll_feeds, interval=tick, first=tick, name="feeds")
    logger.info("Telegram application built (Bot API at %s, %s mode)", tg.base_url, tg.mode)
    return app


def _add_follows(app: NewsBotApplication, settings: Settings, follows: Follows) -> None:
    """/follow and its kin, and the limits that pace the alerts."""
    app.bot_data[ctx.FOLLOWS] = follows
    app.bot_data[ctx.ALERT_LIMITER] = RateLimiter(settings.follow.alerts_per_hour, HOUR_S)
    # one alert per 1/rate seconds: an even pace, with no burst at the start
    app.bot_data[ctx.ALERT_PACE] = AsyncLimiter(1, 1.0 / settings.follow.alerts_per_second)
    register_follow_handlers(app)  # (before the catch-all for unknown commands)


def run_application(
    app: NewsBotApplication,
    settings: Settings,
    *,
    stop_signals: Sequence[int] | None = DEFAULT_STOP_SIGNALS,
) -> None:
    """Run ``app`` until a stop signal (or ``app.stop_running()``): polling or webhook.

    Blocks, and manages its own event loop. Raises ``ConfigError`` when the webhook URL is
    missing in webhook mode or the Bot API rejects the token.
    """
    tg = settings.telegram
    try:
        if tg.mode == "webhook":
            if not tg.webhook_url:
                raise ConfigError(
                    "webhook mode without a webhook URL",
                    user_message="Webhook mode needs NEWSBOT_TELEGRAM__WEBHOOK_URL.",
                )
            secret = tg.webhook_secret.get_secret_value() if tg.webhook_secret else None
            if secret:
                redact_in_logs(secret)
            app.run_webhook(
                listen=tg.webhook_listen,
                port=tg.webhook_port,
                url_path=urlsplit(tg.webhook_url).path.lstrip("/"),
                webhook_url=tg.webhook_url,
                secret_token=secret,
                allowed_updates=ALLOWED_UPDATES,
                stop_signals=stop_signals,
            )
        else:
            app.run_polling(
                timeout=POLL_TIMEOUT_S,
                allowed_updates=ALLOWED_UPDATES,
                stop_signals=stop_signals,
            )
    except InvalidToken:
        raise ConfigError(
            "the Bot API rejected the token",
            user_message="The Bot API rejected the bot token: check NEWSBOT_TELEGRAM__TOKEN "
            "and NEWSBOT_TELEGRAM__BASE_URL.",
        ) from None
