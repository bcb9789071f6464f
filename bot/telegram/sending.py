"""Sending replies: the "typing…" action while an answer computes, and messages sent in order.

A send that fails with a transient Bot API error (a 5xx or a dropped connection, not a timeout,
after which the message may have arrived) is retried once; anything else goes to the global
error handler.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import TypeVar

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ChatAction
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Telegram shows a chat action for about 5 seconds; refresh it a little earlier.
TYPING_REFRESH_S = 4.0
#: Pause before the single retry of a transient failure.
RETRY_DELAY_S = 0.3


def _transient(exc: TelegramError) -> bool:
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest | TimedOut)


async def with_retry(call: Callable[[], Awaitable[T]], what: str) -> T:
    """Await ``call()``; on a transient Bot API error, log it and try once more."""
    try:
        return await call()
    except TelegramError as exc:
        if not _transient(exc):
            raise
        logger.warning("Bot API call %s failed (%s); retrying once", what, exc, exc_info=exc)
    await asyncio.sleep(RETRY_DELAY_S)
    return await call()


async def _send_typing(message: Message) -> None:
    try:
        await message.reply_chat_action(ChatAction.TYPING)
    except TelegramError as exc:
        logger.warning("Could not send the typing action: %s", exc.__class__.__name__)


@contextlib.asynccontextmanager
async def typing(message: Message) -> AsyncIterator[None]:
    """Show "typing…" in ``message``'s chat until the block ends."""
    await _send_typing(message)

    async def refresh() -> None:
        while True:
            await asyncio.sleep(TYPING_REFRESH_S)
            await _send_typing(message)

    task = asyncio.create_task(refresh())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def send_messages(
    message: Message,
    texts: Sequence[str],
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    quote: bool = False,
) -> list[Message]:
    """Send ``texts`` in order to ``message``'s chat (and topic); the keyboard on the last one.

    With ``quote``, the first one replies to ``message``.
    """
    sent: list[Message] = []
    for number, text in enumerate(texts):
        markup = keyboard if number == len(texts) - 1 else None
        send = functools.partial(
            message.reply_html, text, reply_markup=markup, do_quote=quote and number == 0
        )
        sent.append(await with_retry(send, "sendMessage"))
    return sent
