"""/follow TOPIC, /following and /unfollow TOPIC-or-ID: a chat's topic subscriptions.

Registered when the bot is built with ``Follows``; the subscriptions are read and written in
SQLite off the event loop. The alerts themselves are sent by ``bot.telegram.alerts``.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.follows import Followed
from bot.telegram.context import CustomContext, NewsBotApplication
from bot.telegram.languages import chat_lang
from bot.telegram.render.follow import follow_text, following_html

logger = logging.getLogger(__name__)


#: Characters of an unknown topic repeated back to the user.
SHOWN_CHARS = 64


def _shown(ref: str) -> str:
    return ref if len(ref) <= SHOWN_CHARS else ref[: SHOWN_CHARS - 1].rstrip() + "…"


def _topic(update: Update) -> str:
    """The text after the command, spacing tidied (``context.args`` would lose nothing more)."""
    text = update.effective_message.text if update.effective_message else None
    parts = (text or "").split(maxsplit=1)
    return " ".join(parts[1].split()) if len(parts) > 1 else ""


async def follow(update: Update, context: CustomContext) -> None:
    """/follow TOPIC: alerts when new articles match the topic."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    lang, topic = chat_lang(context, update), _topic(update)
    limits = context.settings.follow
    if not topic:
        await message.reply_html(follow_text("usage", lang))
        return
    if len(topic) > limits.max_topic_chars:
        logger.info("Refused a %d-character topic from chat %s", len(topic), chat.id)
        await message.reply_html(follow_text("too_long", lang, limit=limits.max_topic_chars))
        return
    outcome, followed = await asyncio.to_thread(
        context.follows.store.follow, chat.id, user.id, topic, lang, max_topics=limits.max_topics
    )
    logger.info("Chat %s follow: %s", chat.id, outcome.value)
    if outcome is Followed.FULL:
        await message.reply_html(follow_text("full", lang, limit=limits.max_topics))
        return
    key = "added" if outcome is Followed.ADDED else "already"
    await message.reply_html(follow_text(key, lang, topic=followed.topic, id=followed.id))


async def following(update: Update, context: CustomContext) -> None:
    """/following: the chat's topics with their numbers."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    follows = await asyncio.to_thread(context.follows.store.topics, chat.id)
    await message.reply_html(following_html(follows, chat_lang(context, update)))


async def unfollow(update: Update, context: CustomContext) -> None:
    """/unfollow TOPIC-or-ID; without one, the topics and how to stop one."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    lang, ref = chat_lang(context, update), _topic(update)
    store = context.follows.store
    if not ref:
        follows = await asyncio.to_thread(store.topics, chat.id)
        intro = follow_text("unfollow_usage", lang) if follows else ""
        await message.reply_html(following_html(follows, lang, intro=intro))
        return
    removed = await asyncio.to_thread(store.unfollow, chat.id, ref.removeprefix("#"))
    if removed is None:
        await message.reply_html(follow_text("unknown", lang, topic=_shown(ref)))
        return
    logger.info("Chat %s unfollowed topic #%d", chat.id, removed.id)
    await message.reply_html(follow_text("removed", lang, topic=removed.topic))


def register_follow_handlers(app: NewsBotApplication) -> None:
    """Add /follow, /following and /unfollow (before the catch-all for unknown commands)."""
    new = filters.UpdateType.MESSAGE
    app.add_handlers(
        [
            CommandHandler("follow", follow, filters=new),
            CommandHandler("following", following, filters=new),
            CommandHandler("unfollow", unfollow, filters=new),
        ]
    )
