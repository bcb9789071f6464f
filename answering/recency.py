"""Recent news first when the question asks for it ("latest", "now", "today", "yesterday").

News changes: a death toll on Monday is revised on Tuesday. When a question asks about the
current state, readings of nearly equal strength are reordered so the newest article's comes
first; "today" and "yesterday" prefer articles of that very day (by the bot's clock). The
scores themselves are not changed, so the decline decision stays the evidence's. Pure
functions.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Sequence

from answering.readers.extractive import Reading
from answering.time_cues import DateCue


class Recency(enum.Enum):
    NONE = "none"
    LATEST = "latest"  # latest, most recent, now, currently, so far
    TODAY = "today"
    YESTERDAY = "yesterday"


_TODAY = re.compile(r"(?i)\b(?:today|tonight|this\s+morning|this\s+evening)\b")
_YESTERDAY = re.compile(r"(?i)\b(?:yesterday|last\s+night)\b")
_LATEST = re.compile(
    r"(?ix)\b(?:latest|newest|most\s+recent(?:ly)?|recent(?:ly)?|now|currently|current|"
    r"so\s+far|to\s+date|as\s+of\s+now|this\s+week|still)\b"
)

#: How close to the best score a reading must be to be moved up for being newer.
RECENCY_MARGIN = 0.1
#: The bonus for the newest article (older ones get less, halving every ``HALF_LIFE_DAYS``).
RECENCY_BONUS = 0.1
HALF_LIFE_DAYS = 3.0
#: The longest date cue that pins reports (a month; "in 2022" does not).
_PIN_DAYS = 31


def recency_of(question: str) -> Recency:
    """What the question's wording asks about time."""
    if _YESTERDAY.search(question):
        return Recency.YESTERDAY
    if _TODAY.search(question):
        return Recency.TODAY
    if _LATEST.search(question):
        return Recency.LATEST
    return Recency.NONE


def freshness(date: dt.date | None, newest: dt.date, recency: Recency, today: dt.date) -> float:
    """0..1: how well an article's date fits the question's time."""
    if date is None:
        return 0.0
    if recency is Recency.TODAY and date == today:
        return 1.0
    if recency is Recency.YESTERDAY and date == today - dt.timedelta(days=1):
        return 1.0
    days = max(0, (newest - date).days)
    fit = float(0.5 ** (days / HALF_LIFE_DAYS))
    # A day asked for by name that no article has: newest is still best, but less sure.
    return fit * (0.5 if recency in (Recency.TODAY, Recency.YESTERDAY) else 1.0)


def prefer_recent(
    readings: Sequence[Reading],
    recency: Recency,
    *,
    today: dt.date,
    answers: Callable[[Reading], bool] = lambda _: True,
) -> list[Reading]:
    """``readings`` with those within ``RECENCY_MARGIN`` of the best reordered by score plus a
    freshness bonus; the rest keep their order after them. Only readings that ``answers``
    (would not be declined) may move ahead of the best one, so a time cue never turns an
    answer into a decline."""
    if recency is Recency.NONE or len(readings) < 2:
        return list(readings)
    best = readings[0].score
    near = [
        r
        for i, r in enumerate(readings)
        if r.score >= best - RECENCY_MARGIN and (i == 0 or answers(r))
    ]
    dates = [r.article.date for r in near if r.article.date is not None]
    if not dates:
        return list(readings)
    newest = max(dates)
    if recency is Recency.LATEST:
        # "Latest" means the newest report that answers, not the best-scoring one.
        ranked = sorted(near, key=lambda r: r.article.date or dt.date.min, reverse=True)
    else:
        ranked = sorted(
            near,
            key=lambda r: (
                r.score + RECENCY_BONUS * freshness(r.article.date, newest, recency, today)
            ),
            reverse=True,
        )
    moved = {id(r) for r in near}
    return ranked + [r for r in readings if id(r) not in moved]


def pinned_cue(readings: Sequence[Reading], cue: DateCue | None) -> DateCue | None:
    """The question's date cue as it pins ``readings``: itself when a reading fits it, a
    relative one read against the newest report's date when none fits today ("on Tuesday" in
    an archive whose reports end before today), else None (nothing is pinned)."""
    if cue is None or (cue.last - cue.first).days > _PIN_DAYS:
        return None  # a year is no event: its reports may come out the year after
    if any(cue.fits(r.article.date) for r in readings):
        return cue
    dates = [r.article.date for r in readings if r.article.date is not None]
    if cue.relative is not None and dates:
        anchored = cue.against(max(dates))
        if any(anchored.fits(r.article.date) for r in readings):
            return anchored
    return None


def pin_to_dates(readings: Sequence[Reading], cue: DateCue | None) -> list[Reading]:
    """The readings whose article's date fits the question's date cue (``pinned_cue``) first,
    each group in its order; else ``readings`` unchanged: a question about "the strike on 4
    February 2025" is about that day's reports, whatever else scores higher."""
    pinned = pinned_cue(readings, cue)
    if pinned is None:
        return list(readings)
    fitting = [r for r in readings if pinned.fits(r.article.date)]
    return fitting + [r for r in readings if not pinned.fits(r.article.date)]


def pinned_split(
    readings: list[Reading], cue: DateCue | None
) -> tuple[list[Reading], list[Reading]]:
    """The leading readings of the cue's dates (as ``pin_to_dates`` ordered them) and the
    rest; all and none when nothing is pinned."""
    pinned = pinned_cue(readings, cue)
    if pinned is None:
        return readings, []
    n = next((i for i, r in enumerate(readings) if not pinned.fits(r.article.date)), len(readings))
    return readings[:n], readings[n:]
