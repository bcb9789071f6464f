"""Fuzzing ``bot.telegram.render.markup``: splitting and truncating any Telegram HTML.

Whatever Telegram HTML the renderer hands it (any text, escaped, in any allowed nesting of tags),
splitting and truncating give messages the Bot API accepts, within the limit, keeping all the
visible text and adding no markup of their own.

The checks are plain functions, shared with ``bench/fuzz.py`` through ``TARGETS``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hypothesis import strategies as st

from bot.telegram.render.html import esc
from bot.telegram.render.markup import MESSAGE_LIMIT, split_html, truncate_html, visible_length
from tests.bot.telegram.bot_api_rules import check_text, parse_html, utf16_units
from tests.fuzzing import HOSTILE, FuzzTarget, fuzz_each

#: Any text, often hostile (see ``fuzzing.HOSTILE``).
TEXT = st.lists(HOSTILE | st.text(max_size=15), max_size=12).map("".join)
#: Sometimes far longer than a message (repeats are cheap for hypothesis to draw).
LONG_TEXT = st.tuples(TEXT, st.sampled_from([1, 1, 1, 3, 40, 300])).map(lambda p: p[0] * p[1])

_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_OPENERS = (
    ("b", "<b>"),
    ("i", "<i>"),
    ("u", "<u>"),
    ("s", "<s>"),
    ("tg-spoiler", "<tg-spoiler>"),
    ("span", '<span class="tg-spoiler">'),
    ("a", '<a href="https://news.test/?a=1&amp;b=%22">'),
    ("code", "<code>"),
    ("pre", "<pre>"),
    ("blockquote", "<blockquote>"),
    ("blockquote", "<blockquote expandable>"),
)
_NO_SELF_NESTING = {"a", "blockquote", "pre", "code"}


def open_tags(html: str) -> list[tuple[str, str]]:
    """The opening tags of ``html`` as ``(name, attributes)``, in order."""
    return [(m.group(2).lower(), m.group(3)) for m in _TAG.finditer(html) if not m.group(1)]


def whitespace_dropped(part: str, whole: str, *, prefix: bool = False) -> bool:
    """Whether ``part`` is ``whole`` (or, with ``prefix``, a start of it) with at most some
    white space left out (splitting drops chunks that are only white space)."""
    rest = iter(whole)
    for char in part:
        for other in rest:
            if other == char:
                break
            if not other.isspace():
                return False
        else:
            return False
    return prefix or all(other.isspace() for other in rest)


@st.composite
def telegram_html(draw: st.DrawFn, depth: int = 3, inside: frozenset[str] = frozenset()) -> str:
    """Valid Telegram HTML as the renderer makes it: escaped text in nested allowed tags."""
    allowed = [t for t in _OPENERS if t[0] not in inside or t[0] not in _NO_SELF_NESTING]
    parts: list[str] = []
    for _ in range(draw(st.integers(0, 3))):
        if depth and draw(st.booleans()):
            name, opener = draw(st.sampled_from(allowed))
            body = draw(telegram_html(depth - 1, inside | {name}))
            parts.append(f"{opener}{body}</{name}>")
        else:
            parts.append(esc(draw(LONG_TEXT)))
    return "".join(parts)


LIMITS = st.integers(3, 200) | st.just(MESSAGE_LIMIT)


def valid_messages(messages: Iterable[str], limit: int = MESSAGE_LIMIT) -> list[str]:
    """The visible texts of ``messages``; fails if the Bot API would refuse one."""
    plains = [check_text(message, "HTML") for message in messages]
    assert all(utf16_units(plain) <= limit for plain in plains)
    return plains


def check_escape(text: str) -> None:
    """Escaped text shows exactly as itself and is measured as Telegram measures it."""
    html = esc(text)
    assert parse_html(html) == text
    assert visible_length(html) == utf16_units(text)


def check_split(html: str, limit: int) -> None:
    """Every piece is valid and within ``limit``; together they show the whole visible text
    (less white-space-only pieces); no tag appears that the input did not have; a text that
    fits stays one unchanged message; a blank one gives none."""
    plain = parse_html(html)
    pieces = split_html(html, limit)
    shown = valid_messages(pieces, limit)
    assert whitespace_dropped("".join(shown), plain)
    assert {tag for piece in pieces for tag in open_tags(piece)} <= set(open_tags(html))
    if not plain.strip():
        assert pieces == []
    elif utf16_units(plain) <= limit:
        assert pieces == [html]


def check_truncate(html: str, limit: int) -> None:
    """A text that fits is unchanged; a longer one becomes a valid start of it plus "…",
    within ``limit`` (only "…" when it is all white space)."""
    plain = parse_html(html)
    short = truncate_html(html, limit)
    if utf16_units(plain) <= limit:
        assert short == html
        if plain.strip():  # a blank text is no message at all
            valid_messages([short], limit)
        return
    [shown] = valid_messages([short], limit)
    if not plain.strip():
        assert short == "…"
    else:
        assert shown.endswith("…")
        assert whitespace_dropped(shown[:-1], plain, prefix=True)


ESCAPES = FuzzTarget("HTML escaping", check_escape, {"text": LONG_TEXT})
SPLITS = FuzzTarget("HTML splitting", check_split, {"html": telegram_html(), "limit": LIMITS})
TRUNCATIONS = FuzzTarget(
    "HTML truncation", check_truncate, {"html": telegram_html(), "limit": LIMITS}
)
TARGETS = (ESCAPES, SPLITS, TRUNCATIONS)
test_targets = fuzz_each(TARGETS)


def test_a_long_blank_text_is_truncated_to_the_ellipsis() -> None:
    """Found while fuzzing: white space past the limit once raised ``IndexError``."""
    assert truncate_html(" \n" * 3000, 100) == "…"
