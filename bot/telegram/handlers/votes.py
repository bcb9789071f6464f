"""The 👍 / 👎 buttons under answers: one vote per user and answer, changeable.

The vote is written in a worker thread (SQLite); the tap is answered with a short note
("Thanks", "changed", "already recorded"). Votes replace each other, so a burst of taps
leaves one vote. A tap on an answer no longer kept (expired, or after a restart) stores
nothing and says the button has expired.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update

from bot.feedback import DOWN, UP, Ballot, Recorded
from bot.telegram import answer_flow, keyboards
from bot.telegram.context import CustomContext
from bot.telegram.languages import chat_lang
from prompts.i18n import t

logger = logging.getLogger(__name__)

_NOTES = {
    Recorded.NEW: "telegram.vote_thanks",
    Recorded.CHANGED: "telegram.vote_changed",
    Recorded.KEPT: "telegram.vote_kept",
}


async def vote(update: Update, context: CustomContext) -> None:
    """Record the user's 👍 or 👎 on the answer behind the button."""
    query = update.callback_query
    if query is None:
        return
    key, sign = keyboards.callback_args(query.data)
    lang = chat_lang(context, update)
    item = await answer_flow.stored(context, key)
    if item is None or item.answer.declined or item.answer.small_talk is not None:
        await query.answer(t("telegram.expired", lang), show_alert=True)
        return
    store = context.feedback
    if store is None:
        await query.answer(t("telegram.vote_off", lang))
        return
    ballot = Ballot(
        user_id=query.from_user.id,
        answer_key=key,
        question=item.question or item.answer.question,
        answer=item.answer.answer or "",
        quotes=item.answer.quotes,
        vote=UP if sign == keyboards.VOTE_UP else DOWN,
        lang=item.lang,
    )
    recorded = await asyncio.to_thread(store.vote, ballot)
    logger.info("Vote %s from user %s on answer %s: %s", sign, ballot.user_id, key, recorded.value)
    await query.answer(t(_NOTES[recorded], lang))
