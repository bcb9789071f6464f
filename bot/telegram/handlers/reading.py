"""Reading handlers: /article and its pages, "Open article" under an answer, /latest [TOPIC]."""

from __future__ import annotations

import asyncio
import logging

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.telegram import keyboards
from bot.telegram.article_ids import find_article, short_ids
from bot.telegram.context import CustomContext, TopicListing
from bot.telegram.languages import chat_lang
from bot.telegram.render import answers
from bot.telegram.render import reading as render_reading
from bot.telegram.render.html import tr
from bot.telegram.render.reading import LATEST_COUNT, ArticlePage
from bot.telegram.state.rate_limit import wait_seconds
from index.types import Article, ArticleInfo
from prompts.i18n import t

logger = logging.getLogger(__name__)

#: The longest topic /latest looks for.
MAX_TOPIC_CHARS = 200
#: The longest article ID repeated in a reply (what is typed may be a whole message).
MAX_REF_SHOWN = 64


async def _article(context: CustomContext, article_id: str) -> Article | None:
    """The article, or None when it is not (or no longer) in the index."""
    try:
        return await asyncio.to_thread(context.catalog.get_article, article_id)
    except KeyError:
        return None


Markup = InlineKeyboardMarkup | None


async def _edit(
    query: CallbackQuery, page: answers.SourcesPage | ArticlePage, markup: Markup
) -> None:
    try:
        await query.edit_message_text(page.text, reply_markup=markup)
    except BadRequest as exc:  # a double tap asks for the page already shown
        if "not modified" not in exc.message.lower():
            raise
        logger.debug("Message not modified by callback %s", query.data)


def _article_view(article: Article, page: int, lang: str) -> tuple[ArticlePage, Markup]:
    shown = render_reading.article_page(article, page, lang)
    return shown, keyboards.article_keyboard(article.id, shown.page, shown.pages, lang)


async def article_command(update: Update, context: CustomContext) -> None:
    """Show the article whose ID (or unique ID prefix) follows the command, first page."""
    message = update.effective_message
    if message is None:
        return
    lang = chat_lang(context, update)
    ref = " ".join(context.args or []).strip()
    if not ref:
        await message.reply_html(tr("telegram.article_usage", lang))
        return
    lookup = await asyncio.to_thread(lambda: find_article(context.catalog.articles(), ref))
    found = lookup.article
    article = await _article(context, found.id) if found is not None else None
    if article is None:
        shown_ref = ref if len(ref) <= MAX_REF_SHOWN else ref[: MAX_REF_SHOWN - 1] + "…"
        if len(lookup.matches) > 1:
            key, count = "telegram.article_ambiguous", len(lookup.matches)
            text = tr(key, lang, id=shown_ref, count=count)
        else:
            text = tr("telegram.article_unknown", lang, id=shown_ref)
        logger.debug("/article %r: %d matches", ref, len(lookup.matches))
        await message.reply_html(text)
        return
    shown, markup = _article_view(article, 0, lang)
    await message.reply_html(shown.text, reply_markup=markup)


async def _tapped_article(
    update: Update, context: CustomContext
) -> tuple[CallbackQuery, Article, int, str] | None:
    """The tapped button's query, its article, the page it asks for (0 when none) and the
    chat's language; None (the user told) when the article is gone."""
    query = update.callback_query
    if query is None:
        return None
    lang = chat_lang(context, update)
    article_id, *page = keyboards.callback_args(query.data)
    article = await _article(context, article_id)
    if article is None:
        await query.answer(t("telegram.article_gone", lang), show_alert=True)
        return None
    await query.answer()
    return query, article, int(page[0]) if page else 0, lang


async def article_page(update: Update, context: CustomContext) -> None:
    """Turn an article to another page (◀ ▶), editing its message."""
    tapped = await _tapped_article(update, context)
    if tapped is not None:
        query, article, page, lang = tapped
        await _edit(query, *_article_view(article, page, lang))


