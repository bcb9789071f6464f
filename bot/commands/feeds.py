"""``newsbot feeds ...`` and the web side of ``newsbot ingest``: the operator's feed commands.

newsbot feeds add URL [--interval SECONDS]   subscribe to an RSS or Atom feed
newsbot feeds list                           the feeds and their polling state
newsbot feeds remove ID                      unsubscribe
newsbot feeds poll                           poll every feed once and exit (for cron)
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging

from bot.commands.base import SubParsers
from bot.commands.ingest import format_report
from bot.config.settings import Settings
from bot.factory import build_components
from bot.library.indexed import build_fetcher, ingest_fn_for, open_registry
from index.embedding.base import Embedder
from index.feeds.base import FeedRegistry
from index.feeds.feed import MIN_INTERVAL_S, Feed
from index.feeds.poll import poll_registry
from index.web.base import Fetcher

logger = logging.getLogger(__name__)


def _when(moment: dt.datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment is not None else "never"


def _interval(registry: FeedRegistry, feed: Feed) -> str:
    return f"every {registry.interval_of(feed):g} s"


def feeds_add(settings: Settings, url: str, *, interval_s: float | None = None) -> int:
    """Subscribe to a feed (the same URL twice is one feed); it is polled at the next poll."""
    with open_registry(settings) as registry:
        existing = registry.find(url)
        feed = existing or registry.add(url, interval_s)
        if existing is not None:
            print(f"feed {feed.id} is already subscribed: {feed.url}")
        else:
            print(f"added feed {feed.id}: {feed.url} (polled {_interval(registry, feed)})")
    return 0


def feeds_list(settings: Settings) -> int:
    """Each feed: id, URL, title, last poll, failures in a row and the last error."""
    with open_registry(settings) as registry:
        feeds = registry.list()
        if not feeds:
            print("no feeds (add one with: newsbot feeds add URL)")
            return 0
        print("id\turl\ttitle\tlast poll\tfailures\tlast error")
        for feed in feeds:
            print(
                f"{feed.id}\t{feed.url}\t{feed.title or '-'}\t{_when(feed.last_polled_at)}\t"
                f"{feed.failures}\t{feed.last_error or '-'}"
            )
    return 0


def feeds_remove(settings: Settings, feed_id: int) -> int:
    """Unsubscribe from a feed (its articles stay indexed); 1 if there is no such feed."""
    with open_registry(settings) as registry:
        feed = registry.get(feed_id)
        if feed is None or not registry.remove(feed_id):
            print(f"no feed {feed_id} (see: newsbot feeds list)")
            return 1
        print(f"removed feed {feed_id}: {feed.url}")
    return 0


def feeds_poll(
    settings: Settings,
    *,
    fetcher: Fetcher | None = None,
    embedder: Embedder | None = None,
    now: dt.datetime | None = None,
) -> int:
    """Poll every feed once and index the new entries; 1 when everything failed."""
    with open_registry(settings) as registry:
        if not registry.list():
            print("no feeds to poll (add one with: newsbot feeds add URL)")
            return 0
        components = build_components(settings, embedder=embedder)
        web = fetcher or build_fetcher(settings)
        try:
            done = poll_registry(
                registry,
                fetcher=web,
                ingest_fn=ingest_fn_for(components),
                max_entries=settings.feeds.max_entries,
                now=now,
            )
        finally:
            if fetcher is None:
                web.close()
            components.store.close()
            components.sentence_cache.close()
    print(format_report(done.report, failed=done.failed))
    return 1 if done.all_failed else 0


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= MIN_INTERVAL_S:
        raise argparse.ArgumentTypeError(f"at least {MIN_INTERVAL_S:g} seconds")
    return value


class FeedsCommand:
    """``newsbot feeds add|list|remove|poll``."""

    def add_parser(self, sub: SubParsers) -> None:
        feeds = sub.add_parser("feeds", help="RSS and Atom feeds: add, list, remove, poll")
        feeds_sub = feeds.add_subparsers(dest="feeds_command", required=True)
        add = feeds_sub.add_parser("add", help="subscribe to a feed")
        add.add_argument("url")
        add.add_argument(
            "--interval", type=_seconds, metavar="SECONDS", help="poll interval (default: settings)"
        )
        feeds_sub.add_parser("list", help="the feeds, their last poll and errors")
        remove = feeds_sub.add_parser("remove", help="unsubscribe from a feed")
        remove.add_argument("id", type=int)
        feeds_sub.add_parser("poll", help="poll every feed once and exit (for cron)")

    def run(self, args: argparse.Namespace, settings: Settings) -> int:
        match args.feeds_command:
            case "add":
                return feeds_add(settings, args.url, interval_s=args.interval)
            case "list":
                return feeds_list(settings)
            case "remove":
                return feeds_remove(settings, args.id)
            case _:
                return feeds_poll(settings)


COMMAND = FeedsCommand()
