"""Sending replies: the "typing…" action while an answer computes, and messages sent in order.

The "typing…" action never delays an answer: it is sent in the background, and refreshed only
in private chats.

A send that fails with a transient Bot API error (a 5xx or a dropped connection, not a timeout,
after which the message may have arrived) is retried once; anything else goes to the global
error handler.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ChatAction, ChatType
from telegram.error import BadRequest, NetworkError, TelegramError, TimedOut

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: Telegram shows a chat action for about 5 seconds; refresh it a little earlier.
TYPING_REFRESH_S = 4.0
#: An answer ready within this many seconds gets no "typing…" action at all.
TYPING_DELAY_S = 0.25
#: Pause before the single retry of a transient failure.
RETRY_DELAY_S = 0.3

#: Fire-and-forget tasks still running (asyncio keeps only weak references to tasks).
_background: set[asyncio.Task[None]] = set()


def is_transient(exc: TelegramError) -> bool:
    """A failure worth one more try: a 5xx or a dropped connection; not a timeout (the
    message may have arrived) and not a refusal."""
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest | TimedOut)


async def with_retry(call: Callable[[], Awaitable[T]], what: str) -> T:
    """Await ``call()``; on a transient Bot API error, log it and try once more."""
    try:
        return await call()
    except TelegramError as exc:
        if not is_transient(exc):
            raise
        logger.warning("Bot API call %s failed (%s); retrying once", what, exc, exc_info=exc)
    await asyncio.sleep(RETRY_DELAY_S)
    return await call()


async def _send_typing(message: Message) -> None:
    """Send "typing…" to ``message``'s chat; a failure is logged at DEBUG, never raised."""
    try:
        await message.reply_chat_action(ChatAction.TYPING)
    except Exception as exc:  # the action is cosmetic: nothing about it may fail an answer
        logger.debug("Could not send the typing action: %s", exc.__class__.__name__)


def _forget(task: asyncio.Task[None]) -> None:
    _background.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.debug("Background task %s failed", task.get_name(), exc_info=task.exception())


def fire_and_forget(coroutine: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
    """Run ``coroutine`` in the background without awaiting it; its failure is only logged."""
    task = asyncio.create_task(coroutine, name=name)
    _background.add(task)
    task.add_done_callback(_forget)
    return task


@contextlib.asynccontextmanager
async def typing(message: Message) -> AsyncIterator[None]:
    """Show "typing…" in ``message``'s chat while the block runs, without ever delaying it.

    Nothing is sent when the block ends within ``TYPING_DELAY_S``: a quick answer needs no
    "typing…", and under load the actions would take half of the Bot API's budget of requests.
    The actions go out in the background, so a slow Bot API never holds the answer. Only
    private chats get it refreshed: in groups ``AIORateLimiter`` counts every action against
    the group's budget of 20 requests a minute.
    """
    private = message.chat.type == ChatType.PRIVATE

    async def show() -> None:
        await asyncio.sleep(TYPING_DELAY_S)
        while True:
            fire_and_forget(_send_typing(message), "newsbot-typing")
            if not private:
                return
            await asyncio.sleep(TYPING_REFRESH_S)

    task = asyncio.create_task(show())
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
