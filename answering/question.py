"""Question analysis: normalisation, the kind of answer asked for, and the terms that matter."""

from __future__ import annotations

import datetime as dt
import enum
import re
import unicodedata
from dataclasses import dataclass

from answering.lexicon import STOPWORDS, Token, content_stems, tokenize
from answering.time_cues import DateCue, date_cue
from index.errors import EmptyQuestionError, QuestionTooLongError
from prompts.i18n import detect_language

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
            r"\bhow (much|long|far|old|big|large|high|often|tall|deep|wide|heavy|fast)\b"
            r"|\bwhat (percentage|share|proportion|amount|price|sum|rate|figure)\b",
            AnswerType.AMOUNT,
        ),
        (
            r"\bwhen\b|\b(what|which) (day|date|year|month|time|week)\b|\bwhat time\b"
            r"|\bколи\b|\bкогда\b",
            AnswerType.TIME,
        ),
        (r"\bwho(m|se)?\b|\bхто\b|\bкто\b", AnswerType.PERSON),
        (r"\b(what|which)('s| is| was| are| were)? the names? of\b", AnswerType.ENTITY),
        (
            r"\bwhere\b|\bде\b|\bгде\b|\bкуди\b|\bкуда\b"
            r"|\b(what|which) (?:(?!(?:is|are|was|were|do|does|did|has|have|had|the|will)\b)"
            r"[\w-]+ ){0,2}(countr(?:y|ies)|cit(?:y|ies)|towns?|regions?"
            r"|places?|villages?|areas?|states?|provinces?|capitals?)\b",
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
_WHAT_AUX = re.compile(r"^\s*what\s+(?:did|does|do|will|would|could|can|should)\s+", re.IGNORECASE)
# A preposition after the subject and verb of "what did X do" opens a phrase that frames the
# event (a place, a time): "what did engineers replace at the north pier".
_PREPOSITIONS = frozenset(
    """at in on from for with about by into onto over under after before during since than
    as against near across through""".split()
)
# A determiner (or "to") after the verb opens its object: "what did X warn the world ...".
_OBJECT_STARTS = frozenset("the a an this that these those to".split())


@dataclass(frozen=True, slots=True)
class Question:
    """A normalised question and what the reader needs to know about it."""

    text: str
    lang: str
    answer_type: AnswerType
    terms: tuple[str, ...]  # content stems
    focus: tuple[str, ...]  # stems of the thing counted/asked about ("drones")
    names: tuple[str, ...]  # names ("joe biden") and numbers in the question, lowercased
    head: str | None = None  # stem of the noun after which/what ("which part" -> "part")
    dates: DateCue | None = None  # the days the question pins its event to
    predicate: tuple[str, ...] = ()  # the verb of "what did engineers replace at...": replac

    @property
    def name_words(self) -> frozenset[str]:
        """The words of the question's names and its numbers."""
        return frozenset(w for name in self.names for w in name.split())


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


def analyze_question(
    raw: str,
    *,
    max_chars: int = 500,
    lang_hint: str | None = None,
    today: dt.date | None = None,
) -> Question:
    """Normalise and analyse a question; relative dates ("on Tuesday") are read against
    ``today`` (default: the system's date)."""
    text = normalize_question(raw, max_chars=max_chars)
    kind = classify(text)
    toks = tokenize(text)
    names = _names(text, toks)
    return Question(
        text=text,
        lang=detect_language(text, lang_hint),
        answer_type=kind,
        terms=tuple(content_stems(text)),
        focus=_count_focus(text) if kind is AnswerType.COUNT else (),
        names=names,
        head=_head(text),
        dates=date_cue(text, today or dt.date.today()),
        predicate=_predicate(text),
    )


def _predicate(text: str) -> tuple[str, ...]:
    """The stem of the verb of a "what did X do <where/when>" question ("What did engineers
    replace at the north pier?": replac; "what does X want to obtain from Y": obtain): the
    answer is what follows the verb, not what follows the place or time the question adds.
    Empty for other questions, and where an object follows the verb ("what did X warn the
    world ..."), as the question's last term anchors the answer there."""
    match = _WHAT_AUX.match(text)
    if not match:
        return ()
    toks = tokenize(text[match.end() :])
    last: Token | None = None
    words = 0  # a subject and a verb: at least two words ("the government in Kyiv" is one)
    for i, tok in enumerate(toks):
        if last is not None and tok.lower in _PREPOSITIONS:
            # After do/did/can the verb is bare: "concentrations in the lungs" is still the
            # subject ("what does increased oxygen concentrations in the lungs displace").
            return (last.stem,) if words >= 2 and _bare_verb(last.lower) else ()
        if last is not None and tok.lower in _OBJECT_STARTS:
            infinitive = tok.lower == "to" and i + 1 < len(toks) and not toks[i + 1].is_stop
            if not infinitive:
                return ()
        elif not tok.is_stop:
            last = tok
            words += 1
    return ()


def _bare_verb(word: str) -> bool:
    """Whether a word may be a bare verb: not a plural or third-person "-s" (but "discuss",
    "focus"), nor "-ed" or "-ing"."""
    if word.endswith(("ed", "ing")):
        return False
    return not word.endswith("s") or word.endswith(("ss", "us"))


def _names(text: str, toks: list[Token]) -> tuple[str, ...]:
    """The question's names (lowercased; a name of several words as one, "joe biden") and
    numbers."""

    def named(i: int) -> bool:
        t = toks[i]
        return t.is_capitalized and i > 0 and not t.is_stop and not t.text[:1].isdigit()

    out: list[str] = []
    run: list[str] = []
    for i, t in enumerate(toks):
        if named(i):
            run.append(re.sub(r"[’']s$", "", t.lower))
            nxt = i + 1
            possessive = re.search(r"[’']s$", t.lower) is not None  # "NetSurity's CTO": two
            joined = text[t.end : toks[nxt].start] in (" ", ". ") if nxt < len(toks) else False
            if joined and not possessive and named(nxt):
                continue
            out.append(" ".join(run))
            run = []
        elif t.text[:1].isdigit():
            out.append(t.lower)
    return tuple(dict.fromkeys(out))


def _head(text: str) -> str | None:
    match = _HEAD.search(text)
    if not match or match.group(1).lower() in STOPWORDS:
        return None
    return tokenize(match.group(1))[0].stem
