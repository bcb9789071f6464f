"""Telegram HTML as tokens: visible length in UTF-16 units, splitting and truncating safely.

Input is HTML the renderer produced (tags Telegram accepts, every text character escaped).
Telegram limits a message to 4096 UTF-16 code units of *visible* text (after the markup is
parsed), so that is what is counted here. A split never cuts a tag, an entity or a code point,
closes the open tags at the end of a chunk and reopens them at the start of the next.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from enum import Enum

#: Telegram's limit on a message's text, in UTF-16 code units.
MESSAGE_LIMIT = 4096

_TOKEN = re.compile(
    r"(?P<tag><(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?>)"
    r"|(?P<entity>&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);)",
)


class Kind(Enum):
    """What a token is: a tag that opens or closes, or text (a character or an entity)."""

    OPEN = "open"
    CLOSE = "close"
    TEXT = "text"


@dataclass(frozen=True, slots=True)
class Token:
    """One token of Telegram HTML as written (``raw``): a tag's lower-case ``name``; a text's
    visible ``units`` (UTF-16) and whether it is ``blank`` (white space only)."""

    kind: Kind
    raw: str
    name: str = ""
    units: int = 0
    blank: bool = True


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (what Telegram counts)."""
    return len(text.encode("utf-16-le")) // 2


def _text_token(raw: str, value: str) -> Token:
    return Token(Kind.TEXT, raw, units=utf16_len(value), blank=not value.strip())


def tokenize(text: str) -> list[Token]:
    """Tags, entities and single characters of ``text``; raises ValueError on a stray ``<``."""
    tokens: list[Token] = []
    pos = 0
    for match in _TOKEN.finditer(text):
        tokens.extend(_text_token(ch, ch) for ch in text[pos : match.start()])
        pos = match.end()
        if match.group("tag"):
            kind = Kind.CLOSE if match.group("close") else Kind.OPEN
            tokens.append(Token(kind, match.group(0), name=match.group("name").lower()))
        else:
            entity = match.group("entity")
            tokens.append(_text_token(entity, html.unescape(entity)))
    tokens.extend(_text_token(ch, ch) for ch in text[pos:])
    if any(tok.kind is Kind.TEXT and tok.raw == "<" for tok in tokens):
        raise ValueError("unescaped '<' in Telegram HTML")
    return tokens


def visible_length(text: str) -> int:
    """The UTF-16 length of the text Telegram shows for the HTML ``text``."""
    return sum(tok.units for tok in tokenize(text))


def _choose_cut(tokens: list[Token], start: int, limit: int) -> int:
    """Index after the last token of the chunk starting at ``start`` (before closing tags)."""
    units = 0
    last_text_end = start
    paragraph = line = space = -1
    previous = ""
    pos = start
    while pos < len(tokens):
        tok = tokens[pos]
        pos += 1
        if tok.kind is not Kind.TEXT:
            continue
        if units + tok.units > limit:
            break
        units += tok.units
        last_text_end = pos
        if units >= limit // 2:
            if tok.raw == "\n":
                paragraph, line = (pos, pos) if previous == "\n" else (paragraph, pos)
            elif tok.raw == " ":
                space = pos
        previous = tok.raw
    else:
        return len(tokens)
    if last_text_end == start:
        raise ValueError(f"limit {limit} is too small for a single character")
    for candidate in (paragraph, line, space):
        if candidate > start:
            return candidate
    return last_text_end


def split_html(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split Telegram HTML into messages of at most ``limit`` visible UTF-16 units each.

    Prefers to break at a blank line, then a line end, then a space (in the second half of a
    chunk). Chunks with only whitespace are dropped.
    """
    tokens = tokenize(text)
    chunks: list[str] = []
    stack: list[Token] = []
    start = 0
    while start < len(tokens):
        cut = _choose_cut(tokens, start, limit)
        while cut < len(tokens) and tokens[cut].kind is Kind.CLOSE:
            cut += 1
        parts = [tok.raw for tok in stack]
        blank = True
        for tok in tokens[start:cut]:
            parts.append(tok.raw)
            blank = blank and tok.blank
            if tok.kind is Kind.OPEN:
                stack.append(tok)
            elif tok.kind is Kind.CLOSE:
                if not stack or stack[-1].name != tok.name:
                    raise ValueError(f"misnested </{tok.name}> in Telegram HTML")
                stack.pop()
        parts.extend(f"</{tok.name}>" for tok in reversed(stack))
        if not blank:
            chunks.append("".join(parts))
        start = cut
    if stack:
        raise ValueError(f"unclosed <{stack[-1].name}> in Telegram HTML")
    return chunks


def truncate_html(text: str, limit: int = MESSAGE_LIMIT, ellipsis: str = "…") -> str:
    """``text`` if it fits in ``limit`` units, else its first part followed by ``ellipsis``."""
    if visible_length(text) <= limit:
        return text
    chunks = split_html(text, limit - utf16_len(ellipsis))
    return (chunks[0] if chunks else "") + ellipsis  # only white space: just the ellipsis
