"""The ``state`` group of ``Settings``: where the bot keeps what workers must share (Redis)."""

from __future__ import annotations

from pydantic import Field, SecretStr

from bot.config.group import Group


class StateSettings(Group):
    url: SecretStr | None = None
    """Redis URL (redis://host:6379/0) for the state several workers share. Empty: in this
    process."""
    prefix: str = "newsbot:"
    """Prefix of every Redis key (bots sharing one Redis use different ones)."""
    timeout_s: float = Field(default=0.5, gt=0)
    """Timeout for connecting to and reading from Redis, in seconds; past it the bot goes on
    without the shared state."""
    worker_lease_s: float = Field(default=30.0, gt=0)
    """Seconds a worker that stopped (killed, or cut off from Redis) keeps the messages it took
    and did not finish, before another worker takes them over and answers them; a live worker
    renews its lease every third of it."""
