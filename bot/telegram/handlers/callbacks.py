"""Handlers of the buttons under answers, /sources pages and example questions.

"More sources", "Full passage" and a timeline's reports add a view of the answer to the chat.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from answering.types import Quote
from bot.telegram import keyboards, sending
from bot.telegram.context import CustomContext
from bot.telegram.handlers.questions import answer_in_chat
from bot.telegram.languages import chat_lang
from bot.telegram.render import answers
from bot.telegram.render import passage as render_passage
from bot.telegram.render.html import is_web_url
from bot.telegram.state.callbacks import StoredAnswer
from prompts.i18n import t

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class View:
    """What a button adds below an answer: its HTML, the view's own buttons, and whether the
    button that asked for it goes (a timeline's report buttons stay)."""

    html: str
    keyboard: InlineKeyboardMarkup | None = None
    drops_button: bool = True


RenderView = Callable[[CustomContext, StoredAnswer], Awaitable[View | None]]


async def _edit(query: CallbackQuery, text: str, keyboard: InlineKeyboardMarkup | None) -> None:
    try:
        await query.edit_message_text(text, reply_markup=keyboard)
    except BadRequest as exc:
        if "not modified" not in exc.message.lower():
            raise
        logger.debug("Message not modified by callback %s", query.data)


def _marking(view: str) -> Callable[[StoredAnswer], bool]:
    """Mark ``view`` shown; False when it already was (a second tap)."""

    def mark(item: StoredAnswer) -> bool:
        if view in item.shown:
            return False
        item.shown.add(view)
        return True

    return mark


def _unmarking(view: str) -> Callable[[StoredAnswer], bool]:
    def unmark(item: StoredAnswer) -> bool:
        item.shown.discard(view)
        return True

    return unmark


def _appending(html: str) -> Callable[[StoredAnswer], bool]:
    def append(item: StoredAnswer) -> bool:
        item.inline_views.append(html)
        return True

    return append


async def _add_view(
    context: CustomContext, query: CallbackQuery, key: str, item: StoredAnswer, shown: View
) -> None:
    """Add the view below the answer (in an inline message: inside it, after the views shown
    before), then drop the button that asked for it."""
    if not isinstance(query.message, Message):
        changed = await context.answers.modify(key, _appending(shown.html))
        if changed is not None:
            item = changed[0]  # with the views another tap added meanwhile
        else:  # expired meanwhile: this view is shown all the same
            item.inline_views.append(shown.html)
        views = "\n\n".join(item.inline_views)
        keyboard = keyboards.answer_keyboard(key, item.answer, item.lang, item.shown)
        await _edit(query, answers.inline_message(item.answer, item.lang, views), keyboard)
        return
    await sending.send_messages(
        query.message, answers.split_html(shown.html), shown.keyboard, quote=True
    )
    if not shown.drops_button:
        return
    keyboard = keyboards.answer_keyboard(key, item.answer, item.lang, item.shown)
    try:
        await query.edit_message_reply_markup(keyboard)
    except BadRequest as exc:  # the answer was deleted meanwhile: the view is there anyway
        logger.info("Could not drop a button: %s", exc.message)


async def _show_once(
    update: Update, context: CustomContext, view: str, render_view: RenderView
) -> None:
    query = update.callback_query
    if query is None:
        return
    args = keyboards.callback_args(query.data)
    # the view is marked shown in the same step that reads the answer (one transaction in
    # Redis), so of two taps on one button, on one worker or two, only one shows it
    marked = await context.answers.modify(args[0], _marking(view)) if args else None
    if marked is None:
        await query.answer(t("telegram.expired", chat_lang(context, update)), show_alert=True)
        return
    item, first = marked
    await query.answer()
    if not first:  # a second tap (or a double tap) adds nothing
        return
    try:
        shown = await render_view(context, item)
        if shown is not None:
            await _add_view(context, query, args[0], item, shown)
    except BaseException:
        # a view that did not arrive may be asked for again
        await context.answers.modify(args[0], _unmarking(view))
        raise


async def _more(context: CustomContext, item: StoredAnswer) -> View:
    return View(answers.more_html(item.answer, item.lang))


async def _full(context: CustomContext, item: StoredAnswer) -> View:
    texts = await asyncio.to_thread(_article_texts, context, item.answer.quotes)
    return View(render_passage.full_passage_html(item.answer, item.lang, texts))


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
    query = update.callback_query
    args = keyboards.callback_args(query.data if query else None)
    number = int(args[1]) if len(args) == 2 else 0

    async def report(context: CustomContext, item: StoredAnswer) -> View | None:
        if number >= len(item.answer.quotes):
            return None
        quote = item.answer.quotes[number]
        url = quote.url if quote.url is not None and is_web_url(quote.url) else None
        link = InlineKeyboardMarkup([[keyboards.read_button(url, item.lang)]]) if url else None
        return View(answers.report_html(quote, item.lang), link, drops_button=False)

    await _show_once(update, context, f"{keyboards.EVENT}{number}", report)


async def sources_page(update: Update, context: CustomContext) -> None:
    """Turn the /sources list to another page."""
    query = update.callback_query
    if query is None:
        return
    lang = chat_lang(context, update)
    number = int(keyboards.callback_args(query.data)[0])
    articles = await asyncio.to_thread(context.catalog.articles)
    page = answers.sources_page(articles, number, lang)
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
