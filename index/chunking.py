"""Sentence splitting and sentence-aware chunking. Pure functions over character offsets.

Every span returned is a half-open ``[start, end)`` range into the text it was computed from,
with no leading or trailing white space, so ``text[start:end]`` is always a verbatim slice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from index.types import Article, Chunk, Span

# Words after which a period does not end a sentence.
_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st gen col lt sgt capt cmdr gov sen rep rev hon pres vs etc
    inc ltd co corp dept est fig no nos approx jan feb mar apr jun jul aug sep sept oct
    nov dec mt ft ave blvd rd u.s u.k u.n e.g i.e a.m p.m""".split()
)
# A sentence ends at . ! ? or … (plus closing quotes/brackets), followed by white space.
_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s)")
MAX_SENTENCE_CHARS = 1000


@dataclass(frozen=True, slots=True)
class ChunkingOptions:
    """How articles are cut into chunks: an index holds chunks cut one way only."""

    max_chars: int = 700  # a chunk's most characters (a longer sentence is a chunk alone)
    overlap: int = 1  # sentences a chunk repeats from the one before


def trimmed_span(text: str, start: int, end: int) -> Span | None:
    """``[start, end)`` without leading and trailing white space; None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Span(start, end) if end > start else None


def _is_abbreviation(text: str, dot: int) -> bool:
    """Whether the period at ``dot`` closes an abbreviation or an initial (``U.S.``, ``J.``)."""
    j = dot
    while j > 0 and (text[j - 1].isalpha() or text[j - 1] == "."):
        j -= 1
    word = text[j:dot].lower()
    if not word:
        return False
    if word in _ABBREVIATIONS or (len(word) == 1 and text[j].isupper()):
        return True
    return "." in word and all(len(p) <= 2 for p in word.split("."))


def _next_starts_sentence(text: str, pos: int) -> bool:
    """Whether the first non-space character after ``pos`` can begin a sentence."""
    m = re.compile(r"\s*(\S)").match(text, pos)
    if m is None:
        return True
    ch = m.group(1)
    return not ch.islower() and ch not in ",;:)"


def _split_long(text: str, span: Span, limit: int) -> list[Span]:
    """Cut an over-long span at white space into pieces of at most ``limit`` characters."""
    out: list[Span] = []
    start = span.start
    while span.end - start > limit:
        cut = text.rfind(" ", start + 1, start + limit)
        if cut <= start:
            cut = start + limit
        piece = trimmed_span(text, start, cut)
        if piece:
            out.append(piece)
        start = cut
    tail = trimmed_span(text, start, span.end)
    if tail:
        out.append(tail)
    return out


def split_paragraphs(text: str) -> list[Span]:
    """Paragraph spans (separated by blank lines; a single line break also separates them)."""
    spans: list[Span] = []
    pos = 0
    for m in re.finditer(r"\n\s*", text):
        piece = trimmed_span(text, pos, m.start())
        if piece:
            spans.append(piece)
        pos = m.end()
    piece = trimmed_span(text, pos, len(text))
    if piece:
        spans.append(piece)
    return spans


def split_sentences(text: str, *, max_chars: int = MAX_SENTENCE_CHARS) -> list[Span]:
    """Sentence spans of ``text``. Line breaks always end a sentence (headlines, lists)."""
    sentences: list[Span] = []
    for para in split_paragraphs(text):
        start = para.start
        for m in _END.finditer(text, para.start, para.end):
            dot = m.start()
            if text[dot] == "." and m.end() - dot == 1 and _is_abbreviation(text, dot):
                continue
            if not _next_starts_sentence(text, m.end()):
                continue
            span = trimmed_span(text, start, m.end())
            if span:
                sentences.extend(_split_long(text, span, max_chars))
            start = m.end()
        span = trimmed_span(text, start, para.end)
        if span:
            sentences.extend(_split_long(text, span, max_chars))
    return sentences


def window_sentences(
    sentences: Sequence[Span], *, max_chars: int, overlap: int
) -> list[tuple[int, int]]:
    """Group consecutive sentences into windows of at most ``max_chars`` characters.

    Returns ``(first, last_exclusive)`` sentence indexes. Consecutive windows share up to
    ``overlap`` sentences; a single sentence longer than ``max_chars`` is a window of its own.
    """
    windows: list[tuple[int, int]] = []
    n = len(sentences)
    first = 0
    while first < n:
        last = first + 1
        while last < n and sentences[last].end - sentences[first].start <= max_chars:
            last += 1
        windows.append((first, last))
        if last >= n:
            break
        nxt = max(first + 1, last - overlap)
        if sentences[last].end - sentences[nxt].start > max_chars:
            nxt = last  # the overlap would make a window of nothing new
        first = nxt
    return windows


def chunk_article(article: Article, *, max_chars: int = 700, overlap: int = 1) -> list[Chunk]:
    """Cut an article into chunks of whole sentences, each a verbatim slice of its text."""
    text = article.text
    sentences = split_sentences(text, max_chars=max(max_chars, 50))
    chunks: list[Chunk] = []
    for ordinal, (a, b) in enumerate(
        window_sentences(sentences, max_chars=max_chars, overlap=overlap)
    ):
        start, end = sentences[a].start, sentences[b - 1].end
        chunks.append(
            Chunk(
                article_id=article.id,
                ordinal=ordinal,
                start=start,
                end=end,
                text=text[start:end],
                sentences=tuple(sentences[a:b]),
            )
        )
    return chunks


def paragraph_around(text: str, start: int, end: int) -> Span:
    """The paragraph(s) of ``split_paragraphs`` that contain ``[start, end)``."""
    paragraphs = [p for p in split_paragraphs(text) if p.end > start and p.start < end]
    if not paragraphs:
        return Span(start, end)
    return Span(paragraphs[0].start, paragraphs[-1].end)


_OPEN_QUOTES = "“«"
_CLOSE_QUOTES = "”»"


def _quote_depth(text: str) -> int:
    """Open curly/guillemet quotations left open at the end of ``text`` (straight double quotes
    toggle)."""
    depth = 0
    straight = 0
    for ch in text:
        if ch in _OPEN_QUOTES:
            depth += 1
        elif ch in _CLOSE_QUOTES:
            depth = max(0, depth - 1)
        elif ch == '"':
            straight ^= 1
    return depth + straight


def widen_to_quotation(text: str, span: Span, *, max_chars: int = 600) -> Span:
    """Widen a sentence that lies inside a quotation running over several sentences to the
    whole quotation and its attribution ("“We're putting in ... do it,” Trump told reporters."),
    within its paragraph; unchanged when that would exceed ``max_chars``."""
    para = paragraph_around(text, span.start, span.end)
    sentences = [s for s in split_sentences(text[para.start : para.end])]
    spans = [Span(para.start + s.start, para.start + s.end) for s in sentences]
    index = next((i for i, s in enumerate(spans) if s.start <= span.start < s.end), None)
    if index is None:
        return span
    first = index
    while first > 0 and _quote_depth(text[para.start : spans[first].start]) > 0:
        first -= 1
    last = index
    while last + 1 < len(spans) and _quote_depth(text[para.start : spans[last].end]) > 0:
        last += 1
    widened = Span(spans[first].start, spans[last].end)
    return widened if widened.end - widened.start <= max_chars else span
