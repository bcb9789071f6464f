"""The ``telegram`` group of ``Settings``: the Bot API connection, webhook, operators and limits."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, SecretStr, field_validator

from answering.pipeline import AnswerPolicy
from bot.config.group import Group


class TelegramSettings(Group):
    token: SecretStr | None = None
    """Bot token from @BotFather. Without one, `newsbot run` opens the console chat."""
    base_url: str = "https://api.telegram.org/bot"
    """Bot API base URL: everything before the token (for a self-hosted Bot API server or a test
    stand-in)."""
    mode: Literal["polling", "webhook"] = "polling"
    """How updates arrive: long polling or a webhook."""
    webhook_url: str = ""
    """Public HTTPS URL Telegram posts updates to (webhook mode)."""
    webhook_listen: str = "127.0.0.1"
    """Address the webhook server listens on."""
    webhook_port: int = Field(default=8443, ge=1, le=65535)
    """Port the webhook server listens on."""
    webhook_secret: SecretStr | None = None
    """Secret token Telegram sends with each webhook call (1-256 characters A-Z, a-z, 0-9, _
    and -)."""

    @field_validator("webhook_secret")
    @classmethod
    def _secret_charset(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("use 1-256 characters from A-Z, a-z, 0-9, _ and -")
        return value

    admins: list[int] = Field(default_factory=list)
    """Telegram user IDs of the bot's operators (JSON list, e.g. [123]): only they may /add,
    /remove, /feeds and /stats, and they are exempt from the per-user rate limit."""
    max_question_chars: int = Field(default=AnswerPolicy().max_question_chars, ge=10, le=4000)
    """Longest question accepted, in characters."""
    user_rate_limit: int = Field(default=10, ge=1)
    """Questions one user may ask per rate window."""
    user_rate_window_s: float = Field(default=60.0, gt=0)
    """Length of the per-user rate window, in seconds."""
    followup_ttl_s: float = Field(default=600.0, gt=0)
    """How long a private chat's previous question gives context to a follow-up ('and how many were
    launched?'), in seconds."""
    answer_cache_ttl_s: float = Field(default=300.0, ge=0)
    """Seconds a computed answer is reused for the same (normalised) question; 0 computes every
    question anew."""
    replay_max_age_s: float = Field(default=86_400.0, ge=0)
    """Messages received and not finished when the bot stopped or crashed are handled at the next
    start if they are at most this old, in seconds."""
    answer_workers: int = Field(default=2, ge=1, le=32)
    """Worker threads that compute answers off the event loop."""
    concurrent_updates: int = Field(default=64, ge=1)
    """Updates processed concurrently by the Application."""
    connect_timeout_s: float = Field(default=10.0, gt=0)
    """Timeout for connecting to the Bot API, in seconds."""
    read_timeout_s: float = Field(default=15.0, gt=0)
    """Timeout for reading a Bot API response, in seconds."""
