"""Replies to operators' commands as Telegram HTML.

Pure: every value is escaped, every message fits Telegram's limit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from bot.feedback import VoteCounts
from bot.library.base import FeedView, LibraryStats, PollSummary
from bot.telegram.render.html import esc
from bot.telegram.render.markup import truncate_html
from index.types import ArticleInfo, IngestReport
from prompts.i18n import t

#: Lines of reasons listed under a summary before "…".
MAX_LINES = 20


def admin_text(key: str, **params: object) -> str:
    """An admin string with its parameters escaped."""
    return t(f"admin.{key}", "en", **{k: esc(str(v)) for k, v in params.items()})


def _when(value: dt.datetime | None) -> str:
    if value is None:
        return t("admin.never", "en")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def report_lines(report: IngestReport) -> list[str]:
    """One line per article added, updated, unchanged or failed, and per warning."""
    lines = [admin_text("added", name=name) for name in report.added]
    lines += [admin_text("updated", name=name) for name in report.updated]
    lines += [admin_text("unchanged", name=name) for name, _ in report.skipped]
    lines += [admin_text("failed", name=name, reason=why) for name, why in report.rejected]
    lines += [admin_text("warning", name=name, reason=why) for name, why in report.warnings]
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], "…"]
    return lines


def report_html(report: IngestReport) -> str:
    """What ``/add`` did."""
    return truncate_html("\n".join(report_lines(report)) or admin_text("nothing"))


def removed_html(ref: str, removed: Sequence[ArticleInfo], matches: int) -> str:
    """What ``/remove`` did: the removed article, or why nothing was removed."""
    if removed:
        return truncate_html("\n".join(admin_text("removed", title=a.title) for a in removed))
    if matches > 1:
        return truncate_html(admin_text("remove_many", count=matches, ref=ref))
    return truncate_html(admin_text("remove_none", ref=ref))


def feeds_html(feeds: Sequence[FeedView]) -> str:
    """``/feeds``: every feed with its state."""
    if not feeds:
        return admin_text("feeds_empty")
    lines = [f"<b>{admin_text('feeds_title', count=len(feeds))}</b>"]
    for feed in feeds:
        lines.append(admin_text("feed_line", id=feed.id, url=feed.url))
        if feed.failures:
            state = admin_text(
                "feed_state",
                polled=_when(feed.last_polled_at),
                failures=feed.failures,
                error=feed.last_error or "",
            )
        else:
            state = admin_text(
                "feed_ok", polled=_when(feed.last_polled_at), next=_when(feed.next_poll_at)
            )
        lines.append(f"<i>{state}</i>")
    return truncate_html("\n".join(lines))


def feed_added_html(feed: FeedView) -> str:
    return admin_text("feed_added", id=feed.id, url=feed.url, minutes=round(feed.interval_s / 60))


def poll_html(summary: PollSummary) -> str:
    """``/feeds poll``: the counts, then each failing feed's reason."""
    report = summary.report
    lines = [
        admin_text(
            "polled",
            polled=summary.polled,
            added=len(report.added),
            updated=len(report.updated),
            skipped=len(report.skipped),
            failed=len(report.rejected) + len(summary.failed),
        )
    ]
    lines += [
        admin_text("poll_failure", url=url, reason=why) for url, why in summary.failed.items()
    ]
    lines += [admin_text("failed", name=name, reason=why) for name, why in report.rejected]
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], "…"]
    return truncate_html("\n".join(lines))


def _size(size: int) -> str:
    for unit in ("B", "KB", "MB"):
        if size < 1024:
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size:.1f} GB"


def stats_html(stats: LibraryStats) -> str:
    """``/stats``: articles, passages, index size, feeds and the last poll."""
    return t(
        "admin.stats",
        "en",
        articles=stats.articles,
        chunks=stats.chunks,
        size=_size(stats.index_bytes),
        feeds=stats.feeds,
        failing=stats.failing_feeds,
        last_poll=_when(stats.last_poll_at),
    )


def feedback_html(counts: VoteCounts) -> str:
    """``/stats``: users' current 👍 and 👎, and on how many answers."""
    return t("admin.feedback", "en", up=counts.up, down=counts.down, answers=counts.answers)
