"""Question handlers: private text, /ask, group mentions and replies, captions, non-text.

A question is read in context: in a private chat, a follow-up ("and how many were launched?")
leans on the chat's previous question; anywhere, a reply to one of the bot's answers leans on
the question that answer answered, and stays with its event (see ``followup``).
"""

from __future__ import annotations

import math
import time
from collections.abc import MutableMapping

from telegram import Message, Update, User

from answering.followup import Turn, follow_up
from answering.small_talk import small_talk_kind
from bot.telegram import answer_flow, sending
from bot.telegram.context import CustomContext
from bot.telegram.filters import command_argument, strip_mention
from bot.telegram.languages import chat_lang, chat_prefs
from bot.telegram.render.html import tr

_TURN = "previous_question"  # chat_data key: the last Turn, for follow-ups
_ANSWERED = "answered_messages"  # chat_data key: {bot message id: the Turn it answered}
#: Answers per chat whose question a reply can lean on (the newest are kept), and for how
#: long (as long as their buttons work).
REPLY_CONTEXTS = 50
REPLY_CONTEXT_TTL_S = 24 * 3600.0
clock = time.monotonic  # the follow-up clock (tests move it)

ChatData = MutableMapping[object, object]


def forget_stale_turns(chats: dict[int, dict[object, object]], *, now: float, ttl_s: float) -> int:
    """Drop previous questions older than ``ttl_s``, and the questions behind answers older
    than ``REPLY_CONTEXT_TTL_S``, from every chat (bounded memory)."""
    dropped = 0
    for data in chats.values():
        turn = data.get(_TURN)
        if isinstance(turn, Turn) and now - turn.at > ttl_s:
            del data[_TURN]
            dropped += 1
        answered = data.get(_ANSWERED)
        if isinstance(answered, dict):
            old = [key for key, t in answered.items() if now - t.at > REPLY_CONTEXT_TTL_S]
            for key in old:
                del answered[key]
            if not answered:
                del data[_ANSWERED]
    return dropped


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
    if context.chat_data is not None:
        _remember(context.chat_data, sent, turn)
    return turn


def _remember(chat_data: ChatData, sent: list[Message], turn: Turn) -> None:
    answered = chat_data.get(_ANSWERED)
    if not isinstance(answered, dict):
        answered = chat_data[_ANSWERED] = {}
    for message in sent:
        answered[message.message_id] = turn
    while len(answered) > REPLY_CONTEXTS:
        del answered[next(iter(answered))]


def _replied_turn(message: Message, chat_data: ChatData) -> Turn | None:
    """The question behind the bot's answer that ``message`` replies to, if known."""
    reply = message.reply_to_message
    answered = chat_data.get(_ANSWERED)
    if reply is None or not isinstance(answered, dict):
        return None
    turn = answered.get(reply.message_id)
    return turn if isinstance(turn, Turn) else None


def _in_context(context: CustomContext, message: Message, text: str, *, chat: bool) -> str:
    """``text`` resolved against the answer it replies to or, with ``chat``, against the chat's
    previous question."""
    chat_data = context.chat_data if context.chat_data is not None else {}
    if small_talk_kind(text) is not None:  # "and thanks!" is no follow-up
        return text
    replied = _replied_turn(message, chat_data)
    if replied is not None:
        return follow_up(replied, text, now=clock(), ttl_s=math.inf, replied=True)
    previous = chat_data.get(_TURN) if chat else None
    if not isinstance(previous, Turn):
        return text
    ttl_s = context.settings.telegram.followup_ttl_s
    return follow_up(previous, text, now=clock(), ttl_s=ttl_s)


async def _answer_in_context(
    update: Update, context: CustomContext, message: Message, text: str, *, group: bool
) -> None:
    question = _in_context(context, message, text, chat=not group)
    # A private chat's previous question is this one from now on (a follow-up sent before
    # the answer comes leans on it), and gets its answer's date once answered; "thanks!"
    # keeps the previous one.
    chat_data = context.chat_data if not group and small_talk_kind(text) is None else None
    asked = Turn(question, clock())
    if chat_data is not None:
        chat_data[_TURN] = asked
    turn = await answer_in_chat(context, message, update.effective_user, question, quote=group)
    if chat_data is not None and turn is not None and chat_data.get(_TURN) is asked:
        chat_data[_TURN] = turn


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
