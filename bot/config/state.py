"""The ``state`` group of ``Settings``: where the bot keeps what workers must share (Redis)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from bot.config.answering import Group


class StateSettings(Group):
    url: SecretStr | None = Field(
        default=None,
        description="Redis URL (redis://host:6379/0) for the state several workers share: cached "
        "answers, buttons, rate limits, update claims, the feed-poll lease. Empty: in this "
        "process. Kept secret (it may hold a password).",
    )
    prefix: str = Field(
        default="newsbot:", description="Prefix of every Redis key (bots sharing a Redis differ)."
    )
    timeout_s: float = Field(
        default=0.5,
        gt=0,
        description="Timeout for connecting to and reading from Redis, in seconds (after it the "
        "bot goes on without the shared state: a cache miss, an allowed question).",
    )
