"""The global error handler: log the error, then tell the user something safe, where they look.

What the user is told comes from ``bot.errors_text.user_message`` (never ``str(error)`` or a
traceback). Where depends on the update: a tapped button gets its callback query answered with
an alert (so its spinner stops), with a message in the chat as the fallback when the query was
already answered; an inline query gets an empty result list with the text on its button; a
message gets a reply.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, InlineQuery, Message, Update
from telegram.error import BadRequest, Forbidden, RetryAfter, TelegramError

from bot.errors_text import user_message
from bot.telegram.context import CustomContext
from bot.telegram.handlers.inline import results_button
from bot.telegram.languages import chat_lang
from bot.telegram.render.html import esc
from bot.telegram.sending import is_transient
from index.errors import ArticleError, FeedError, FetchError, InputError, StoreUnavailableError

logger = logging.getLogger(__name__)

#: Longest callback query alert Telegram shows (longer ones are refused).
ALERT_CHARS = 200
#: Pauses before the retries of an apology the Bot API failed to take (a 5xx burst, a
#: dropped connection, a flood that outlasted the rate limiter's own retries; not a timeout,
#: after which it may have arrived): the user hears something rather than nothing.
APOLOGY_RETRY_S = (0.5, 1.0, 2.0, 4.0)
#: Errors in what a user gave rather than in the bot.
USER_ERRORS = (InputError, ArticleError, FetchError, FeedError)


def _describe(update: object) -> str:
    if isinstance(update, Update):
        for kind in ("message", "edited_message", "callback_query", "inline_query"):
            if getattr(update, kind) is not None:
                return f"update {update.update_id} ({kind})"
        return f"update {update.update_id}"
    return "no update" if update is None else type(update).__name__


def log_error(update: object, error: BaseException | None) -> None:
    """A fault of ours with its traceback at ERROR; a refused input (a bad URL, feed or
    article, an unusable question) in one line at INFO: it is the user's to fix; the store's
    database out of reach in one line at WARNING (the store logs the outage itself)."""
    if isinstance(error, USER_ERRORS):
        logger.info("Refused %s: %s (%s)", _describe(update), type(error).__name__, error)
    elif isinstance(error, StoreUnavailableError):  # an outage: a line each, not a traceback
        logger.warning("Could not handle %s: %s", _describe(update), error)
    else:
        logger.error("Error while handling %s", _describe(update), exc_info=error)


def _alert(text: str) -> str:
    return text if len(text) <= ALERT_CHARS else text[: ALERT_CHARS - 1].rstrip() + "…"


async def _tell_callback(query: CallbackQuery, text: str) -> None:
    """An alert on the tapped button; a message in its chat if the query was already answered."""
    try:
        await query.answer(_alert(text), show_alert=True)
    except BadRequest as exc:
        if not isinstance(query.message, Message):
            raise
        logger.debug("Callback query not answerable (%s); posting instead", exc.message)
        await query.message.reply_html(esc(text), do_quote=False)


async def _tell_inline(query: InlineQuery, text: str) -> None:
    """No results, and the error on the button above them."""
    await query.answer([], button=results_button(text), cache_time=0, is_personal=True)


async def error_handler(update: object, context: CustomContext) -> None:
    """Log the error, then tell the user something safe."""
    log_error(update, context.error)
    if not isinstance(update, Update) or isinstance(context.error, Forbidden):
        return
    lang = chat_lang(context, update)
    text = user_message(context.error or RuntimeError(), lang)
    for attempt, pause in enumerate((*APOLOGY_RETRY_S, None), start=1):
        try:
            await _tell(update, text)
            return
        except TelegramError as exc:
            flood = isinstance(exc, RetryAfter)
            again = flood or (is_transient(exc) and update.inline_query is None)
            stopping = not context.application.running
            if not again or stopping or pause is None:
                logger.warning(
                    "Could not tell the user about the error (attempt %d): %s",
                    attempt,
                    exc.__class__.__name__,
                )
                return
            logger.info("Telling the user about the error failed (%s); retrying", exc)
        await asyncio.sleep(pause)


async def _tell(update: Update, text: str) -> None:
    if update.callback_query is not None:
        await _tell_callback(update.callback_query, text)
    elif update.inline_query is not None:
        await _tell_inline(update.inline_query, text)
    elif update.effective_message is not None:
        await update.effective_message.reply_html(esc(text), do_quote=False)
