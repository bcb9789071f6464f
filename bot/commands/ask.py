"""``newsbot ask QUESTION`` and ``newsbot sources``: answers and the article list in a terminal."""

from __future__ import annotations

import argparse
import json
import sys

from bot.commands.base import BareCommand, SubParsers
from bot.commands.ingest import ready
from bot.config.settings import Settings


def ask(settings: Settings, question: str, *, as_json: bool) -> int:
    """Answer one question, or one per line of stdin for ``-``; 2 if any failed."""
    from bot.console import reply
    from index.errors import NewsBotError

    components = ready(settings)
    if question == "-":  # (a single question loads what it needs itself: no rehearsal first)
        components.answerer.warm()
    questions = (line for line in sys.stdin) if question == "-" else iter([question])
    status = 0
    for text in questions:
        if question == "-" and not text.strip():
            continue
        if not as_json:
            print(reply(components.answerer, text))
            continue
        try:
            obj = components.answerer.answer(text).as_json()
        except NewsBotError as e:
            obj = {"error": e.code, "message": e.user_message}
            status = 2
        print(json.dumps(obj, ensure_ascii=False), flush=True)
    return status


def sources(settings: Settings) -> int:
    from bot.plain_text import render_sources

    components = ready(settings)
    print(render_sources(components.store.articles()))
    return 0


class AskCommand:
    """``newsbot ask``."""

    def add_parser(self, sub: SubParsers) -> None:
        parser = sub.add_parser("ask", help="answer one question ('-' reads questions from stdin)")
        parser.add_argument("question")
        parser.add_argument("--json", action="store_true", help="print a JSON object per answer")

    def run(self, args: argparse.Namespace, settings: Settings) -> int:
        return ask(settings, args.question, as_json=args.json)


ASK = AskCommand()
SOURCES = BareCommand("sources", "list the indexed articles, newest first", sources)
