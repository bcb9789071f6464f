"""Command handlers: /start, /help, /about, /sources and unknown commands."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.telegram import keyboards
from bot.telegram.context import CustomContext
from bot.telegram.languages import chat_lang
from bot.telegram.render import answers
from bot.telegram.render.html import tr


async def start(update: Update, context: CustomContext) -> None:
    """Greet the user in their language, say how to ask here (in a group plain messages are
    not read), and offer example questions as buttons."""
    message, user = update.effective_message, update.effective_user
    if message is None:
        return
    lang = chat_lang(context, update)
    name = user.first_name if user else ""
    if message.chat.type == message.chat.PRIVATE:
        text = tr("telegram.greeting", lang, name=name)
    else:
        text = tr("telegram.greeting_group", lang, name=name, bot=f"@{context.bot.username}")
    await message.reply_html(text, reply_markup=keyboards.examples_keyboard(lang))


async def help_command(update: Update, context: CustomContext) -> None:
    """Explain how to ask, in private chats, groups and inline mode."""
    if update.effective_message is None:
        return
    text = tr("telegram.help", chat_lang(context, update), bot=f"@{context.bot.username}")
    await update.effective_message.reply_html(text)


async def about(update: Update, context: CustomContext) -> None:
    """Say what the bot can and cannot do."""
    if update.effective_message is None:
        return
    await update.effective_message.reply_html(tr("telegram.about", chat_lang(context, update)))


async def sources(update: Update, context: CustomContext) -> None:
    """List the indexed articles, newest first, on pages with ◀ ▶ buttons."""
    if update.effective_message is None:
        return
    lang = chat_lang(context, update)
    articles = await asyncio.to_thread(context.catalog.articles)
    page = answers.sources_page(articles, 0, lang)
    await update.effective_message.reply_html(
        page.text, reply_markup=keyboards.sources_keyboard(page.page, page.pages, lang)
    )


async def unknown_command(update: Update, context: CustomContext) -> None:
    """Point to /help after a command the bot does not know."""
    if update.effective_message is None:
        return
    await update.effective_message.reply_html(
        tr("telegram.unknown_command", chat_lang(context, update))
    )
