"""Inline keyboards and their callback data.

Callback data is short and opaque (Telegram allows 64 bytes): a one-letter action, a colon and
either a key into the server-side ``CallbackStore``, a page number, or an example's language
and number. The ``*_PATTERN`` constants route each action to its handler.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from answering.types import Answer, Quote
from bot.telegram.render.html import is_web_url
from prompts.i18n import friendly_date, t

#: Telegram's limit on ``callback_data``, in bytes.
CALLBACK_DATA_LIMIT = 64
#: How many example questions the greeting offers (``telegram.example_<n>``, from 1).
EXAMPLES = 3

MORE = "m"
FULL = "f"
SOURCES = "s"
EXAMPLE = "x"
EVENT = "e"
#: Reports of a timeline offered as buttons (the answer lists at most this many anyway).
EVENT_BUTTONS = 6
#: Characters of a report's short answer on its button.
EVENT_LABEL_CHARS = 40
VOTE = "v"
VOTE_UP = "+"
VOTE_DOWN = "-"
ARTICLE = "a"  # a page of an article: a:<article id>:<page>
OPEN = "o"  # "Open article" under an answer without a web address: o:<article id>
LATEST = "l"  # a page of /latest: l:<page>
TOPIC = "t"  # a page of /latest TOPIC: t:<key of the listing>:<page>

MORE_PATTERN = rf"^{MORE}:[A-Za-z0-9_-]{{1,32}}$"
FULL_PATTERN = rf"^{FULL}:[A-Za-z0-9_-]{{1,32}}$"
SOURCES_PATTERN = rf"^{SOURCES}:\d{{1,6}}$"
EXAMPLE_PATTERN = rf"^{EXAMPLE}:[a-z]{{2}}:[1-{EXAMPLES}]$"
EVENT_PATTERN = rf"^{EVENT}:[A-Za-z0-9_-]{{1,32}}:\d{{1,2}}$"
VOTE_PATTERN = rf"^{VOTE}:[A-Za-z0-9_-]{{1,32}}:[{VOTE_UP}{VOTE_DOWN}]$"
_ARTICLE_ID = r"[A-Za-z0-9_-]{1,48}"
ARTICLE_PATTERN = rf"^{ARTICLE}:{_ARTICLE_ID}:\d{{1,6}}$"
OPEN_PATTERN = rf"^{OPEN}:{_ARTICLE_ID}$"
LATEST_PATTERN = rf"^{LATEST}:\d{{1,6}}$"
TOPIC_PATTERN = rf"^{TOPIC}:[A-Za-z0-9_-]{{1,32}}:\d{{1,6}}$"


def callback_data(action: str, *parts: object) -> str:
    """``action:part:part``; raises ValueError when it would exceed Telegram's limit."""
    data = ":".join([action, *(str(part) for part in parts)])
    if len(data.encode("utf-8")) > CALLBACK_DATA_LIMIT:
        raise ValueError(f"callback data of {len(data.encode('utf-8'))} bytes is too long")
    return data


def callback_args(data: str | None) -> list[str]:
    """The parts after the action in ``data`` (empty when there is no data)."""
    return (data or "").split(":")[1:]


def example_question(lang: str, number: int) -> str:
    """The text of example question ``number`` (1-based) in ``lang``."""
    return t(f"telegram.example_{number}", lang)


