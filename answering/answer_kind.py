"""Whether a short answer is of the kind the question asks for. Pure functions.

- who: a person's or an organisation's name (not a common noun that opens the sentence,
  "Actor", nor a people, "Pakistanis");
- how many: a number that is not a year or a clock time;
- how much / how long / what percentage: money, a share, or a number with its unit;
- when: a date, a day, a month, a year or a time;
- where / which agency: a name.

A span that is not of the asked kind is never shown as the short answer: the excerpt then
stands alone (``typed_answer``). For "how many" questions the happening counted must agree
too (``events``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from answering.entities import number_spans, time_spans
from answering.lexicon import STOPWORDS, Token, focus_present, tokenize
from answering.question import AnswerType, Question
from answering.readers.extractive import Reading
from answering.readers.spans import TITLES, candidate_spans, extend_with_noun
from index.types import Span

#: Kinds whose answer is a value: a sentence without one of them does not answer.
VALUE_KINDS = frozenset({AnswerType.COUNT, AnswerType.AMOUNT, AnswerType.TIME})

_YEAR = re.compile(r"(?:19|20)\d\d")
_CLOCK = re.compile(r"\d{1,2}[:.]\d\d(?:\s*[ap]\.?m\.?)?|\d{1,2}\s*[ap]\.?m\.?", re.IGNORECASE)
_WHAT_HAPPENED = re.compile(
    r"(?i)\bwhat(?:'s| is| has| was)?\s+(?:happen\w*|going on)\b"
    r"|\bwhat(?:'s| is)\s+(?:new|the (?:news|situation|latest))\b"
)
# "What is the name of...": a name answers, or nothing does.
_ASKS_NAME = re.compile(r"(?i)\b(?:what|which)(?:'s| is| was| are| were)? the names? of\b")
_ASKS_MONEY = re.compile(
    r"(?i)\bhow much\b.*\b(?:money|cost|costs|earn\w*|pa(?:y|id|ys)|worth|spen[dt]\w*|price\w*|"
    r"salar\w*|wages?|fees?|budget\w*|fund\w*|sold|bought|raised?|invest\w*|aid|charge\w*)\b"
)
_BY_HOW_MUCH = re.compile(r"(?i)\bby how much\b")  # a change: a share answers too
_MODIFIER = re.compile(r"[^\W\d_]+-([^\W\d_]+)")  # a number word compounded with its unit
_CLOCK_PART = re.compile(r"[:.]\d\d\b")
_MONEY = re.compile(
    r"[$£€¥₴₽]|\b(?:dollars?|pounds?|euros?|hryvnias?|roubles?|rubles?|yuan|francs?|usd|eur"
    r"|gbp|uah|rub)\b|\d\s?(?:bn|m|million|billion|trillion)\b",
    re.IGNORECASE,
)
_SHARE = re.compile(r"%|\bper\s?cent\b|\bpercent\b|\bfold\b", re.IGNORECASE)
# What quantities are measured in: "250,000 tons", "two weeks", "a 5,000-word essay".
_UNITS = frozenset(
    """ton tonne kg kilogram gram pound ounce barrel litre liter gallon cubic km kilometre
    kilometer mile metre meter foot feet inch yard acre hectare square mw gw kw megawatt
    gigawatt kwh watt volt second minute hour day week month year decade century time fold
    word page point degree calorie dose shell round bpd""".split()
)
_NAME_LIKE_MONTHS = frozenset("jan mar may jun jul aug sep sept oct nov dec".split())
_TIME_WORDS = frozenset(
    """dawn dusk midnight noon morning afternoon evening night overnight week weekend month
    year decade century hours minutes ago""".split()
)
# Peoples and nationalities in the plural ("Pakistanis", "Ukrainians", "Chinese").
_PEOPLES = re.compile(r"(?:[aeiou]ns|[aeiu]nis|ese|ish|ites)$")
# Titles, and the job words that stand before a name as one ("Actor Martin Scorsese").
_TITLES = TITLES | frozenset({"actor", "actress", "singer", "star"})


def _has_number(text: str, *, counting: bool = False) -> bool:
    """Whether ``text`` holds a number that is not a year or a clock time (nor, when
    ``counting``, a number word compounded with a unit: "a quarter-century" counts nothing)."""
    for span in number_spans(text):
        value = span.slice(text).strip()
        if _YEAR.fullmatch(value) or _CLOCK.fullmatch(value):
            continue
        modifier = _MODIFIER.fullmatch(value.lower())
        if counting and modifier and _is_unit(modifier.group(1)):
            continue
        if re.fullmatch(r"\d{1,2}", value) and _CLOCK.search(text):
            continue  # "20" of "20:00"
        return True
    return False


def _is_quantity(text: str) -> bool:
    """Money, a share, or a number with its unit ("23 years", "six tonnes", "5,000-word")."""
    if not _has_number(text):
        return False
    if _MONEY.search(text) or _SHARE.search(text):
        return True
    return any(_is_unit(w) for w in re.findall(r"[^\W\d_]+", text.lower()))


def _is_unit(word: str) -> bool:
    return word in _UNITS or (word.endswith("s") and word[:-1] in _UNITS)


def _with_unit(sentence: str, span: Span) -> Span:
    """``250,000`` -> ``250,000 tons``: a number with the word that measures it."""
    if _is_quantity(span.slice(sentence)):
        return span
    m = re.match(r"[ \u00a0]?([^\W\d_][\w-]*)", sentence[span.end :])
    if m is None or m.group(1).lower() in STOPWORDS or m.group(1)[:1].isupper():
        return span
    return Span(span.start, span.end + m.end())


def _asked_numbers(question: Question, text: str) -> bool:
    """Whether every number in ``text`` is one the question already gives ("AGM-88")."""
    numbers = re.findall(r"\d[\d,.]*\d|\d", text)
    asked = set(re.findall(r"\d[\d,.]*\d|\d", question.text))
    return bool(numbers) and all(n in asked for n in numbers)


def _is_time(text: str) -> bool:
    found = [span.slice(text).lower().rstrip(".") for span in time_spans(text)]
    # A bare "Jan" or "May" is as often a name ("Foreign Minister Jan Lipavsky").
    if any(f not in _NAME_LIKE_MONTHS for f in found) or _CLOCK.search(text):
        return True
    return any(t.lower in _TIME_WORDS for t in tokenize(text))


def _common_word(token: Token, at_start: bool, article: str) -> bool:
    """A capitalised word that is an ordinary word: it opens the sentence and the article
    also has it in lower case ("Actor ... the actor")."""
    return at_start and re.search(rf"\b{re.escape(token.lower)}\b", article) is not None


def _is_name(question: Question, span: Span, sentence: str, article: str, *, person: bool) -> bool:
    """A name the question does not already give ("six African nations" does not answer
    "which six African countries")."""
    asked = question.name_words | set(question.terms)
    tokens = tokenize(span.slice(sentence))
    named = [
        t
        for t in tokens
        if t.is_capitalized
        and t.lower not in STOPWORDS
        and t.lower not in _TITLES
        and t.lower not in asked
        and t.stem not in asked
    ]
    if not named:
        return False
    if len(named) == 1:
        only = named[0]
        at_start = not sentence[: span.start + only.start].strip(" \"“‘'(")
        if _common_word(only, at_start, article):
            return False
        if person and _PEOPLES.search(only.lower) and not only.text.isupper():
            return False
    return True


def fits_kind(question: Question, sentence: str, span: Span, article: str = "") -> bool:
    """Whether ``sentence[span]`` is an answer of the kind ``question`` asks for; ``article``
    (the whole text) tells ordinary words from names."""
    text = span.slice(sentence)
    kind = question.answer_type
    if kind in (AnswerType.COUNT, AnswerType.AMOUNT) and (
        _asked_numbers(question, text) or _CLOCK_PART.match(sentence[span.end :])
    ):
        return False  # the question's own number, or the hour of "20:00"
    if kind is AnswerType.COUNT:
        return _has_number(text, counting=True)
    if kind is AnswerType.AMOUNT:
        if re.search(r"\bhow old\b", question.text, re.IGNORECASE):
            return _has_number(text)
        if _ASKS_MONEY.search(question.text) and not _BY_HOW_MUCH.search(question.text):
            return _has_number(text) and bool(_MONEY.search(text))
        return _is_quantity(text)
    if kind is AnswerType.TIME:
        return _is_time(text)
    if kind in (AnswerType.PERSON, AnswerType.PLACE, AnswerType.ENTITY):
        return _is_name(question, span, sentence, article, person=kind is AnswerType.PERSON)
    # "What happened?" is answered by the whole report: no fragment of it is the answer.
    return bool(text.strip()) and not _WHAT_HAPPENED.search(question.text)


def typed_answer(question: Question, reading: Reading) -> Reading:
    """``reading`` with a short answer of the asked kind: its own if it fits, else the first
    candidate of that kind in the sentence, else none (the excerpt stands alone)."""
    article = reading.article.text
    start = reading.sentence.start
    sentence = reading.sentence.slice(article)
    own = reading.answer
    if own is not None and reading.sentence.start <= own.start and own.end <= reading.sentence.end:
        local = Span(own.start - start, own.end - start)
        if question.answer_type is AnswerType.AMOUNT:
            local = _with_unit(sentence, local)
        if fits_kind(question, sentence, local, article):
            return replace(reading, answer=Span(start + local.start, start + local.end), typed=True)
    for local in candidate_spans(sentence, question):
        if question.answer_type is AnswerType.AMOUNT:
            local = _with_unit(sentence, local)
        if fits_kind(question, sentence, local, article):
            return replace(reading, answer=Span(start + local.start, start + local.end), typed=True)
    needs_value = question.answer_type in VALUE_KINDS or bool(_ASKS_NAME.search(question.text))
    return replace(reading, answer=None, typed=not needs_value)


def counts_focus(question: Question, reading: Reading) -> bool:
    """Whether the reading's short answer counts the question's thing: "37 of the 65 drones
    that..." for "how many drones", not the "two" of "two fly-bys" in a sentence about a
    drone. True for questions that count nothing named."""
    if not question.focus or reading.answer is None:
        return not question.focus
    text = reading.article.text
    if focus_present(question.focus, {t.stem for t in tokenize(reading.answer.slice(text))}):
        return True
    return extend_with_noun(text, reading.answer, question.focus) != reading.answer
