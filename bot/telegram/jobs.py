"""Periodic jobs: drop expired buttons, cached answers, idle rate limits and old follow-ups."""

from __future__ import annotations

import logging

from bot.telegram.context import CustomContext

logger = logging.getLogger(__name__)

#: Seconds between two purges.
PURGE_INTERVAL_S = 600.0


async def purge_state(context: CustomContext) -> None:
    """Forget expired answers and cached answers, users whose rate window is empty, and old
    follow-up contexts."""
    answers = await context.answers.purge()
    cached = await context.answer_cache.purge()
    users = await context.limiter.purge() + await context.inline_limiter.purge()
    turns = context.follow_ups.purge()
    logger.debug(
        "Purged %d expired answers, %d cached answers, %d idle users and %d old questions",
        answers,
        cached,
        users,
        turns,
    )
