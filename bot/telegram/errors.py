"""The global error handler, and what a user is told about an error.

Users never see a traceback or ``str(error)``: only the localized ``error.<code>`` template of a
``NewsBotError``, or ``error.internal`` for anything else.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.error import Forbidden, TelegramError

from bot.i18n import keys, normalize_lang, t
from bot.telegram.context import CustomContext
from bot.telegram.render import tr
from index.errors import NewsBotError

logger = logging.getLogger(__name__)

INTERNAL = "error.internal"


def user_error(error: BaseException | None) -> tuple[str, dict[str, Any]]:
    """The UI key and parameters that tell a user about ``error``."""
    if isinstance(error, NewsBotError):
        key = f"error.{error.code}"
        if key in keys("en"):
            try:
                t(key, "en", **error.params)
            except (KeyError, IndexError, ValueError):
                logger.warning("UI string %s does not fit the parameters of %r", key, error)
            else:
                return key, dict(error.params)
    return INTERNAL, {}


def _describe(update: object) -> str:
    if isinstance(update, Update):
        for kind in ("message", "edited_message", "callback_query", "inline_query"):
            if getattr(update, kind) is not None:
                return f"update {update.update_id} ({kind})"
        return f"update {update.update_id}"
    return "no update" if update is None else type(update).__name__


async def error_handler(update: object, context: CustomContext) -> None:
    """Log the error with its traceback, then tell the user something safe."""
    logger.error("Error while handling %s", _describe(update), exc_info=context.error)
    if not isinstance(update, Update) or isinstance(context.error, Forbidden):
        return
    user = update.effective_user
    lang = normalize_lang(user.language_code if user else None)
    key, params = user_error(context.error)
    try:
        if update.effective_message is not None:
            await update.effective_message.reply_html(tr(key, lang, **params), do_quote=False)
        elif update.callback_query is not None:
            await update.callback_query.answer(t(key, lang, **params), show_alert=True)
    except TelegramError as exc:
        logger.warning("Could not tell the user about the error: %s", exc.__class__.__name__)
