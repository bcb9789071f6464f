"""Button handlers: "More sources", "Full passage", a timeline's reports, /sources pages and
example questions."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.answering.types import Quote
from bot.i18n import t
from bot.telegram import asking, keyboards, render, render_passage, sending
from bot.telegram.context import CustomContext
from bot.telegram.handlers_questions import answer_in_chat
from bot.telegram.languages import chat_lang
from bot.telegram.state import StoredAnswer

logger = logging.getLogger(__name__)

RenderView = Callable[[CustomContext, StoredAnswer], Awaitable[str]]


async def _edit(query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
        logger.debug("Message not modified by callback %s", query.data)


async def _tapped(
    update: Update, context: CustomContext
) -> tuple[CallbackQuery, str, StoredAnswer] | None:
    """The query, its answer's key and the stored answer; None (the user told) when expired."""
    query = update.callback_query
    if query is None:
        return None
    args = keyboards.callback_args(query.data)
    item = asking.stored(context, args[0]) if args else None
    if item is None:
        await query.answer(t("telegram.expired", chat_lang(context, update)), show_alert=True)
        return None
    return query, args[0], item


async def _add_view(
    query: CallbackQuery, key: str, item: StoredAnswer, view: str, html: str
) -> None:
    """Add ``html`` below the answer once, then drop the button that asked for it."""
    if not isinstance(query.message, Message):  # an inline message: the view goes inside it
        keyboard = keyboards.answer_keyboard(key, item.answer, item.lang, item.shown)
        await _edit(query, render.inline_message(item.answer, item.lang, html), keyboard)
        return
    await sending.send_messages(query.message, render.split_html(html), quote=True)
    keyboard = keyboards.answer_keyboard(key, item.answer, item.lang, item.shown)
    try:
        await query.edit_message_reply_markup(keyboard)
    except BadRequest as exc:  # the answer was deleted meanwhile: the view is there anyway
        logger.info("Could not drop the %s button: %s", view, exc.message)


async def _show_once(
    update: Update, context: CustomContext, view: str, render_view: RenderView
) -> None:
    tapped = await _tapped(update, context)
    if tapped is None:
        return
    query, key, item = tapped
    await query.answer()
    if view in item.shown:  # a second tap (or a double tap) adds nothing
        return
    item.shown.add(view)
    await _add_view(query, key, item, view, await render_view(context, item))


async def _more(context: CustomContext, item: StoredAnswer) -> str:
    return render.more_html(item.answer, item.lang)


async def _full(context: CustomContext, item: StoredAnswer) -> str:
    texts = await asyncio.to_thread(_article_texts, context, item.answer.quotes)
    return render_passage.full_passage_html(item.answer, item.lang, texts)


def _article_texts(context: CustomContext, quotes: Sequence[Quote]) -> dict[str, str]:
    """The texts of the quoted articles still in the index."""
    texts: dict[str, str] = {}
    for article_id in dict.fromkeys(quote.article_id for quote in quotes):
        try:
            texts[article_id] = context.catalog.get_article(article_id).text
        except KeyError:
            logger.info("Article %s of a quote is no longer indexed", article_id)
    return texts


async def more_sources(update: Update, context: CustomContext) -> None:
    """Show the next best passages for an answer, once."""
    await _show_once(update, context, keyboards.MORE, _more)


async def full_passage(update: Update, context: CustomContext) -> None:
    """Show each quote in its paragraph, between the paragraphs around it, once."""
    await _show_once(update, context, keyboards.FULL, _full)


async def event_report(update: Update, context: CustomContext) -> None:
    """Show the full answer of the timeline's report on the tapped button, once."""
    tapped = await _tapped(update, context)
    if tapped is None:
        return
    query, _key, item = tapped
    number = int(keyboards.callback_args(query.data)[1])
    await query.answer()
    view = f"{keyboards.EVENT}{number}"
    if number >= len(item.answer.quotes) or view in item.shown:
        return
    item.shown.add(view)
    quote = item.answer.quotes[number]
    html = render.report_html(quote, item.lang)
    if not isinstance(query.message, Message):
        await _edit(query, render.inline_message(item.answer, item.lang, html), None)
        return
    url_ok = quote.url is not None and render.is_web_url(quote.url)
    keyboard = InlineKeyboardMarkup([[keyboards.read_button(str(quote.url), item.lang)]])
    await sending.send_messages(
        query.message, render.split_html(html), keyboard if url_ok else None, quote=True
    )


async def sources_page(update: Update, context: CustomContext) -> None:
    """Turn the /sources list to another page."""
    query = update.callback_query
    if query is None:
        return
    lang = chat_lang(context, update)
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
    await query.answer(t("telegram.expired", chat_lang(context, update)), show_alert=True)
