"""The command menus: everyone's, per language, and each operator's own with the admin commands.

Telegram refuses a chat's own menu until that chat has written to the bot. So an operator's
menu is set at start where Telegram allows it, and otherwise the first time that operator
uses an admin command.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from telegram import BotCommand, BotCommandScopeChat
from telegram.error import BadRequest
from telegram.ext import Application

from bot.config.settings import Settings
from bot.telegram import context as ctx
from prompts.i18n import DEFAULT_LANG, LANGUAGES, t

logger = logging.getLogger(__name__)

#: Commands in the order the command menu lists them.
COMMANDS = (
    "start",
    "help",
    "ask",
    "latest",
    "article",
    "follow",
    "following",
    "unfollow",
    "sources",
    "settings",
    "about",
)
#: The operators' commands, added to the menu in each admin's own chat.
ADMIN_COMMANDS = ("add", "remove", "feeds", "stats")

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


def bot_commands(lang: str, names: Sequence[str] = COMMANDS) -> list[BotCommand]:
    """The command menu in ``lang``."""
    return [BotCommand(name, t(f"telegram_commands.{name}", lang)) for name in names]


def menu_commands(app: AnyApplication) -> tuple[str, ...]:
    """The commands this bot offers: /settings and /follow only where their stores are."""
    missing = set()
    if ctx.CHAT_PREFS not in app.bot_data:
        missing.add("settings")
    if ctx.FOLLOWS not in app.bot_data:
        missing.update(("follow", "following", "unfollow"))
    return tuple(name for name in COMMANDS if name not in missing)


async def set_command_menus(app: AnyApplication) -> None:
    """Everyone's menu per language, then each operator's own (when admin commands are on)."""
    names = menu_commands(app)
    for lang in LANGUAGES:
        code = None if lang == DEFAULT_LANG else lang
        await app.bot.set_my_commands(bot_commands(lang, names), language_code=code)
    settings: Settings = app.bot_data[ctx.SETTINGS]
    if ctx.LIBRARY in app.bot_data:
        for admin in settings.telegram.admins:
            await set_operator_menu(app, admin)


async def set_operator_menu(app: AnyApplication, admin: int) -> bool:
    """The admin commands in ``admin``'s own menu, once; False when Telegram does not know
    that chat yet (it has not written to the bot)."""
    done: set[int] = app.bot_data.setdefault(ctx.OPERATOR_MENUS, set())
    if admin in done:
        return True
    names = (*menu_commands(app), *ADMIN_COMMANDS)
    try:
        for lang in LANGUAGES:
            await app.bot.set_my_commands(
                bot_commands(lang, names),
                scope=BotCommandScopeChat(admin),
                language_code=None if lang == DEFAULT_LANG else lang,
            )
    except BadRequest as exc:
        logger.info("No operators' menu for admin %s yet (%s)", admin, exc.message)
        return False
    done.add(admin)
    return True
