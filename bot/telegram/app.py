"""The one place the python-telegram-bot ``Application`` is built, and how it runs.

``build_application`` takes everything from ``Settings``: the token (a ``SecretStr``, kept out
of the logs), the Bot API ``base_url`` (everything before the token), timeouts, concurrency and
the size of the worker pool that runs the answerer off the event loop.
"""

from __future__ import annotations

import logging
import signal
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

from aiolimiter import AsyncLimiter
from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken
from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    BaseRateLimiter,
    ContextTypes,
    Defaults,
)

from answering.types import Answerer
from bot.chat_prefs import ChatChoices
from bot.config.settings import Settings
from bot.feedback import FeedbackStore
from bot.follows import Follows
from bot.library.base import Library
from bot.redact import redact_in_logs
from bot.telegram import context as ctx
from bot.telegram.context import (
    CustomContext,
    NewsBotApplication,
    SourceCatalog,
    TopicSearch,
)
from bot.telegram.delivery import JournalingApplication, JournalingQueue, take_over_orphans
from bot.telegram.handlers.admin import poll_feeds
from bot.telegram.handlers.follow import register_follow_handlers
from bot.telegram.handlers.routes import register_handlers
from bot.telegram.jobs import PURGE_INTERVAL_S, purge_state
from bot.telegram.journal import UpdateJournal
from bot.telegram.lifecycle import post_init, post_shutdown, post_stop
from bot.telegram.send_limit import SharedSendLimiter
from bot.telegram.shared_state import SharedState, build_state
from bot.telegram.state.debounce import Debouncer
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


def _new_application(
    settings: Settings, token: str, journal: UpdateJournal | None, state: SharedState
) -> NewsBotApplication:
    """The bare ``Application``: HTML by default, flood control, timeouts, the journal, and
    the claims that let one worker alone handle each update."""
    tg = settings.telegram
    builder = ApplicationBuilder().application_class(JournalingApplication)
    builder = builder.update_queue(JournalingQueue(journal, state.claims))
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
        .rate_limiter(_send_limiter(settings, state))
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
    chat_prefs: ChatChoices | None = None,
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
    state = build_state(settings)
    app = _new_application(settings, _token(settings), journal, state)
    app.bot_data.update(_services(settings, answerer, catalog, topics, state))
    optional = {ctx.JOURNAL: journal, ctx.FEEDBACK: feedback, ctx.CHAT_PREFS: chat_prefs}
    app.bot_data.update({key: value for key, value in optional.items() if value is not None})
    if follows is not None:
        _add_follows(app, settings, follows)
    register_handlers(app, admin=library is not None)
    if library is not None:
        _add_library(app, library)
    _schedule_jobs(app, settings, feeds=library is not None)
    tg = settings.telegram
    logger.info("Telegram application built (Bot API at %s, %s mode)", tg.base_url, tg.mode)
    return app


def _send_limiter(settings: Settings, state: SharedState) -> BaseRateLimiter[int]:
    """Telegram's flood limits for this worker alone, or (state in Redis) for all together."""
    if state.client is None:
        return AIORateLimiter(max_retries=RATE_LIMIT_RETRIES)
    return SharedSendLimiter(state.client, settings.state.prefix, max_retries=RATE_LIMIT_RETRIES)


def _token(settings: Settings) -> str:
    """The bot token, from now on redacted in the logs; ``ConfigError`` when none is set."""
    token = settings.telegram.token
    if token is None or not token.get_secret_value():
        raise ConfigError(
            "no Telegram token configured",
            user_message="Set the bot token from @BotFather in NEWSBOT_TELEGRAM__TOKEN.",
        )
    redact_in_logs(token.get_secret_value())
    return token.get_secret_value()


def _services(
    settings: Settings,
    answerer: Answerer,
    catalog: SourceCatalog,
    topics: TopicSearch | None,
    state: SharedState,
) -> dict[str, object]:
    """What every bot keeps in ``bot_data``: the answerer, its pool and the kept state."""
    return {
        ctx.SETTINGS: settings,
        ctx.ANSWERER: answerer,
        ctx.CATALOG: catalog,
        **state.bot_data(),
        ctx.DEBOUNCER: Debouncer(),
        ctx.TOPICS: topics,
        ctx.EXECUTOR: ThreadPoolExecutor(
            max_workers=settings.telegram.answer_workers, thread_name_prefix="newsbot-answer"
        ),
    }


def _add_library(app: NewsBotApplication, library: Library) -> None:
    """The operators' side of the index, and the single worker its ingests run in."""
    app.bot_data[ctx.LIBRARY] = library
    app.bot_data[ctx.INGEST_EXECUTOR] = ThreadPoolExecutor(
        max_workers=1, thread_name_prefix="newsbot-ingest"
    )


def _schedule_jobs(app: NewsBotApplication, settings: Settings, *, feeds: bool) -> None:
    """The periodic purge of expired state, the claims' lease (state in Redis), and (with
    ``feeds``) the tick that polls feeds."""
    if app.job_queue is None:
        return
    app.job_queue.run_repeating(purge_state, interval=PURGE_INTERVAL_S, first=PURGE_INTERVAL_S)
    if settings.state.url:  # workers share the claims: renew this one's lease, take over orphans
        renew_s = settings.state.worker_lease_s / 3
        app.job_queue.run_repeating(take_over_orphans, interval=renew_s, first=0, name="claims")
    if feeds:
        tick = min(FEED_TICK_S, settings.feeds.poll_interval_s)
        app.job_queue.run_repeating(poll_feeds, interval=tick, first=tick, name="feeds")


def _add_follows(app: NewsBotApplication, settings: Settings, follows: Follows) -> None:
    """/follow and its kin, and the pace of the alerts (their per-chat limit is shared state)."""
    app.bot_data[ctx.FOLLOWS] = follows
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