def examples_keyboard(lang: str) -> InlineKeyboardMarkup:
    """One button per example question; tapping one asks it."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(
                    example_question(lang, number),
                    callback_data=callback_data(EXAMPLE, lang, number),
                )
            ]
            for number in range(1, EXAMPLES + 1)
        ]
    )


def answer_keyboard(
    key: str, answer: Answer, lang: str, shown: Collection[str] = ()
) -> InlineKeyboardMarkup | None:
    """The buttons under the answer stored under ``key``: "More sources" and "Full passage"
    (until their view was ``shown``), one button per report of a timeline, "Read article" (a
    link) when the answer's first quote has a web URL, else "Open article" (its text in the
    chat), and the 👍 / 👎 votes."""
    rows: list[list[InlineKeyboardButton]] = []
    row: list[InlineKeyboardButton] = []
    if answer.more and MORE not in shown:
        row.append(
            InlineKeyboardButton(
                t("telegram.button_more", lang), callback_data=callback_data(MORE, key)
            )
        )
    if answer.quotes and FULL not in shown:
        row.append(
            InlineKeyboardButton(
                t("telegram.button_full", lang), callback_data=callback_data(FULL, key)
            )
        )
    if row:
        rows.append(row)
    if answer.timeline:
        rows.extend([button] for button in event_buttons(key, answer.quotes, lang))
    url = answer.quotes[0].url if answer.quotes else None
    if url is not None and is_web_url(url):
        rows.append([read_button(url, lang)])
    elif answer.quotes and re.fullmatch(_ARTICLE_ID, answer.quotes[0].article_id):
        data = callback_data(OPEN, answer.quotes[0].article_id)
        rows.append([InlineKeyboardButton(t("telegram.button_open", lang), callback_data=data)])
    rows += vote_rows(key, answer, lang)
    return InlineKeyboardMarkup(rows) if rows else None


def read_button(url: str, lang: str) -> InlineKeyboardButton:
    """ "Read article": a link to ``url``."""
    return InlineKeyboardButton(t("telegram.button_read", lang), url=url)


def event_label(quote: Quote, lang: str) -> str:
    """ "10 Jul 2025 · 728 drones": a report's date and short answer, for its button."""
    answer = " ".join((quote.answer or quote.title).split())
    if len(answer) > EVENT_LABEL_CHARS:
        answer = answer[: EVENT_LABEL_CHARS - 1].rstrip() + "…"
    return f"{friendly_date(quote.date, lang)} · {answer}" if quote.date else answer


def event_buttons(key: str, quotes: tuple[Quote, ...], lang: str) -> list[InlineKeyboardButton]:
    """One button per dated report; tapping one shows that report's answer."""
    return [
        InlineKeyboardButton(event_label(quote, lang), callback_data=callback_data(EVENT, key, n))
        for n, quote in enumerate(quotes[:EVENT_BUTTONS])
    ]


def vote_rows(key: str, answer: Answer, lang: str) -> list[list[InlineKeyboardButton]]:
    """The last row under an answer: 👍 and 👎 for the answer stored under ``key`` (callback
    data ``v:KEY:+`` / ``v:KEY:-``); none under a decline or small talk."""
    if answer.declined or answer.small_talk is not None:
        return []
    return [
        [
            InlineKeyboardButton(
                t("telegram.button_up", lang), callback_data=callback_data(VOTE, key, VOTE_UP)
            ),
            InlineKeyboardButton(
                t("telegram.button_down", lang), callback_data=callback_data(VOTE, key, VOTE_DOWN)
            ),
        ]
    ]


def pager_keyboard(
    action: str, page: int, pages: int, lang: str, *parts: object
) -> InlineKeyboardMarkup | None:
    """◀ and ▶ around page ``page`` (0-based) of ``pages``, as ``action:parts…:page`` buttons;
    None for a single page."""
    row: list[InlineKeyboardButton] = []
    if page > 0:
        row.append(
            InlineKeyboardButton(
                t("telegram.button_prev", lang),
                callback_data=callback_data(action, *parts, page - 1),
            )
        )
    if page < pages - 1:
        row.append(
            InlineKeyboardButton(
                t("telegram.button_next", lang),
                callback_data=callback_data(action, *parts, page + 1),
            )
        )
    return InlineKeyboardMarkup([row]) if row else None


def article_keyboard(
    article_id: str, page: int, pages: int, lang: str
) -> InlineKeyboardMarkup | None:
    """◀ ▶ for an article's pages (none for an ID that callback data cannot carry)."""
    if not re.fullmatch(_ARTICLE_ID, article_id):
        return None
    return pager_keyboard(ARTICLE, page, pages, lang, article_id)


def sources_keyboard(page: int, pages: int, lang: str) -> InlineKeyboardMarkup | None:
    """◀ and ▶ around page ``page`` (0-based) of ``pages``; None for a single page."""
    return pager_keyboard(SOURCES, page, pages, lang)
