"""Inline mode: ``@bot question`` in any chat offers the answer as a result card.

Telegram sends an inline query per keystroke. Each waits ``DEBOUNCE_S`` first; one that a newer
query of the same user superseded meanwhile is dropped unanswered (Telegram discards answers to
stale queries anyway), so only the question the user paused at is answered. Inline queries have
their own, looser rate limit, and share the answer cache with chat questions (see ``answer_flow``).
"""

from __future__ import annotations

import logging

from telegram import InlineQuery, InlineQueryResultsButton, Update

from bot.telegram import answer_flow
from bot.telegram.context import CustomContext
from prompts.i18n import detect_language, t

logger = logging.getLogger(__name__)

#: Seconds Telegram may cache an inline answer (per user: results are personal).
CACHE_TIME_S = 60
#: ``/start`` parameter of the button shown instead of results.
START_PARAMETER = "inline"
#: Seconds an inline query waits for a newer one from the same user before it is answered.
DEBOUNCE_S = 0.6
#: Longest text on the button shown instead of results (Telegram cuts longer ones).
BUTTON_CHARS = 64


def results_button(text: str) -> InlineQueryResultsButton:
    """A button above (empty) results that shows ``text`` and opens the private chat."""
    if len(text) > BUTTON_CHARS:
        text = text[: BUTTON_CHARS - 1].rstrip() + "…"
    return InlineQueryResultsButton(text=text, start_parameter=START_PARAMETER)


async def _answer_note(query: InlineQuery, text: str, cache_time: int) -> None:
    await query.answer([], button=results_button(text), cache_time=cache_time, is_personal=True)


async def inline_question(update: Update, context: CustomContext) -> None:
    """Answer an inline query with one result card carrying the formatted answer."""
    query = update.inline_query
    if query is None:
        return
    user = query.from_user
    text = query.query.strip()
    if not text:
        context.debouncer.supersede(user.id)
        hint = t("telegram.inline_hint", detect_language("", user.language_code))
        await _answer_note(query, hint, CACHE_TIME_S)
        return
    if not await context.debouncer.settle(user.id, DEBOUNCE_S):
        logger.debug("Inline query %s of user %s superseded by a newer one", query.id, user.id)
        return
    outcome = await answer_flow.ask(context, user.id, text, user.language_code, inline=True)
    if isinstance(outcome, answer_flow.Refused):
        note = (
            t("telegram.inline_wait", outcome.lang, seconds=outcome.wait_s)
            if outcome.wait_s
            else outcome.plain()
        )
        await _answer_note(query, note, 0)
        return
    if outcome.answer.answer is None and outcome.answer.small_talk is None:
        # no card that could be sent into a chat as if it were an answer
        await _answer_note(query, t("telegram.inline_declined", outcome.lang), CACHE_TIME_S)
        return
    await query.answer([outcome.inline_result()], cache_time=CACHE_TIME_S, is_personal=True)
