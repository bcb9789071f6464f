"""RSS and Atom feeds: the subscribed feeds (``registry``) and polling them (``poll``)."""

from index.feeds.poll import (
    FeedPollResult,
    IngestFn,
    PollRound,
    poll_all,
    poll_due,
    poll_feed,
    poll_feeds,
)
from index.feeds.registry import Feed, FeedRegistry, registry_path

__all__ = [
    "Feed",
    "FeedPollResult",
    "FeedRegistry",
    "IngestFn",
    "PollRound",
    "poll_all",
    "poll_due",
    "poll_feed",
    "poll_feeds",
    "registry_path",
]
