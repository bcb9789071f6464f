"""Inline mode: ``@bot question`` in any chat offers the answer as a result card."""

from __future__ import annotations

from telegram import InlineQueryResultsButton, Update

from bot.i18n import detect_language, t
from bot.telegram import asking
from bot.telegram.context import CustomContext

#: Seconds Telegram may cache an inline answer (per user: results are personal).
CACHE_TIME_S = 60
#: ``/start`` parameter of the button shown instead of results.
START_PARAMETER = "inline"


async def inline_question(update: Update, context: CustomContext) -> None:
    """Answer an inline query with one result card carrying the formatted answer."""
    query = update.inline_query
    if query is None:
        return
    user = query.from_user
    text = query.query.strip()
    if not text:
        hint = t("telegram.inline_hint", detect_language("", user.language_code))
        button = InlineQueryResultsButton(text=hint, start_parameter=START_PARAMETER)
        await query.answer([], button=button, cache_time=CACHE_TIME_S, is_personal=True)
        return
    outcome = await asking.ask(context, user.id, text, user.language_code)
    if isinstance(outcome, asking.Refused):
        note = (
            t("telegram.inline_wait", outcome.lang, seconds=outcome.wait_s)
            if outcome.wait_s
            else outcome.plain()
        )
        button = InlineQueryResultsButton(text=note, start_parameter=START_PARAMETER)
        await query.answer([], button=button, cache_time=0, is_personal=True)
        return
    await query.answer([outcome.inline_result()], cache_time=CACHE_TIME_S, is_personal=True)
