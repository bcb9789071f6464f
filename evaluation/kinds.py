"""Whether a short answer is of the kind its question asks for, judged on the evaluation side.

Only the question's answer type comes from the answering code (``classify``, by the question's
wording); the short answer is read by the plain rules here, not by the reader's span typing,
so a wrong span type in the reader shows up as a wrong kind here:

- COUNT: a number (digits or a number word: "37 of the 65 drones", "three", "dozens").
- AMOUNT: a quantity: a number with a unit, a percentage or money ("$4 billion", "two weeks");
  a bare number ("six") is not one, except for "how old".
- TIME: a date, weekday, month, year, time of day or relative day ("4 February", "last night").
- PERSON: a person's or organisation's name: a capitalised word that is not a common noun
  ("Actor") or a demonym ("Pakistanis").
- PLACE: a capitalised place name, on the same test.
- ENTITY and OTHER ("what happened in Kharkiv?"): not judged.

A short answer that is the whole first quote (no span was picked) is not judged either.
Names are read from capitalisation, so a common noun opening an answer passes for a name
unless it is listed in ``COMMON_WORDS`` or written in lower case elsewhere in the quote.
"""

from __future__ import annotations

import re

from answering.question import AnswerType, classify

NUMBER_WORDS = frozenset(
    """zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
    fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty
    ninety hundred hundreds thousand thousands million millions billion billions trillion
    trillions dozen dozens half none
    один одна два дві три чотири п'ять шість сім вісім дев'ять десять сто тисяча тисячі
    тисяч мільйон мільйони двое трое четыре пять шесть семь восемь девять тысяча тысячи
    миллион миллиона""".split()
)
# Words around a number that do not make it a quantity ("about six", "more than 40").
_HEDGES = frozenset(
    """a an the about around some nearly almost roughly approximately more less than over
    under up to at least most only just""".split()
)
_MONEY_OR_SHARE = re.compile(
    r"[%$€£₴¥]|\b(?:per ?cent|percent|percentage points?|dollars?|euros?|pounds?|hryvnias?"
    r"|roubles?|rubles?|yuan|yen|\d+(?:\.\d+)?(?:bn|m|mn|k))\b",
    re.IGNORECASE,
)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december"
    "|jan|feb|apr|jun|jul|aug|sept?|oct|nov|dec"
)
_TIME = re.compile(
    r"\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|" + _MONTHS + r""
    r"|yesterday|today|tomorrow|tonight|overnight|ago|earlier|later"
    r"|morning|afternoon|evening|night|midnight|noon|dawn|dusk|weekend"
    r"|minutes?|hours?|days?|weeks?|months?|years?|decades?|century"
    r"|spring|summer|autumn|winter|a\.m|p\.m|gmt|utc)\b"
    r"|\b\d{1,2} ?(?:am|pm)\b|\b(?:1[89]|20)\d\d\b|\b\d{1,2}:\d\d\b"
    r"|\b\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}\b",
    re.IGNORECASE,
)
_HOW_OLD = re.compile(r"\bhow old\b", re.IGNORECASE)
_EDGE = ".,;:!?\"'()[]{}«»“”‘’—–"
_POSSESSIVE = re.compile(r"['’]s?$")

_DEMONYM_ROOTS = """afghan albanian algerian american arab argentine argentinian armenian
    australian austrian azerbaijani belarusian belarussian belgian brazilian brit british
    briton bulgarian canadian chechen chilean chinese croatian cuban czech dane danish dutch
    egyptian english estonian european finn finnish french georgian german greek hungarian
    indian iranian iraqi irish israeli italian japanese jordanian kazakh korean kurd kurdish
    latvian lebanese libyan lithuanian mexican moldovan mongolian nigerian norwegian pakistani
    palestinian persian pole polish portuguese romanian russian saudi scot scottish serb
    serbian slovak slovakian slovenian somali soviet spaniard spanish swede swedish swiss
    syrian taiwanese tatar turk turkish ukrainian uzbek venezuelan vietnamese welsh yemeni
    african asian crimean western""".split()
