"""Question handlers: private text, /ask, mentions and replies in groups, and non-text notes."""

from __future__ import annotations

import time

from telegram import Message, Update, User

from bot.answering.followup import Turn, follow_up
from bot.answering.small_talk import small_talk_kind
from bot.i18n import normalize_lang
from bot.telegram import asking, render, sending
from bot.telegram.context import CustomContext
from bot.telegram.filters import command_argument, strip_mention

_TURN = "previous_question"  # chat_data key: the last Turn, for follow-ups
clock = time.monotonic  # the follow-up clock (tests move it)


def forget_stale_turns(chats: dict[int, dict[object, object]], *, now: float, ttl_s: float) -> int:
    """Drop previous questions older than ``ttl_s`` from every chat (bounded memory)."""
    dropped = 0
    for data in chats.values():
        turn = data.get(_TURN)
        if isinstance(turn, Turn) and now - turn.at > ttl_s:
            del data[_TURN]
            dropped += 1
    return dropped


async def answer_in_chat(
    context: CustomContext, message: Message, user: User | None, question: str, *, quote: bool
) -> None:
    """Answer ``question`` in ``message``'s chat, showing "typing…" while it computes."""
    outcome = await asking.ask(
        context,
        user.id if user else None,
        question,
        user.language_code if user else None,
        busy=lambda: sending.typing(message),
    )
    if isinstance(outcome, asking.Refused):
        await sending.send_messages(message, [outcome.html()], quote=quote)
    else:
        await sending.send_messages(message, outcome.messages(), outcome.keyboard(), quote=quote)


def _is_group(message: Message) -> bool:
    return message.chat.type != message.chat.PRIVATE


async def private_question(update: Update, context: CustomContext) -> None:
    """Answer any text in a private chat as a question; a follow-up ("and how many were
    launched?") is read in the context of the chat's previous question."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    chat_data = context.chat_data if context.chat_data is not None else {}
    question = message.text
    if small_talk_kind(question) is None:  # "and thanks!" is no follow-up, and keeps the turn
        now = clock()
        ttl_s = context.settings.telegram.followup_ttl_s
        question = follow_up(chat_data.get(_TURN), question, now=now, ttl_s=ttl_s)
        chat_data[_TURN] = Turn(question, now)
    await answer_in_chat(context, message, update.effective_user, question, quote=False)


async def ask_command(update: Update, context: CustomContext) -> None:
    """Answer the question after /ask."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    question = command_argument(message.text)
    await answer_in_chat(
        context, message, update.effective_user, question, quote=_is_group(message)
    )


async def group_question(update: Update, context: CustomContext) -> None:
    """Answer a group message that mentions the bot or replies to it."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    question = strip_mention(message.text, context.bot.username)
    await answer_in_chat(context, message, update.effective_user, question, quote=True)


async def not_text(update: Update, context: CustomContext) -> None:
    """Tell the user that only text questions are answered."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    lang = normalize_lang(user.language_code if user else None)
    await message.reply_html(render.tr("telegram.text_only", lang), do_quote=_is_group(message))
