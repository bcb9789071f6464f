"""Follow-up questions in a conversation, resolved against the previous one. Pure functions.

"and how many were launched?" after "how many drones were intercepted?" means "how many
drones were launched?". The caller keeps the previous turn (per chat, expiring).

A follow-up also stays with the previous answer's event: many reports tell of similar nights,
so the resolved question carries the date of the report that answered (a date the answerer
reads as a cue), unless the follow-up names a date of its own or swaps the subject.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from answering.lexicon import STOPWORDS, WH_WORDS, tokenize
from answering.time_cues import date_cue

_CONNECTIVE = re.compile(
    r"^\s*(and|also|then|so|what about|how about|а як щодо|а что насчет|а что насчёт|а|і|й|и|та)"
    r"(?=[\s,]|$)[\s,]*",
    re.IGNORECASE,
)
_WH = re.compile(rf"\b({'|'.join(WH_WORDS)})\b", re.IGNORECASE)
_HOW_MANY_BARE = re.compile(
    r"^(how many|how much)\s+(?=(were|was|are|is|did|do|does|have|has|had|will)\b)", re.IGNORECASE
)
_COUNTED = re.compile(r"\bhow (many|much)\s+([\w’'-]+)", re.IGNORECASE)
#: Words of a reply without a connective that still lean on the answer replied to.
REPLY_WORDS = 6
_MONTH_NAMES = (
    "January February March April May June July August September October November December"
).split()
#: The date a resolved question was pinned to (the previous turn keeps it as ``date``).
_DATE_PIN = re.compile(rf"\s\(\d{{1,2}} (?:{'|'.join(_MONTH_NAMES)}) \d{{4}}\)(?=\?$)")


@dataclass(frozen=True, slots=True)
class Turn:
    """The last question asked in a chat (already resolved), when (seconds on the caller's
    clock), and the date of the report that answered it, if any."""

    question: str
    at: float
    date: dt.date | None = None


def is_follow_up(text: str) -> bool:
    """A question that leans on the previous one: it opens with "and", "what about", "а"..."""
    return _CONNECTIVE.match(text) is not None and bool(_CONNECTIVE.sub("", text, count=1).strip())


def _names(text: str) -> list[str]:
    toks = tokenize(text)
    return [t.text for i, t in enumerate(toks) if i > 0 and t.is_capitalized and not t.is_stop]


def resolve(previous: str, current: str) -> str:
    """``current`` made self-contained with what ``previous`` was about."""
    rest = _CONNECTIVE.sub("", current, count=1).strip()
    if not _WH.search(rest):
        # "what about Cherkasy?": the previous question with its names swapped for the new ones
        new = _names(" " + rest) or [w for w in re.findall(r"[\w’'-]+", rest)]
        old = _names(previous)
        if new and old:
            swapped = previous
            for name in old[:-1]:
                swapped = re.sub(rf"\b{re.escape(name)}\b\s*", "", swapped, count=1)
            return re.sub(rf"\b{re.escape(old[-1])}\b", " ".join(new), swapped, count=1)
        return f"{previous.rstrip('?. ')} {rest}"
    counted = _COUNTED.search(previous)
    if counted and _HOW_MANY_BARE.match(rest):
        # "and how many were launched?" -> "how many drones were launched?"
        return _HOW_MANY_BARE.sub(lambda m: f"{m.group(1)} {counted.group(2)} ", rest, count=1)
    mine = {t.lower for t in tokenize(rest)}
    context = [
        t.text
        for t in tokenize(previous)
        if not t.is_stop
        and t.lower not in mine
        and (t.is_capitalized or t.lower not in STOPWORDS)
        and not _WH.fullmatch(t.text)
    ]
    return f"{rest.rstrip('?')} ({' '.join(dict.fromkeys(context))})?" if context else rest


def _leans_on_answer(text: str) -> bool:
    """A reply short enough, and naming nothing of its own, to be about the answer it replies
    to ("how many were launched?"); "Who is the mayor of Odesa?" is a question of its own."""
    return len(text.split()) <= REPLY_WORDS and not _names(text)


def _cyrillic(text: str) -> bool:
    """Whether ``text`` is written mostly in Cyrillic letters."""
    letters = [ch for ch in text if ch.isalpha()]
    return sum("\u0400" <= ch <= "\u04ff" for ch in letters) * 2 > len(letters)


def _with_date(question: str, date: dt.date) -> str:
    """``question`` pinned to ``date`` ("how many were launched (10 July 2025)?")."""
    stem = question.rstrip().rstrip("?").rstrip()
    return f"{stem} ({date.day} {_MONTH_NAMES[date.month - 1]} {date.year})?"


def follow_up(
    previous: Turn | None, current: str, *, now: float, ttl_s: float, replied: bool = False
) -> str:
    """The question to answer: ``current`` resolved against a fresh previous turn if it is a
    follow-up (or a short reply, without a name of its own, to that turn's answer), kept to
    the previous answer's date; otherwise ``current`` unchanged."""
    if previous is None or now - previous.at > ttl_s:
        return current
    if not (is_follow_up(current) or (replied and _leans_on_answer(current))):
        return current
    rest = _CONNECTIVE.sub("", current, count=1).strip()
    before = _DATE_PIN.sub("", previous.question)
    # words of a question in another script would only muddle this one: keep its event only
    resolved = resolve(before, current) if _cyrillic(before) == _cyrillic(rest) else current
    if previous.date is None:
        return resolved
    # "what about Cherkasy?" swaps the subject: the previous event need not hold for it
    swapped = not _WH.search(rest)
    if swapped or date_cue(resolved, previous.date) is not None:
        return resolved
    return _with_date(resolved, previous.date)