async def open_article(update: Update, context: CustomContext) -> None:
    """ "Open article" under an answer: the article's first page as a reply to the answer (in
    an inline message, which cannot be replied to, in place of the answer)."""
    tapped = await _tapped_article(update, context)
    if tapped is None:
        return
    query, article, _, lang = tapped
    shown, markup = _article_view(article, 0, lang)
    if isinstance(query.message, Message):
        await query.message.reply_html(shown.text, reply_markup=markup, do_quote=True)
    else:
        await _edit(query, shown, markup)


async def _refusal(update: Update, context: CustomContext, topic: str, lang: str) -> str | None:
    """Why a topic search is refused (too long; the user is asking too fast), or None. Topic
    searches count against the question limit: each costs about as much as a question."""
    if len(topic) > MAX_TOPIC_CHARS:
        return tr("telegram.latest_topic_long", lang, limit=MAX_TOPIC_CHARS)
    user = update.effective_user
    if user is None or user.id in context.settings.telegram.admins:
        return None
    wait = await context.limiter.hit(user.id)
    if wait <= 0:
        return None
    logger.info("User %s is rate limited for %d s", user.id, wait_seconds(wait))
    return tr("telegram.wait", lang, seconds=wait_seconds(wait))


def _newest(articles: list[ArticleInfo], ids: tuple[str, ...] | None) -> list[ArticleInfo]:
    """The newest ``LATEST_COUNT`` articles (of ``ids`` when given), newest first."""
    if ids is not None:
        wanted = set(ids)
        articles = [a for a in articles if a.id in wanted]
    return articles[:LATEST_COUNT]


def _newest_with_ids(
    context: CustomContext, listing: TopicListing | None
) -> tuple[list[ArticleInfo], dict[str, str]]:
    """The newest articles and every article's short ID: linear in the archive, so off the
    event loop."""
    everything = context.catalog.articles()
    shown = _newest(everything, listing.article_ids if listing else None)
    return shown, short_ids(a.id for a in everything)


async def _latest_view(
    context: CustomContext, page: int, lang: str, listing: TopicListing | None, key: str = ""
) -> tuple[answers.SourcesPage, Markup]:
    shown, ids = await asyncio.to_thread(_newest_with_ids, context, listing)
    topic = listing.topic if listing else None
    view = render_reading.latest_page(shown, page, lang, ids=ids, topic=topic)
    if listing is None:
        return view, keyboards.pager_keyboard(keyboards.LATEST, view.page, view.pages, lang)
    return view, keyboards.pager_keyboard(keyboards.TOPIC, view.page, view.pages, lang, key)


async def latest(update: Update, context: CustomContext) -> None:
    """List the newest articles; with a topic, the newest about it."""
    message = update.effective_message
    if message is None:
        return
    lang = chat_lang(context, update)
    topic = " ".join(" ".join(context.args or []).split())
    if not topic:
        view, markup = await _latest_view(context, 0, lang, None)
        await message.reply_html(view.text, reply_markup=markup)
        return
    refusal = await _refusal(update, context, topic, lang)
    topics = context.topics
    if refusal is not None or topics is None:
        await message.reply_html(refusal or tr("telegram.latest_no_topics", lang))
        return
    found = await asyncio.get_running_loop().run_in_executor(
        context.executor, topics.articles_about, topic
    )
    listing = TopicListing(topic, tuple(found))
    key = await context.listings.put(listing)
    logger.debug("/latest %r: %d articles", topic, len(found))
    view, markup = await _latest_view(context, 0, lang, listing, key)
    await message.reply_html(view.text, reply_markup=markup)


async def latest_page(update: Update, context: CustomContext) -> None:
    """Turn /latest (with or without a topic) to another page."""
    query = update.callback_query
    if query is None:
        return
    lang = chat_lang(context, update)
    args = keyboards.callback_args(query.data)
    listing, key = None, ""
    if len(args) == 2:
        key = args[0]
        listing = await context.listings.get(key)
        if listing is None:
            await query.answer(t("telegram.latest_expired", lang), show_alert=True)
            return
    await query.answer()
    view, markup = await _latest_view(context, int(args[-1]), lang, listing, key)
    await _edit(query, view, markup)
