"""Words: tokenizing with offsets, stemming, stop words. Shared by question analysis and scoring."""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from typing import NamedTuple

import Stemmer

_TOKEN = re.compile(r"\w+(?:[-’']\w+)*", re.UNICODE)
_local = threading.local()

STOPWORDS = frozenset(
    """a an the of in on at to for from by with and or but nor is are was were be been being
    am do does did done have has had having how many much what which who whom whose where
    when why this that these those it its it's their theirs there they them he him she her
    his hers i me my you your we us our as about into onto over under after before than
    then so such not no yes will would can could should may might must shall also just
    only very too more most some any all each every other another same both either neither
    if whether while during since until up down out off again further once here s t don't
    according say said says tell told talk talked""".split()
)
_WH_EN = "how what which who whom whose where when why".split()
#: The words a question asks with, in English, Ukrainian and Russian.
WH_WORDS = (
    *_WH_EN,
    *"скільки сколько хто кто де где коли когда що что який яка какой какая".split(),
)
# Words that ask rather than inform; never evidence, never part of an answer span.
QUESTION_WORDS = frozenset([*_WH_EN, *"many much kind type sort part".split()])


class Token(NamedTuple):
    """A word and its offsets (a named tuple: the reader makes tens of thousands a question,
    and a tuple is several times quicker to build than a frozen dataclass)."""

    text: str
    lower: str
    stem: str
    start: int
    end: int

    @property
    def is_stop(self) -> bool:
        return self.lower in STOPWORDS

    @property
    def is_capitalized(self) -> bool:
        return self.text[:1].isupper()


def _stemmer() -> Stemmer.Stemmer:
    stemmer: Stemmer.Stemmer | None = getattr(_local, "stemmer", None)
    if stemmer is None:
        stemmer = Stemmer.Stemmer("english")
        _local.stemmer = stemmer
    return stemmer


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The English stem of a lowercased word (possessives dropped: Ukraine’s -> ukrain)."""
    word = word.lower()
    for suffix in ("’s", "'s"):
        if word.endswith(suffix):
            word = word[: -len(suffix)]
    return str(_stemmer().stemWord(word))


def _make_tokens(text: str) -> tuple[Token, ...]:
    return tuple(
        Token(m.group(), m.group().lower(), stem(m.group()), m.start(), m.end())
        for m in _TOKEN.finditer(text)
    )


_tokens = lru_cache(maxsize=8192)(_make_tokens)
_CACHED_CHARS = 600  # sentences and short windows; longer texts are rare and one-off


def tokenize(text: str) -> list[Token]:
    """Word tokens with their offsets into ``text``. Cached by text up to a sentence's length
    (tokens are immutable): the reader looks at each candidate sentence several times a
    question, and the same sentences come back in later questions."""
    if len(text) > _CACHED_CHARS:
        return list(_make_tokens(text))
    return list(_tokens(text))


def content_stems(text: str) -> list[str]:
    """Stems of the words that carry meaning (no stop words), in order, unique."""
    seen: dict[str, None] = {}
    for tok in tokenize(text):
        if not tok.is_stop and tok.lower not in QUESTION_WORDS:
            seen.setdefault(tok.stem, None)
    return list(seen)


# Units counted under different words ("how many floors" -> "a five-story building"), by
# stem; each group is symmetric. Kept to measures, where the words are interchangeable.
_UNIT_GROUPS = (
    ("floor", "stori", "storey"),
    ("percent", "per cent", "%"),
    ("kilometr", "kilomet", "km"),
    ("metr", "meter"),
    ("ton", "tonn"),
    ("dollar", "usd", "$"),
)
UNIT_SYNONYMS: dict[str, frozenset[str]] = {
    word: frozenset(group) for group in _UNIT_GROUPS for word in group
}


def stems_with_parts(text: str) -> set[str]:
    """Stems of the words of ``text`` and of the parts of its compounds ("five-story" gives
    "five-stori", "five" and "stori")."""
    out: set[str] = set()
    for tok in tokenize(text):
        out.add(tok.stem)
        parts = re.split(r"[-’']", tok.lower)
        if len(parts) > 1:
            out.update(stem(p) for p in parts if p)
    return out


def focus_present(focus: tuple[str, ...], stems: set[str]) -> bool:
    """Whether every counted thing (a stem) is in ``stems``, itself or as a unit synonym."""
    return all(f in stems or UNIT_SYNONYMS.get(f, frozenset()) & stems for f in focus)
