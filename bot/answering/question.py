"""Question analysis: normalisation, the kind of answer asked for, and the terms that matter."""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

from bot.answering.lexicon import STOPWORDS, Token, content_stems, tokenize
from bot.i18n import detect_language
from index.errors import EmptyQuestionError, QuestionTooLongError

_SPACE = re.compile(r"\s+")


class AnswerType(enum.Enum):
    """What kind of thing the question asks for."""

    COUNT = "count"  # how many
    AMOUNT = "amount"  # how much, what percentage, how long/far/old
    PERSON = "person"  # who
    PLACE = "place"  # where
    TIME = "time"  # when, which day
    ENTITY = "entity"  # which/what + a named thing (agency, company, country...)
    OTHER = "other"  # what/why/how: the clause that answers


_TYPE_RULES: tuple[tuple[re.Pattern[str], AnswerType], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), kind)
    for pattern, kind in (
        (r"\bhow many\b|\bnumber of\b|\bскільки\b|\bсколько\b", AnswerType.COUNT),
        (
            r"\bhow (much|long|far|old|big|large|high|often)\b|\bwhat (percentage|share|proportion"
            r"|amount|price|sum|rate|figure)\b",
            AnswerType.AMOUNT,
        ),
        (
            r"\bwhen\b|\b(what|which) (day|date|year|month|time|week)\b|\bwhat time\b"
            r"|\bколи\b|\bкогда\b",
            AnswerType.TIME,
        ),
        (r"\bwho(m|se)?\b|\bхто\b|\bкто\b", AnswerType.PERSON),
        (
            r"\bwhere\b|\bде\b|\bгде\b|\bкуди\b|\bкуда\b"
            r"|\b(what|which) (country|city|town|region|place|village|area|state"
            r"|province|capital)\b",
            AnswerType.PLACE,
        ),
        (
            r"\b(which|what) (news )?(agenc\w*|compan\w*|firm\w*|organi[sz]ation\w*|group\w*"
            r"|team\w*|party|parties|band\w*|club\w*|network\w*|newspaper\w*|bank\w*)\b",
            AnswerType.ENTITY,
        ),
    )
)
_HEAD = re.compile(
    r"\b(?:which|what)\s+(?:(?:kind|type|sort)s?\s+of\s+)?([a-z][\w-]*)", re.IGNORECASE
)
_COUNT_FOCUS = re.compile(r"\b(?:how many|number of)\s+(.*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Question:
    """A normalised question and what the reader needs to know about it."""

    text: str
    lang: str
    answer_type: AnswerType
    terms: tuple[str, ...]  # content stems
    focus: tuple[str, ...]  # stems of the thing counted/asked about ("drones")
    names: tuple[str, ...]  # capitalised words (names) and numbers in the question, lowercased
    head: str | None = None  # stem of the noun after which/what ("which part" -> "part")


def _clean_char(ch: str) -> str:
    """Format characters (soft hyphens, zero-width joiners) vanish; other controls are spaces."""
    category = unicodedata.category(ch)
    if category == "Cf":
        return ""
    return " " if category[0] == "C" else ch


def normalize_question(raw: str, *, max_chars: int) -> str:
    """Collapse white space, drop control characters; reject empty and over-long questions."""
    if len(raw) > max_chars * 4:  # do not even normalise a huge paste
        raise QuestionTooLongError(f"question of {len(raw)} chars", limit=max_chars)
    cleaned = "".join(_clean_char(ch) for ch in raw)
    text = _SPACE.sub(" ", cleaned).strip()
    if not text or not any(ch.isalnum() for ch in text):
        raise EmptyQuestionError("empty question")
    if len(text) > max_chars:
        raise QuestionTooLongError(f"question of {len(text)} chars", limit=max_chars)
    return text


def classify(text: str) -> AnswerType:
    """The answer type by the question's wording (first rule that matches)."""
    for pattern, kind in _TYPE_RULES:
        if pattern.search(text):
            return kind
    return AnswerType.OTHER


def _count_focus(text: str) -> tuple[str, ...]:
    match = _COUNT_FOCUS.search(text)
    if not match:
        return ()
    words: list[Token] = []
    for tok in tokenize(match.group(1))[:4]:
        if tok.lower in STOPWORDS:
            break
        words.append(tok)
    # The counted noun: the first plural-looking word ("Russian soldiers"), else the first
    # lowercase one ("people died"), else the first word.
    plural = [w for w in words if w.lower.endswith("s") and len(w.lower) > 3]
    lower = [w for w in words if not w.is_capitalized]
    for group in (plural, lower, words):
        if group:
            return (group[0].stem,)
    return ()


def analyze_question(raw: str, *, max_chars: int = 500, lang_hint: str | None = None) -> Question:
    """Normalise and analyse a question."""
    text = normalize_question(raw, max_chars=max_chars)
    kind = classify(text)
    toks = tokenize(text)
    names = tuple(
        dict.fromkeys(
            re.sub(r"[’']s$", "", t.lower)
            for i, t in enumerate(toks)
            if (t.is_capitalized and i > 0 and not t.is_stop) or t.text[:1].isdigit()
        )
    )
    return Question(
        text=text,
        lang=detect_language(text, lang_hint),
        answer_type=kind,
        terms=tuple(content_stems(text)),
        focus=_count_focus(text) if kind is AnswerType.COUNT else (),
        names=names,
        head=_head(text),
    )


def _head(text: str) -> str | None:
    match = _HEAD.search(text)
    if not match or match.group(1).lower() in STOPWORDS:
        return None
    return tokenize(match.group(1))[0].stem
