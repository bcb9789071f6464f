"""The language the bot speaks in a chat, and the chat's choices from /settings.

The chat's choice wins, else the user's Telegram language (and, for a question, the language
it is written in).
"""

from __future__ import annotations

from telegram import Update

from bot.chat_prefs import DEFAULT_PREFS, ChatPrefs
from bot.telegram.context import CustomContext
from prompts.i18n import normalize_lang


def chat_prefs(context: CustomContext, chat_id: int | None) -> ChatPrefs:
    """The choices of chat ``chat_id`` (the defaults without a chat or a store)."""
    store = context.chat_prefs
    if chat_id is None or store is None:
        return DEFAULT_PREFS
    return store.get(chat_id)


def prefs_of(context: CustomContext, update: Update) -> ChatPrefs:
    """The choices of the update's chat."""
    chat = update.effective_chat
    return chat_prefs(context, chat.id if chat else None)


def fixed_lang(context: CustomContext, update: Update) -> str | None:
    """The language chosen for the update's chat, or None to follow each user's."""
    return prefs_of(context, update).fixed_lang


def chat_lang(context: CustomContext, update: Update) -> str:
    """The interface language for this update: the chat's choice, else the user's."""
    user = update.effective_user
    return fixed_lang(context, update) or normalize_lang(user.language_code if user else None)