DEMONYMS = frozenset(_DEMONYM_ROOTS) | frozenset(f"{w}s" for w in _DEMONYM_ROOTS)
# Common nouns and other words a short answer may begin with, capitalised, that name no one.
COMMON_WORDS = frozenset(
    """actor actress singer artist president presidents minister ministers premier governor
    mayor official officials spokesman spokeswoman spokesperson commander commanders general
    generals soldier soldiers troops forces police officer officers army military government
    governments authorities residents people citizens civilians expert experts analyst
    analysts critics lawmaker lawmakers leader leaders chief head director chairman ceo
    founder journalist journalists reporter reporters witness witnesses victim victims man
    woman men women child children family families friends neighbours neighbors
    investigators prosecutor prosecutors court judge diplomat diplomats ambassador envoy
    parliament senator senators voters protesters rebels separatists militants hackers
    students workers employees staff doctors rescuers volunteers refugees fighters
    mercenaries pilots crew sailors he she they it we i you someone somebody nobody everyone
    others both all many most several some none unknown them him her his their the a an this
    that these those there here city town village region country capital area border north
    south east west northern southern eastern central front frontline coast island port base
    airport station plant factory abroad home overseas mr mrs ms dr sir""".split()
)


def _words(text: str) -> list[str]:
    return [w for w in (raw.strip(_EDGE) for raw in text.split()) if w]


_DIGITS = re.compile(r"[\d.,]*\d")


def _is_number(word: str) -> bool:
    """A number and nothing else: digits ("5,000") or number words ("twenty-five")."""
    if _DIGITS.fullmatch(word):
        return True
    parts = [p for p in word.lower().split("-") if p]
    return bool(parts) and all(p in NUMBER_WORDS for p in parts)


def has_number(text: str) -> bool:
    """Digits or a number word ("37", "2.8bn", "5,000-word", "twenty-five", "five-story")."""
    if any(ch.isdigit() for ch in text):
        return True
    return any(part in NUMBER_WORDS for w in _words(text) for part in w.lower().split("-"))


def is_quantity(text: str, *, bare_ok: bool = False) -> bool:
    """A number with a unit, a percentage or money; a bare number only with ``bare_ok``."""
    if not has_number(text):
        return False
    if _MONEY_OR_SHARE.search(text):
        return True
    rest = [w for w in _words(text) if w.lower() not in _HEDGES]
    return bare_ok or not (len(rest) == 1 and _is_number(rest[0]))


def is_time(text: str) -> bool:
    """A date, weekday, month, year, time of day or relative time word."""
    return _TIME.search(text) is not None


def has_name(text: str, context: str = "") -> bool:
    """A capitalised word that is neither a common word, a demonym, nor a word ``context``
    (the quote the answer came from) writes in lower case."""
    lower_in_context = {w.lower() for w in _words(context) if w.islower()}
    for word in _words(text):
        bare = _POSSESSIVE.sub("", word)
        low = bare.lower()
        if not bare[:1].isupper() or low in COMMON_WORDS or low in DEMONYMS:
            continue
        if low not in lower_in_context:
            return True
    return False


def _is_span(short: str, first_quote: str | None) -> bool:
    """Whether ``short`` is a short answer picked from the quote, not the whole quote."""
    return first_quote is None or " ".join(short.split()) != " ".join(first_quote.split())


def kind_fits(question: str, short: str | None, first_quote: str | None = None) -> bool | None:
    """Whether the short answer is of the kind ``question`` asks for; None when not judged
    (declined, no span picked, or a question type that is not judged)."""
    if short is None or not short.strip() or not _is_span(short, first_quote):
        return None
    match classify(question):
        case AnswerType.COUNT:
            return has_number(short)
        case AnswerType.AMOUNT:
            return is_quantity(short, bare_ok=_HOW_OLD.search(question) is not None)
        case AnswerType.TIME:
            return is_time(short)
        case AnswerType.PERSON | AnswerType.PLACE:
            return has_name(short, first_quote or "")
        case _:
            return None
