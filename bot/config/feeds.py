"""The web groups of ``Settings``: fetching pages, PDFs and feeds, and polling the feeds."""

from __future__ import annotations

from pydantic import Field

from bot.config.group import Group
from index.web.fetch import FetchPolicy

_FETCH = FetchPolicy()


class FetchSettings(Group):
    timeout_s: float = Field(default=_FETCH.timeout_s, gt=0)
    """Timeout for connecting to and reading a web page, in seconds."""
    max_bytes: int = Field(default=_FETCH.max_bytes, ge=1000)
    """Largest page, PDF or feed downloaded, in bytes (larger ones are refused)."""
    max_redirects: int = Field(default=_FETCH.max_redirects, ge=0, le=20)
    """Redirects followed for one URL."""
    user_agent: str = _FETCH.user_agent
    """User-Agent sent with every request."""
    per_host_interval_s: float = Field(default=_FETCH.per_host_interval_s, ge=0)
    """Least time between two requests to the same host, in seconds (politeness)."""
    allow_private: bool = _FETCH.allow_private
    """Allow URLs on private, loopback and link-local addresses (off: refused, so a URL cannot reach
    the bot's own network)."""


class FeedsSettings(Group):
    poll_interval_s: float = Field(default=900.0, ge=10)
    """Default seconds between two polls of one feed (a feed may set its own)."""
    max_backoff_s: float = Field(default=21_600.0, ge=10)
    """Longest wait before polling again a feed that keeps failing, in seconds."""
    max_entries: int = Field(default=50, ge=1, le=1000)
    """Newest entries read from a feed per poll."""
