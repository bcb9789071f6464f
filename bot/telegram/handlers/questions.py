"""Question handlers: private text, /ask, group mentions and replies, captions, non-text.

A question is read in context: in a private chat, a follow-up ("and how many were launched?")
leans on the chat's previous question; anywhere, a reply to one of the bot's answers leans on
the question that answer answered, and stays with its event (see ``followup``).
"""

from __future__ import annotations

import math
import time

from telegram import Message, Update, User

from answering.followup import Turn, follow_up
from answering.small_talk import small_talk_kind
from bot.telegram import answer_flow, sending
from bot.telegram.context import CustomContext
from bot.telegram.filters import command_argument, strip_mention
from bot.telegram.languages import chat_lang, chat_prefs
from bot.telegram.render.html import tr

clock = time.time  # the follow-up clock: wall time, which the workers share (tests move it)


async def answer_in_chat(
    context: CustomContext, message: Message, user: User | None, question: str, *, quote: bool
) -> Turn | None:
    """Answer ``question`` in ``message``'s chat, showing "typing…" while it computes; the
    question and its answer's event are remembered under the answer's messages, for replies,
    and returned (None when the question was refused)."""
    asked_at = clock()
    outcome = await answer_flow.ask(
        context,
        user.id if user else None,
        question,
        user.language_code if user else None,
        busy=lambda: sending.typing(message),
        prefs=chat_prefs(context, message.chat_id),
    )
    if isinstance(outcome, answer_flow.Refused):
        await sending.send_messages(message, [outcome.html()], quote=quote)
        return None
    sent = await sending.send_messages(message, outcome.messages(), outcome.keyboard(), quote=quote)
    turn = Turn(question, asked_at, outcome.event_date())
    await context.follow_ups.remember(message.chat_id, [m.message_id for m in sent], turn)
    return turn


async def _in_context(context: CustomContext, message: Message, text: str, *, chat: bool) -> str:
    """``text`` resolved against the answer it replies to or, with ``chat``, against the chat's
    previous question."""
    if small_talk_kind(text) is not None:  # "and thanks!" is no follow-up
        return text
    follow_ups = context.follow_ups
    reply = message.reply_to_message
    replied = await follow_ups.replied(message.chat_id, reply.message_id) if reply else None
    if replied is not None:
        return follow_up(replied, text, now=clock(), ttl_s=math.inf, replied=True)
    previous = await follow_ups.previous(message.chat_id) if chat else None
    if previous is None:
        return text
    ttl_s = context.settings.telegram.followup_ttl_s
    return follow_up(previous, text, now=clock(), ttl_s=ttl_s)


async def _answer_in_context(
    update: Update, context: CustomContext, message: Message, text: str, *, group: bool
) -> None:
    question = await _in_context(context, message, text, chat=not group)
    # A private chat's previous question is this one from now on (a follow-up sent before
    # the answer comes leans on it), and gets its answer's date once answered; "thanks!"
    # keeps the previous one.
    keep = not group and small_talk_kind(text) is None
    asked = Turn(question, clock())
    if keep:
        await context.follow_ups.set_previous(message.chat_id, asked)
    turn = await answer_in_chat(context, message, update.effective_user, question, quote=group)
    if keep and turn is not None:
        await context.follow_ups.settle(message.chat_id, asked, turn)


def _is_group(message: Message) -> bool:
    return message.chat.type != message.chat.PRIVATE


async def private_question(update: Update, context: CustomContext) -> None:
    """Answer any text in a private chat as a question, in the chat's context."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    await _answer_in_context(update, context, message, message.text, group=False)


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
    """Answer a group message that mentions the bot or replies to it (a reply to an answer
    is read with that answer's question as context)."""
    message = update.effective_message
    if message is None or message.text is None:
        return
    text = strip_mention(message.text, context.bot.username)
    await _answer_in_context(update, context, message, text, group=True)


async def caption_question(update: Update, context: CustomContext) -> None:
    """Answer the question in a photo's (or a document's) caption, as if it were text."""
    message = update.effective_message
    if message is None or message.caption is None:
        return
    group = _is_group(message)
    text = strip_mention(message.caption, context.bot.username) if group else message.caption
    await _answer_in_context(update, context, message, text, group=group)


async def not_text(update: Update, context: CustomContext) -> None:
    """Tell the user that only text questions are answered."""
    message = update.effective_message
    if message is None:
        return
    lang = chat_lang(context, update)
    await message.reply_html(tr("telegram.text_only", lang), do_quote=_is_group(message))
