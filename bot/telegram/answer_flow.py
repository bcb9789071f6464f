"""From a question typed in Telegram to an answer or a refusal: the checks and the worker pool.

Handlers call ``ask`` and present its outcome; this is where the rules live: the length limit,
the per-user rate limits (admins exempt; inline queries have their own, looser one), reusing a
recent answer to the same question, running the CPU-bound answerer in the bounded worker pool,
and keeping the answer for its buttons.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from typing import Any

from telegram import InlineKeyboardMarkup, InlineQueryResultArticle, InputTextMessageContent

from answering.types import Answer
from bot.chat_prefs import DEFAULT_PREFS, ChatPrefs
from bot.errors_text import user_message
from bot.telegram import keyboards
from bot.telegram.context import CustomContext
from bot.telegram.render import answers
from bot.telegram.render.html import esc, tr
from bot.telegram.state.answer_cache import normalize_question
from bot.telegram.state.callbacks import StoredAnswer
from bot.telegram.state.rate_limit import wait_seconds
from index.errors import InputError
from prompts.i18n import detect_language, t

logger = logging.getLogger(__name__)

#: Inline queries one user may send per rate window (the window of the question limit).
INLINE_RATE_LIMIT = 30
#: Recent answers kept by normalised question (for ``telegram.answer_cache_ttl_s`` seconds).
CACHE_CAPACITY = 256


@dataclass(frozen=True, slots=True)
class Asked:
    """An answer, the key its buttons refer to, the UI language, and whether the chat chose
    ``short`` answers (the answer and one quote)."""

    key: str
    answer: Answer
    lang: str
    short: bool = False

    def messages(self) -> list[str]:
        """The answer as chat messages, cut to its first quote in a short answer (a timeline
        or differing sources keep every quote: they need them)."""
        answer = self.answer
        if self.short and len(answer.quotes) > 1 and not (answer.timeline or answer.disagree):
            answer = replace(answer, quotes=answer.quotes[:1])
        return answers.answer_messages(answer, self.lang)

    def event_date(self) -> dt.date | None:
        """The date of the one report that answered (None for a timeline, differing
        sources, a decline or small talk): a follow-up stays with that event."""
        answer = self.answer
        if answer.answer is None or answer.timeline or answer.disagree or not answer.quotes:
            return None
        return answer.quotes[0].date

    def keyboard(self) -> InlineKeyboardMarkup | None:
        """The buttons under the answer."""
        return keyboards.answer_keyboard(self.key, self.answer, self.lang)

    def inline_result(self) -> InlineQueryResultArticle:
        """The answer as an inline result card that sends the formatted answer."""
        return InlineQueryResultArticle(
            id=self.key,
            title=answers.inline_title(self.answer, self.lang),
            description=answers.inline_description(self.answer) or None,
            input_message_content=InputTextMessageContent(
                answers.inline_message(self.answer, self.lang)
            ),
            reply_markup=self.keyboard(),
        )


@dataclass(frozen=True, slots=True)
class Refused:
    """A question that was not answered: a UI key with its parameters, in ``lang``.

    ``wait_s`` is set when the user is rate limited; ``text``, a ready plain text, when the
    answerer refused the question (it is then told instead of the key).
    """

    key: str
    lang: str
    params: dict[str, Any] = field(default_factory=dict)
    wait_s: int = 0
    text: str | None = None

    def html(self) -> str:
        if self.text is not None:
            return esc(self.text)
        return tr(self.key, self.lang, **self.params)

    def plain(self) -> str:
        if self.text is not None:
            return self.text
        return t(self.key, self.lang, **self.params)


async def ask(
    context: CustomContext,
    user_id: int | None,
    question: str,
    language_code: str | None,
    busy: Callable[[], AbstractAsyncContextManager[None]] | None = None,
    *,
    inline: bool = False,
    prefs: ChatPrefs = DEFAULT_PREFS,
) -> Asked | Refused:
    """Check ``question`` from ``user_id`` and answer it: from the cache, or in the worker pool.

    ``busy`` (for example "typing…" in the chat) is entered while the answer computes.
    ``inline`` queries count against the inline limiter, not the question limiter. ``prefs``
    are the chat's choices: a fixed language wins over the question's and the user's.
    """
    question = question.strip()
    lang = prefs.fixed_lang or detect_language(question, language_code)
    if not question:
        return Refused("telegram.ask_usage", lang)
    settings = context.settings.telegram
    if len(question) > settings.max_question_chars:
        return Refused("error.question_too_long", lang, {"limit": settings.max_question_chars})
    if user_id is not None and user_id not in settings.admins:
        limiter = context.inline_limiter if inline else context.limiter
        wait = await limiter.hit(user_id)
        if wait > 0:
            seconds = wait_seconds(wait)
            logger.info("User %s is rate limited for %d s", user_id, seconds)
            return Refused("telegram.wait", lang, {"seconds": seconds}, wait_s=seconds)
    logger.debug("Question from %s: %r", user_id, question)
    try:
        answer = await _answer(context, question, busy)
    except InputError as exc:
        logger.info("Question from %s refused: %s", user_id, exc.code)
        return Refused(f"error.{exc.code}", lang, text=user_message(exc, lang))
    key = await context.answers.put(StoredAnswer(answer, lang, question))
    logger.info(
        "Answered user %s (%s, %d quotes)",
        user_id,
        _outcome(answer),
        len(answer.quotes),
    )
    return Asked(key, answer, lang, short=prefs.length == "short")


def _outcome(answer: Answer) -> str:
    if answer.small_talk is not None:
        return f"small talk: {answer.small_talk}"
    return "declined" if answer.declined else "answered"


async def _answer(
    context: CustomContext,
    question: str,
    busy: Callable[[], AbstractAsyncContextManager[None]] | None,
) -> Answer:
    """A recent answer to the same (normalised) question, else one computed in the pool.

    Answers are kept by store generation too: an article that another worker or
    ``newsbot ingest`` adds to a shared store makes the answers from before it miss."""
    caching = context.settings.telegram.answer_cache_ttl_s > 0
    cache_key = ""
    if caching:
        generation = await asyncio.to_thread(lambda: context.catalog.generation)
        cache_key = f"{generation}:{normalize_question(question)}"
    cached = await context.answer_cache.get(cache_key) if cache_key else None
    if cached is not None:
        logger.debug("Answer cache hit")
        return cached
    loop = asyncio.get_running_loop()
    async with busy() if busy else contextlib.nullcontext():
        answer = await loop.run_in_executor(context.executor, context.answerer.answer, question)
    if cache_key:
        await context.answer_cache.put(cache_key, answer)
    return answer


async def stored(context: CustomContext, key: str) -> StoredAnswer | None:
    """The answer behind a button's key, or None when it expired."""
    return await context.answers.get(key)
