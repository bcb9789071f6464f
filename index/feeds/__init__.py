"""RSS and Atom feeds: the subscribed feeds (``registry``) and polling them (``poll``)."""

from index.feeds.poll import (
    FeedPollResult,
    IngestFn,
    PollRound,
    poll_feed,
    poll_feeds,
    poll_registry,
)
from index.feeds.registry import Feed, FeedRegistry, registry_path

__all__ = [
    "Feed",
    "FeedPollResult",
    "FeedRegistry",
    "IngestFn",
    "PollRound",
    "poll_feed",
    "poll_feeds",
    "poll_registry",
    "registry_path",
]
