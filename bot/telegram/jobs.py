"""Periodic jobs: drop expired button state, cached answers and idle rate-limit entries."""

from __future__ import annotations

import logging
import time

from bot.telegram.context import CustomContext
from bot.telegram.handlers.questions import forget_stale_turns

logger = logging.getLogger(__name__)

#: Seconds between two purges.
PURGE_INTERVAL_S = 600.0


async def purge_state(context: CustomContext) -> None:
    """Forget expired answers and cached answers, and users whose rate window is empty."""
    answers = await context.answers.purge()
    cached = await context.answer_cache.purge()
    users = await context.limiter.purge() + await context.inline_limiter.purge()
    turns = forget_stale_turns(
        context.application.chat_data,  # type: ignore[arg-type]
        now=time.monotonic(),
        ttl_s=context.settings.telegram.followup_ttl_s,
    )
    logger.debug(
        "Purged %d expired answers, %d cached answers, %d idle users and %d old questions",
        answers,
        cached,
        users,
        turns,
    )
