"""Button handlers: "More sources", "Full passage", /sources pages and example questions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.answering.types import Answer
from bot.i18n import normalize_lang, t
from bot.telegram import asking, keyboards, render, sending
from bot.telegram.context import CustomContext
from bot.telegram.handlers_questions import answer_in_chat

logger = logging.getLogger(__name__)

View = Callable[[Answer, str], str]


def _lang(query: CallbackQuery) -> str:
    return normalize_lang(query.from_user.language_code)


async def _edit(query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
        logger.debug("Message not modified by callback %s", query.data)


async def _show_view(update: Update, context: CustomContext, view: View) -> None:
    query = update.callback_query
    if query is None:
        return
    args = keyboards.callback_args(query.data)
    item = asking.stored(context, args[0]) if args else None
    if item is None:
        await query.answer(t("telegram.expired", _lang(query)), show_alert=True)
        return
    await query.answer()
    html = view(item.answer, item.lang)
    if isinstance(query.message, Message):
        await sending.send_messages(query.message, render.split_html(html), quote=True)
    else:
        keyboard = keyboards.answer_keyboard(args[0], item.answer, item.lang)
        await _edit(query, render.inline_message(item.answer, item.lang, html), keyboard)


async def more_sources(update: Update, context: CustomContext) -> None:
    """Show the next best passages for an answer."""
    await _show_view(update, context, render.more_html)


async def full_passage(update: Update, context: CustomContext) -> None:
    """Show the paragraph around each quote of an answer."""
    await _show_view(update, context, render.full_passage_html)


async def sources_page(update: Update, context: CustomContext) -> None:
    """Turn the /sources list to another page."""
    query = update.callback_query
    if query is None:
        return
    lang = _lang(query)
    number = int(keyboards.callback_args(query.data)[0])
    articles = await asyncio.to_thread(context.catalog.articles)
    page = render.sources_page(articles, number, lang)
    await query.answer()
    await _edit(query, page.text, keyboards.sources_keyboard(page.page, page.pages, lang))


async def example_question(update: Update, context: CustomContext) -> None:
    """Ask the example question on the tapped button."""
    query = update.callback_query
    if query is None:
        return
    lang, number = keyboards.callback_args(query.data)
    await query.answer()
    if not isinstance(query.message, Message):
        return
    question = keyboards.example_question(lang, int(number))
    await answer_in_chat(context, query.message, query.from_user, question, quote=False)


async def stale_button(update: Update, context: CustomContext) -> None:
    """Tell the user a button is no longer understood (for example after an update)."""
    query = update.callback_query
    if query is None:
        return
    await query.answer(t("telegram.expired", _lang(query)), show_alert=True)
