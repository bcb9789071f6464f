"""/settings: a chat's interface language and answer length, changed with buttons.

In a private chat the user decides; in a group, its administrators (and the bot's operators)
do, as in most group bots: one member should not switch the group's language for everyone.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, Update
from telegram.constants import ChatMemberStatus, ChatType
from telegram.error import BadRequest

from bot.chat_prefs import ChatPrefs
from bot.telegram import keyboards
from bot.telegram.context import CustomContext
from bot.telegram.languages import chat_lang
from bot.telegram.render import settings as render_settings
from bot.telegram.render.html import tr
from prompts.i18n import t

logger = logging.getLogger(__name__)

_GROUP_ADMINS = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def settings_command(update: Update, context: CustomContext) -> None:
    """Show the chat's settings with buttons to change them."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    lang = chat_lang(context, update)
    store = context.chat_prefs
    if store is None:
        await message.reply_html(tr("telegram.settings_off", lang))
        return
    prefs = store.get(chat.id)
    await message.reply_html(
        render_settings.settings_html(prefs, lang),
        reply_markup=render_settings.settings_keyboard(prefs, lang),
    )


async def _may_change(query: CallbackQuery, context: CustomContext) -> bool:
    chat = query.message.chat if query.message is not None else None
    if chat is None or chat.type == ChatType.PRIVATE:
        return chat is not None
    if query.from_user.id in context.settings.telegram.admins:
        return True
    member = await context.bot.get_chat_member(chat.id, query.from_user.id)
    return member.status in _GROUP_ADMINS


async def settings_choice(update: Update, context: CustomContext) -> None:
    """Apply the tapped choice, then show the settings again (in the language now chosen)."""
    query, store = update.callback_query, context.chat_prefs
    if query is None or query.message is None or store is None:
        if query is not None:
            await query.answer(t("telegram.expired", chat_lang(context, update)), show_alert=True)
        return
    if not await _may_change(query, context):
        await query.answer(
            t("telegram.settings_admins", chat_lang(context, update)), show_alert=True
        )
        return
    _, kind, value = (query.data or "").split(":")
    choice = {"lang": value} if kind == render_settings.LANG else {"length": value}
    prefs: ChatPrefs = await asyncio.to_thread(store.choose, query.message.chat.id, **choice)
    lang = chat_lang(context, update)
    await query.answer(t("telegram.settings_saved", lang))
    try:
        await query.edit_message_text(
            render_settings.settings_html(prefs, lang),
            reply_markup=render_settings.settings_keyboard(prefs, lang),
        )
    except BadRequest as exc:  # the same choice again
        if "not modified" not in exc.message.lower():
            raise
        logger.debug("Settings unchanged by %s", keyboards.callback_args(query.data))
