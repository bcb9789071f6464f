"""Finding named things in text with offsets: numbers, dates and names. Pure functions.

Numbers and quantities, dates and days, runs of capitalised words (a cheap named-entity
finder); spans are relative to the text given."""

from __future__ import annotations

import re
from collections.abc import Sequence

from answering.lexicon import STOPWORDS, Token, tokenize
from index.types import Span

_UNITS = {
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty"
    " ninety hundred hundreds thousand thousands million millions billion billions trillion"
    " trillions dozen dozens half quarter"
}
NUMBER_WORDS = frozenset(next(iter(_UNITS)).split())
_NUM_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_NUMBER = re.compile(
    rf"""(?ix)
    (?:[$£€¥]\s?)?
    (?:
        \d{{1,3}}(?:,\d{{3}})+(?:\.\d+)? | \d+(?:\.\d+)?
        | \b(?:{_NUM_WORD})(?:[-\s](?:{_NUM_WORD}))*\b
    )
    (?:\s?(?:%|per\s?cent|percent|bn|m|k|million|billion|trillion|thousand)\b|%)?
    (?:\s+of\s+(?:the\s+)?(?:\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?|(?:{_NUM_WORD})))?
    (?:\s+of\s+(?:{_NUM_WORD}|dollars|pounds|euros|people))*
    (?:-[a-z]+)?
    """
)
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_MONTHS = """january february march april may june july august september october november
december jan feb mar apr jun jul aug sep sept oct nov dec""".split()
_TIME = re.compile(
    rf"""(?ix)\b(?:
        (?:{"|".join(_WEEKDAYS)})(?:\s+(?:morning|afternoon|evening|night))?
        | \d{{1,2}}\s+(?:{"|".join(_MONTHS)})\.?(?:\s+\d{{4}})?
        | (?:{"|".join(_MONTHS)})\.?\s+\d{{1,2}}(?:,?\s+\d{{4}})?
        | (?:{"|".join(_MONTHS)})(?:\s+\d{{4}})?
        | (?:19|20)\d\d
        | \d{{4}}-\d\d-\d\d
        | yesterday|today|tonight|overnight|last\s+(?:week|month|year|night)
        | earlier\s+this\s+(?:week|month|year)|this\s+(?:week|month|year)
    )\b"""
)
_NAME_JOINERS = frozenset({"of", "de", "van", "von", "al", "bin", "la", "le", "and"})


def number_spans(text: str) -> list[Span]:
    """Numbers and quantities: ``37 of the 65``, ``eight``, ``$1.13bn``, ``76%``."""
    return [Span(m.start(), m.end()) for m in _NUMBER.finditer(text) if m.group().strip()]


def time_spans(text: str) -> list[Span]:
    """Days, dates, months, years and relative times."""
    return [Span(m.start(), m.end()) for m in _TIME.finditer(text)]


def name_spans(text: str, tokens: Sequence[Token] | None = None) -> list[Span]:
    """Runs of capitalised words (allowing ``of``/``and`` inside): a cheap named-entity finder."""
    toks = list(tokens) if tokens is not None else tokenize(text)
    spans: list[Span] = []
    i = 0
    while i < len(toks):
        tok = toks[i]
        if not tok.is_capitalized or tok.lower in STOPWORDS or tok.lower in _WEEKDAYS:
            i += 1
            continue
        j = i + 1
        while j < len(toks):
            nxt = toks[j]
            gap = text[toks[j - 1].end : nxt.start]
            if gap.strip() not in ("", "-", "."):
                break
            if nxt.is_capitalized and nxt.lower not in _WEEKDAYS:
                j += 1
            elif nxt.lower in _NAME_JOINERS and j + 1 < len(toks) and toks[j + 1].is_capitalized:
                j += 2
            else:
                break
        spans.append(Span(toks[i].start, toks[j - 1].end))
        i = j
    return spans
