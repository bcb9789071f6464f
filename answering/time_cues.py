"""The dates a question pins its event to, read from its words. Pure functions.

"on 18 June 2025", "in June 2025", "the August 2025 strike", "in late July 2022", "on
Tuesday", "last night".

A news report is dated the day of its event or a day or two after, so an article fits a cue
when its date falls in the cue's days or up to ``REPORT_LAG_DAYS`` after them. The words that
made the cue are returned too: they name a date, not a thing, so the evidence need not repeat
them when its article's date fits.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

#: Days after an event within which its report may be dated.
REPORT_LAG_DAYS = 2

_MONTHS = {
    name.lower(): i
    for i in range(1, 13)
    for name in (calendar.month_name[i], calendar.month_abbr[i])
} | {"sept": 9}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WEEKDAYS = [d.lower() for d in calendar.day_name]
_PART = r"(?:(?P<part>early|mid|late|end\s+of|start\s+of|beginning\s+of)[\s-]+)?"
_DAY_MONTH = re.compile(
    rf"(?i)\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<month>{_MONTH})\.?,?\s+(?P<year>(?:19|20)\d\d)\b"
)
_MONTH_DAY = re.compile(
    rf"(?i)\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>(?:19|20)\d\d)\b"
)
_MONTH_YEAR = re.compile(rf"(?i)\b{_PART}(?P<month>{_MONTH})\.?,?\s+(?P<year>(?:19|20)\d\d)\b")
_YEAR = re.compile(rf"(?i)\b(?:in|of|during|since|throughout)\s+{_PART}(?P<year>(?:19|20)\d\d)\b")
_WEEKDAY = re.compile(rf"(?i)\b(?:on|last|this|since)\s+(?P<weekday>{'|'.join(_WEEKDAYS)})\b")
_RELATIVE = re.compile(r"(?i)\b(?P<rel>yesterday|last\s+night|overnight|today|tonight)\b")


@dataclass(frozen=True, slots=True)
class DateCue:
    """The days a question's event may fall on, and the words (lowercased) that said so."""

    first: dt.date
    last: dt.date
    words: frozenset[str]
    # For a relative cue: the weekday asked for (0 = Monday; +7 for "last Monday", before
    # today), or -N for N - 1 days back.
    relative: int | None = None

    def against(self, anchor: dt.date) -> DateCue:
        """A relative cue read against another day than today (the newest report's, for an
        archive whose reports end before today); an explicit one unchanged."""
        if self.relative is None:
            return self
        return _relative_day(self.relative, anchor, self.words)

    def fits(self, date: dt.date | None) -> bool:
        """Whether a report dated ``date`` may be about an event within the cue."""
        if date is None:
            return False
        return self.first <= date <= self.last + dt.timedelta(days=REPORT_LAG_DAYS)


def _part_of(first: dt.date, last: dt.date, part: str | None) -> tuple[dt.date, dt.date]:
    """ "early", "mid" or "late" part of a month or year (a third each, overlapping a little)."""
    if not part:
        return first, last
    span = (last - first).days + 1
    third = dt.timedelta(days=span // 3)
    part = part.lower().split()[0]
    if part in ("early", "start", "beginning"):
        return first, first + third + dt.timedelta(days=span // 10)
    if part == "mid":
        return first + third - dt.timedelta(days=span // 10), last - third + dt.timedelta(
            days=span // 10
        )
    return last - third - dt.timedelta(days=span // 10), last


def _words(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in re.findall(r"\w+", text))


def _explicit(text: str, today: dt.date) -> DateCue | None:
    """An explicit day, month or year; "since ..." runs from it up to ``today``."""
    for pattern in (_DAY_MONTH, _MONTH_DAY):
        m = pattern.search(text)
        if m:
            try:
                day = dt.date(int(m["year"]), _MONTHS[m["month"].lower()], int(m["day"]))
            except ValueError:
                continue
            return _since(text, m, DateCue(day, day, _words(m.group())), today)
    m = _MONTH_YEAR.search(text)
    if m:
        year, month = int(m["year"]), _MONTHS[m["month"].lower()]
        first = dt.date(year, month, 1)
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        first, last = _part_of(first, last, m["part"])
        return _since(text, m, DateCue(first, last, _words(m.group())), today)
    m = _YEAR.search(text)
    if m:
        year = int(m["year"])
        first, last = _part_of(dt.date(year, 1, 1), dt.date(year, 12, 31), m["part"])
        words = _words(m.group()) - {"in", "of", "during", "since"}
        return _since(text, m, DateCue(first, last, words), today)
    return None


def _since(text: str, m: re.Match[str], cue: DateCue, today: dt.date) -> DateCue:
    """``cue`` up to ``today`` when the question says "since" it."""
    before = text[max(0, m.start() - 6) : m.start()].lower()
    if not (before.endswith("since ") or m.group().lower().startswith("since")):
        return cue
    return DateCue(cue.first, max(cue.last, today), cue.words)


def _relative_day(relative: int, today: dt.date, words: frozenset[str]) -> DateCue:
    # 0-6: the latest such weekday, today included; 7-13: "last <weekday>", before today;
    # -N: N - 1 days back.
    if relative >= 7:
        back = (today.weekday() - (relative - 7)) % 7 or 7
    elif relative >= 0:
        back = (today.weekday() - relative) % 7
    else:
        back = -relative - 1
    day = today - dt.timedelta(days=back)
    return DateCue(day, day, words, relative)


def _relative(text: str, today: dt.date) -> DateCue | None:
    m = _WEEKDAY.search(text)
    if m:
        wanted = _WEEKDAYS.index(m["weekday"].lower())
        if m.group().lower().startswith("last"):
            wanted += 7
        return _relative_day(wanted, today, frozenset({m["weekday"].lower()}))
    m = _RELATIVE.search(text)
    if m:
        back = 0 if m["rel"].lower() in ("today", "tonight") else 1
        return _relative_day(-back - 1, today, frozenset())
    return None


def date_cue(text: str, today: dt.date) -> DateCue | None:
    """The days the question pins its event to, or None. Explicit dates win; a weekday
    alongside one ("on Sunday, 30 July 2023") only repeats it."""
    explicit = _explicit(text, today)
    if explicit is not None:
        weekday = _WEEKDAY.search(text)
        extra = frozenset({weekday["weekday"].lower()}) if weekday else frozenset()
        return DateCue(explicit.first, explicit.last, explicit.words | extra)
    return _relative(text, today)
