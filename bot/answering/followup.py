"""Follow-up questions in a conversation: "and how many were launched?" after "how many drones
were intercepted?" means "how many drones were launched?". Pure functions; the caller keeps
the previous turn (per chat, expiring).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answering.lexicon import STOPWORDS, tokenize

_CONNECTIVE = re.compile(
    r"^\s*(and|also|then|so|what about|how about|а як щодо|а что насчет|а что насчёт|а|і|й|и|та)"
    r"(?=[\s,]|$)[\s,]*",
    re.IGNORECASE,
)
_WH = re.compile(
    r"\b(how|what|which|who|whom|whose|where|when|why|скільки|сколько|хто|кто|де|где|коли|когда"
    r"|що|что|який|яка|какой|какая)\b",
    re.IGNORECASE,
)
_HOW_MANY_BARE = re.compile(
    r"^(how many|how much)\s+(?=(were|was|are|is|did|do|does|have|has|had|will)\b)", re.IGNORECASE
)
_COUNTED = re.compile(r"\bhow (many|much)\s+([\w’'-]+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Turn:
    """The last question asked in a chat (already resolved) and when (monotonic seconds)."""

    question: str
    at: float


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


def follow_up(previous: Turn | None, current: str, *, now: float, ttl_s: float) -> str:
    """The question to answer: ``current`` resolved against a fresh previous turn, if it is a
    follow-up; otherwise ``current`` unchanged."""
    if previous is None or now - previous.at > ttl_s or not is_follow_up(current):
        return current
    return resolve(previous.question, current)
