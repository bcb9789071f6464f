"""The ``follow`` group of ``Settings``: topic alerts (/follow) and their limits."""

from __future__ import annotations

from pydantic import Field

from bot.config.group import Group, fraction


class FollowSettings(Group):
    max_topics: int = Field(default=20, ge=1, le=1000)
    """Topics one chat may follow with /follow."""
    max_topic_chars: int = Field(default=200, ge=10, le=1000)
    """Longest topic /follow accepts, in characters."""
    alerts_per_hour: int = Field(default=10, ge=1)
    """Most topic alerts one chat gets per hour (more are dropped)."""
    alerts_per_second: float = Field(default=5.0, gt=0, le=30)
    """Most alerts sent per second in all."""
    min_score: float = fraction(0.525)
    """Least match strength (mean of the dense and word scores of the best passage) for a topic
    alert."""
