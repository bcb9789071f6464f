"""Same-beat archives: several reports answer one question, each for its own event.

"How many drones did Russia launch?" is answered by every night's report. Reports of the same
event (dated the same day) that give different figures are
"sources differ"; reports of other events make a dated timeline, newest first, when the
question does not pin one event (no date cue) and asks for a figure. Pure functions.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence

from answering.answer_kind import counts_focus
from answering.question import AnswerType, Question
from answering.readers.extractive import Reading
from answering.types import Quote

#: Reports dated this many days apart or less may be about the same event (0: the same day;
#: nightly reports a day apart are different nights).
SAME_EVENT_DAYS = 0
#: Further reports a timeline shows after the newest.
TIMELINE_MORE = 3
_FIGURES = frozenset({AnswerType.COUNT, AnswerType.AMOUNT})


class Layout(enum.Enum):
    SINGLE = "single"  # one answer
    DISAGREE = "disagree"  # reports of one event differ
    TIMELINE = "timeline"  # one answer per event, newest first


def same_event(a: Reading, b: Reading) -> bool:
    """Whether two reports may be about the same event: dated the same day (or undated)."""
    da, db = a.article.date, b.article.date
    if da is None or db is None:
        return da is db
    return abs((da - db).days) <= SAME_EVENT_DAYS


def arrange(q: Question, best: Reading, others: Sequence[Reading]) -> tuple[Layout, list[Reading]]:
    """How to show ``best`` and the ``others`` that answer differently: the layout and the
    readings shown, ``best`` first (the caller orders them by date)."""
    others = [r for r in others if counts_focus(q, r)]
    same = [r for r in others if same_event(r, best)]
    other_events = [r for r in others if not same_event(r, best)]
    if q.dates is None and q.answer_type in _FIGURES and other_events:
        dated = [r for r in other_events if r.article.date is not None]
        if dated and best.article.date is not None:
            return Layout.TIMELINE, [best, *dated[:TIMELINE_MORE]]
    if same:
        return Layout.DISAGREE, [best, *same]
    return Layout.SINGLE, [best]


def newest_first(dates: Sequence[dt.date | None]) -> list[int]:
    """Indexes of ``dates``, newest first (undated last, the order kept among equals)."""
    return sorted(range(len(dates)), key=lambda i: dates[i] or dt.date.min, reverse=True)


def newest_first_quotes(quotes: Sequence[Quote], keep: int = 0) -> list[Quote]:
    """``quotes`` by date, newest first, past the first ``keep`` (which stay first)."""
    order = newest_first([quote.date for quote in quotes[keep:]])
    return [*quotes[:keep], *(quotes[keep + i] for i in order)]
