"""Message filters: when a group message is addressed to the bot, and what is not text."""

from __future__ import annotations

import re

from telegram import Message, MessageEntity
from telegram.ext import filters


class _AddressedToBot(filters.MessageFilter):
    """Messages that reply to one of the bot's messages or mention the bot by @username."""

    __slots__ = ()

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        reply = message.reply_to_message
        if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
            return True
        handle = f"@{bot.username}".lower()
        mentions = [
            *message.parse_entities([MessageEntity.MENTION]).values(),
            *message.parse_caption_entities([MessageEntity.MENTION]).values(),
        ]
        return any(mention.lower() == handle for mention in mentions)


ADDRESSED_TO_BOT = _AddressedToBot(name="AddressedToBot")

NOT_TEXT = (
    filters.PHOTO
    | filters.Sticker.ALL
    | filters.VOICE
    | filters.AUDIO
    | filters.VIDEO
    | filters.VIDEO_NOTE
    | filters.ANIMATION
    | filters.Document.ALL
    | filters.LOCATION
    | filters.VENUE
    | filters.CONTACT
    | filters.POLL
    | filters.Dice.ALL
)


def strip_mention(text: str, username: str) -> str:
    """``text`` without ``@username`` (any case), trimmed."""
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


def command_argument(text: str) -> str:
    """What follows the command (``/ask@bot question`` -> ``question``), keeping line breaks."""
    parts = text.split(maxsplit=1)
    return parts[1].strip() if len(parts) > 1 else ""
