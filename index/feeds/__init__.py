"""RSS and Atom feeds: the subscribed feeds (``base.FeedRegistry``: in SQLite, ``registry``, or
in the PostgreSQL store's database, ``index.store.postgres_feeds``) and polling them (``poll``)."""

from index.feeds.base import FeedRegistry
from index.feeds.feed import Feed
from index.feeds.poll import (
    FeedPollResult,
    IngestFn,
    PollRound,
    poll_feed,
    poll_feeds,
    poll_registry,
)
from index.feeds.registry import SqliteFeedRegistry, registry_path

__all__ = [
    "Feed",
    "FeedPollResult",
    "FeedRegistry",
    "IngestFn",
    "PollRound",
    "SqliteFeedRegistry",
    "poll_feed",
    "poll_feeds",
    "poll_registry",
    "registry_path",
]
