"""The console chat: the same answers as the bot, in a terminal, when no token is set."""

from __future__ import annotations

import logging
from collections.abc import Callable

from answering.types import Answerer
from bot.errors_text import user_message
from bot.plain_text import render_answer, render_sources
from index.errors import NewsBotError
from index.store.base import Store
from prompts.i18n import detect_language, t

logger = logging.getLogger(__name__)

_QUIT = {"/quit", "/exit", "quit", "exit", ":q"}


def run_console(
    answerer: Answerer,
    store: Store,
    *,
    read: Callable[[str], str] = input,
    write: Callable[[str], None] = print,
    lang: str = "en",
) -> int:
    """Read questions until /quit or end of input; answer each. Returns an exit code."""
    write(t("console.welcome", lang, count=len(store.articles())))
    while True:
        try:
            line = read(t("console.prompt", lang))
        except (EOFError, KeyboardInterrupt):
            write("")
            break
        text = line.strip()
        if not text:
            continue
        if text.lower() in _QUIT:
            break
        if text == "/help":
            write(t("console.help", lang))
            continue
        if text == "/sources":
            write(render_sources(store.articles(), lang))
            continue
        write(reply(answerer, text))
    write(t("console.bye", lang))
    return 0


def reply(answerer: Answerer, text: str) -> str:
    """The rendered answer to ``text``, or a safe, localized error message."""
    try:
        return render_answer(answerer.answer(text))
    except NewsBotError as e:
        logger.info("question refused: %s", e.code)
        return user_message(e, detect_language(text))
    except Exception as e:
        logger.exception("answering failed")
        return user_message(e, detect_language(text))
