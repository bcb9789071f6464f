"""Finding the short answer inside a sentence, by the kind of answer asked for. Pure functions.

Every span is relative to the sentence text it was found in; the caller adds the sentence's
offset, so the short answer is a verbatim slice of the article too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from answering.entities import name_spans, number_spans, time_spans
from answering.lexicon import STOPWORDS, Token, tokenize
from answering.question import AnswerType, Question
from index.types import Span

_PLACE_PREPS = frozenset({"in", "at", "from", "near", "into", "across", "over"})
_PLACE_NOUNS = frozenset(
    "city town village region province district country capital state area oblast".split()
)
_WEAK_PLACE_PREPS = frozenset({"on", "to"})
_SAID = frozenset({"said", "says", "told", "added", "announced", "wrote", "stated", "urged"})
TITLES = frozenset(
    """president governor minister mr mrs ms dr prime secretary chancellor spokesman
    spokeswoman chief leader mayor general commander ambassador senator judge king queen
    prince""".split()
)
_CLAUSE_END = re.compile(r"[,;:.!?”\"»)]|\s[–—-]\s")


def _words(text: str, span: Span) -> list[Token]:
    return tokenize(text[span.start : span.end])


def _only_question_tokens(tokens: Sequence[Token], question: Question) -> bool:
    terms = set(question.terms) | question.name_words
    return all(t.stem in terms or t.lower in terms for t in tokens if not t.is_stop)


def _only_question_words(text: str, span: Span, question: Question) -> bool:
    return _only_question_tokens(_words(text, span), question)


def _novel(text: str, spans: list[Span], question: Question) -> list[Span]:
    return [s for s in spans if not _only_question_words(text, s, question)]


def extend_with_noun(text: str, span: Span, focus: Sequence[str]) -> Span:
    """``eight`` -> ``eight houses`` when the counted noun follows within a few words."""
    if not focus:
        return span
    window = text[span.end : span.end + 60]
    for tok in tokenize(window)[:4]:
        if tok.stem in focus:
            return Span(span.start, span.end + tok.end)
        if tok.lower in {"and", "or", "but", "said"} or re.search(r"[,;.]", window[: tok.start]):
            break
    return span


def _rank_numbers(text: str, question: Question) -> list[Span]:
    spans = _novel(text, number_spans(text), question)
    if question.answer_type is AnswerType.COUNT:
        spans = [s for s in spans if not re.fullmatch(r"(?:19|20)\d\d", text[s.start : s.end])]

    def near_focus(span: Span) -> int:
        extended = extend_with_noun(text, span, question.focus)
        return 0 if extended != span else 1

    spans.sort(key=near_focus)
    return [extend_with_noun(text, s, question.focus) for s in spans]


def _strip_known(text: str, span: Span, question: Question) -> Span:
    """Drop leading/trailing words the question already has, and titles: "Cherkasy Governor
    Ihor Taburets" -> "Ihor Taburets" when asked about the Cherkasy governor."""
    toks = tokenize(text[span.start : span.end])
    known = set(question.terms) | question.name_words

    def drop(t: Token) -> bool:
        return t.stem in known or t.lower in known or t.lower in TITLES

    while len(toks) > 1 and drop(toks[0]):
        toks = toks[1:]
    while len(toks) > 1 and drop(toks[-1]):
        toks = toks[:-1]
    return Span(span.start + toks[0].start, span.start + toks[-1].end) if toks else span


def _rank_names(text: str, question: Question, prefer: Callable[[Span], int]) -> list[Span]:
    spans = [_strip_known(text, s, question) for s in _novel(text, name_spans(text), question)]
    spans.sort(key=lambda s: (prefer(s), -(s.end - s.start)))
    return spans


def _preceded_by(text: str, span: Span, words: frozenset[str]) -> bool:
    before = tokenize(text[max(0, span.start - 12) : span.start])
    return bool(before) and before[-1].lower in words


def _followed_by(text: str, span: Span, words: frozenset[str]) -> bool:
    after = tokenize(text[span.end : span.end + 12])
    return bool(after) and after[0].lower in words


_TRIM = frozenset(
    """the a an to be is are was were been of that and also has have had it its this these
    those their there as by for with""".split()
)


def _trim_run(run: list[Token]) -> list[Token]:
    while run and run[0].lower in _TRIM:
        run = run[1:]
    while run and (run[-1].lower in _TRIM or run[-1].lower in STOPWORDS):
        run = run[:-1]
    return run


def head_noun_span(text: str, question: Question) -> Span | None:
    """For "which part"/"what kind of buildings": the modifiers + head noun in ``text``
    (``central part``, ``administrative buildings``), skipping the question's own modifiers."""
    if not question.head:
        return None
    toks = tokenize(text)
    terms = set(question.terms)
    for i, tok in enumerate(toks):
        if tok.stem != question.head:
            continue
        j = i
        while j > 0 and i - j < 2 and not toks[j - 1].is_stop and toks[j - 1].stem not in terms:
            if re.search(r"[,;.“”\"]", text[toks[j - 1].end : toks[j].start]):
                break
            j -= 1
        if j < i:
            return Span(toks[j].start, tok.end)
    return None


