"""What is embedded for a sentence. Pure functions shared by ingest (which precomputes the
sentence vectors) and the reader (which scores sentences against a question).

A sentence embeds as itself; a long one also as its clauses (a long sentence dilutes its
embedding, and the best clause often matches a question much better: "... and obtain licenses
from our partners"); one that opens with a pronoun also together with the sentence before, so
the pronoun has its referent ("They are essential for ...").
"""

from __future__ import annotations

import re

_CLAUSE_BREAK = re.compile(r"[,;:“”\"«»()]|\s[–—-]\s")
_MIN_CLAUSE_WORDS = 4
_PRONOUN_START = re.compile(r"^[“\"]?(they|it|he|she|this|these|those|its|their|his|her)\b", re.I)


def clause_pieces(text: str) -> list[str]:
    """A long sentence's clauses (split at commas, quotes, dashes), small ones merged forward."""
    if len(text.split()) < 2 * _MIN_CLAUSE_WORDS:
        return []
    pieces: list[str] = []
    current = ""
    for part in _CLAUSE_BREAK.split(text):
        current = f"{current} {part}".strip() if current else part.strip()
        if len(current.split()) >= _MIN_CLAUSE_WORDS:
            pieces.append(current)
            current = ""
    if current and pieces:
        pieces[-1] = f"{pieces[-1]} {current}"
    return pieces if len(pieces) > 1 else []


def clause_spans(text: str) -> list[tuple[int, int]]:
    """Where ``clause_pieces``' clauses lie in ``text``: the same pieces, in the same order, as
    ``[start, end)`` ranges (for vectors pooled from the text's own token embeddings)."""
    if len(text.split()) < 2 * _MIN_CLAUSE_WORDS:
        return []
    parts: list[tuple[int, int]] = []
    pos = 0
    for m in _CLAUSE_BREAK.finditer(text):
        parts.append((pos, m.start()))
        pos = m.end()
    parts.append((pos, len(text)))
    spans: list[tuple[int, int]] = []
    start: int | None = None
    end = words = 0
    for a, b in parts:
        part = text[a:b]
        count = len(part.split())
        if count:
            if start is None:
                start = a + len(part) - len(part.lstrip())
            end = a + len(part.rstrip())
        words += count
        if start is not None and words >= _MIN_CLAUSE_WORDS:
            spans.append((start, end))
            start, words = None, 0
    if start is not None and spans:
        spans[-1] = (spans[-1][0], end)
    return spans if len(spans) > 1 else []


def opens_with_pronoun(text: str) -> bool:
    """Whether the sentence's subject is a pronoun that refers to the sentence before."""
    return _PRONOUN_START.match(text) is not None


def dense_pieces(text: str, previous: str) -> list[str]:
    """Piece 0 is the sentence itself; then its clauses; then, for a sentence that opens with
    a pronoun, the previous sentence with it."""
    pieces = [text, *clause_pieces(text)]
    if previous and opens_with_pronoun(text):
        pieces.append(f"{previous} {text}")
    return pieces


def piece_ranges(text: str, *, with_previous: bool) -> list[tuple[int, int] | None]:
    """``dense_pieces``' pieces as ranges of the sentence ``text``, in the same order: the
    sentence, its clauses, then None for the piece that also holds the previous sentence (only
    when ``with_previous`` and the sentence opens with a pronoun)."""
    ranges: list[tuple[int, int] | None] = [(0, len(text)), *clause_spans(text)]
    if with_previous and opens_with_pronoun(text):
        ranges.append(None)
    return ranges


def piece_key(article_id: str, start: int, end: int, piece: int) -> str:
    """The cache key of one piece of one sentence (article ids are content hashes, so a key's
    text never changes)."""
    return f"{article_id}:{start}:{end}:{piece}"
