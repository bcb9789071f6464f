"""The /settings message and its buttons: the chat's interface language and answer length.

Callback data is ``c:l:<language>`` or ``c:n:<length>``; ``SETTINGS_PATTERN`` routes both.
"""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.chat_prefs import LANG_CHOICES, LENGTHS, ChatPrefs
from bot.telegram.keyboards import callback_data
from bot.telegram.render.html import tr
from prompts.i18n import t

SETTINGS = "c"
LANG = "l"
LENGTH = "n"
SETTINGS_PATTERN = (
    rf"^{SETTINGS}:(?:{LANG}:(?:{'|'.join(LANG_CHOICES)})|{LENGTH}:(?:{'|'.join(LENGTHS)}))$"
)
#: Each language by its own name, as language pickers show them.
LANGUAGE_NAMES = {"en": "English", "uk": "Українська", "ru": "Русский"}
CHOSEN = "✓ "


def language_name(choice: str, lang: str) -> str:
    """A language choice as the picker shows it ("auto" in the interface language)."""
    return t("telegram.settings_auto", lang) if choice == "auto" else LANGUAGE_NAMES[choice]


def settings_html(prefs: ChatPrefs, lang: str) -> str:
    """What the chat has chosen, and how to change it."""
    return tr(
        "telegram.settings",
        lang,
        language=language_name(prefs.lang, lang),
        length=t(f"telegram.settings_{prefs.length}", lang),
    )


def _button(label: str, chosen: bool, data: str) -> InlineKeyboardButton:
    return InlineKeyboardButton(f"{CHOSEN}{label}" if chosen else label, callback_data=data)


def settings_keyboard(prefs: ChatPrefs, lang: str) -> InlineKeyboardMarkup:
    """The languages on one row, the answer lengths on the next; the chosen ones ticked."""
    languages = [
        _button(
            language_name(choice, lang), choice == prefs.lang, callback_data(SETTINGS, LANG, choice)
        )
        for choice in LANG_CHOICES
    ]
    lengths = [
        _button(
            t(f"telegram.settings_{length}", lang),
            length == prefs.length,
            callback_data(SETTINGS, LENGTH, length),
        )
        for length in LENGTHS
    ]
    return InlineKeyboardMarkup([languages, lengths])