def clause_anchor(text: str, span: Span, question: Question) -> float:
    """How well a clause is anchored: 1.0 next to the question's predicate (the verb of "what
    did X do <where>", else the last term: "essential for [...]"), 0.6 next to another term,
    else 0.3. Next to only the place or time phrase that follows the verb counts 0.3 too: a
    clause there says what happened at the pier, not what the engineers replaced."""
    before = tokenize(text[max(0, span.start - 40) : span.start])
    after = tokenize(text[span.end : span.end + 40])
    near = {t.stem for t in before[-3:]} | {t.stem for t in after[:3]}
    terms = list(question.terms)
    final = set(question.predicate or terms[-1:])
    if near & final:
        return 1.0
    verb = question.predicate[0] if question.predicate else None
    framing = set(terms[terms.index(verb) + 1 :]) if verb in terms else set()
    if near & (set(terms) - framing):
        return 0.6
    return 0.3


def attributed_names(text: str, question: Question) -> list[Span]:
    """Names that speak or hold a title ("Zelenskyy said", "Governor Ihor Taburets")."""
    return [
        s
        for s in _novel(text, name_spans(text), question)
        if _followed_by(text, s, _SAID)
        or _preceded_by(text, s, _SAID)
        or tokenize(text[s.start : s.end])[0].lower in TITLES
    ]


def _place_rank(text: str, span: Span) -> int:
    """0: "in Kyiv", "the city of Izyum"; 1: "on Telegram", "to Kyiv"; 2: any other name."""
    before = tokenize(text[max(0, span.start - 24) : span.start])
    if before and before[-1].lower in _PLACE_PREPS:
        return 0
    if len(before) >= 2 and before[-1].lower == "of" and before[-2].lower in _PLACE_NOUNS:
        return 0
    if before and before[-1].lower in _WEAK_PLACE_PREPS:
        return 1
    return 2


def clause_span(text: str, question: Question) -> Span | None:
    """The run of non-question words that answers a "what" question.

    Runs are the words between occurrences of question terms (or clause punctuation); a run
    bounded by question terms on both sides is preferred ("hit [the central part of the city
    of] Izyum"), then one that follows a question term ("essential for [an array of ...]").
    """
    toks = tokenize(text)
    terms = set(question.terms) | question.name_words
    best: tuple[int, int, Span] | None = None
    run: list[Token] = []
    left_bound = False
    for i in range(len(toks) + 1):
        tok = toks[i] if i < len(toks) else None
        is_term = tok is not None and (tok.stem in terms or tok.lower in terms)
        breaks = (
            tok is None
            or is_term
            or (bool(run) and bool(_CLAUSE_END.search(text[run[-1].end : tok.start])))
        )
        if breaks:
            trimmed = _trim_run(run)
            if trimmed:
                span = Span(trimmed[0].start, trimmed[-1].end)
                score = 2 * left_bound + int(is_term)
                if not _only_question_tokens(trimmed, question) and (
                    best is None or score > best[0]
                ):
                    best = (score, i, span)
            run = []
            left_bound = is_term
        if tok is not None and not is_term:
            run.append(tok)
    return best[2] if best and best[0] > 0 else None


def candidate_spans(text: str, question: Question) -> list[Span]:
    """Answer candidates of the asked type in ``text``, best first (may be empty)."""
    kind = question.answer_type
    if kind in (AnswerType.COUNT, AnswerType.AMOUNT):
        return _rank_numbers(text, question)
    if kind is AnswerType.TIME:
        return _novel(text, time_spans(text), question)
    if kind is AnswerType.PERSON:
        return _rank_names(text, question, lambda s: 0 if _followed_by(text, s, _SAID) else 1)
    if kind is AnswerType.PLACE:
        return _rank_names(text, question, lambda s: _place_rank(text, s))
    if kind is AnswerType.ENTITY:
        return _rank_names(
            text, question, lambda s: 0 if _preceded_by(text, s, frozenset({"by"})) else 1
        )
    found = [s for s in (head_noun_span(text, question), clause_span(text, question)) if s]
    return found


@dataclass(frozen=True, slots=True)
class AnswerSpans:
    """What a sentence offers as a short answer: the candidates of the asked kind (best
    first) and the clause that answers a "what" question."""

    typed: list[Span]
    clause: Span | None

    @property
    def best(self) -> Span | None:
        """The short answer: the best candidate of the asked kind, else the clause."""
        return self.typed[0] if self.typed else self.clause


def answer_spans(text: str, question: Question) -> AnswerSpans:
    """The short-answer candidates of ``text`` for ``question``."""
    return AnswerSpans(candidate_spans(text, question), clause_span(text, question))
