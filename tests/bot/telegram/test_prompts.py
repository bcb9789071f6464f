"""The Telegram UI strings: complete in every language, valid Telegram HTML, valid commands."""

from __future__ import annotations

import string

import pytest

from bot.telegram.menus import ADMIN_COMMANDS, COMMANDS, bot_commands
from bot.telegram.render.html import tr
from prompts.i18n import LANGUAGES, keys, t
from tests.bot.telegram.bot_api_rules import check_commands, check_text

TABLES = ("telegram.", "telegram_commands.", "follow.")
SAMPLE = {
    "name": "Ann <&>",
    "bot": "@NewsTestBot",
    "seconds": 7,
    "limit": 500,
    "total": 20,
    "page": 1,
    "pages": 3,
    "language": "Українська",
    "length": "Short answers",
    "id": "3f2a<9c>",
    "count": 2,
    "topic": "drones & <b>",
}


def _ours(lang: str) -> set[str]:
    return {key for key in keys(lang) if key.startswith(TABLES)}


def test_english_defines_the_tables() -> None:
    assert len(_ours("en")) > 30


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_language_defines_every_english_key(lang: str) -> None:
    assert _ours("en") - _ours(lang) == set()


@pytest.mark.parametrize("lang", LANGUAGES)
def test_templates_are_valid_telegram_html_with_the_same_fields(lang: str) -> None:
    for key in sorted(_ours("en")):
        fields = {f for _, f, _, _ in string.Formatter().parse(t(key, "en")) if f}
        localized = t(key, lang)
        assert {f for _, f, _, _ in string.Formatter().parse(localized) if f} == fields, key
        check_text(tr(key, lang, **{f: SAMPLE[f] for f in fields}), "HTML")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_command_menus_are_valid(lang: str) -> None:
    commands = bot_commands(lang)
    check_commands([{"command": c.command, "description": c.description} for c in commands])
    assert [c.command for c in commands] == list(COMMANDS)
    operators = bot_commands(lang, (*COMMANDS, *ADMIN_COMMANDS))
    check_commands([{"command": c.command, "description": c.description} for c in operators])
