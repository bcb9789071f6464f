"""Localized UI strings from ``prompts/*.<lang>.toml`` and the language of a question.

Each file holds tables of templates (``str.format`` fields); keys are ``<table>.<name>``
(``answer.decline``). Every language falls back to English key by key.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import tomllib
from functools import lru_cache
from importlib import resources
from typing import Any

logger = logging.getLogger(__name__)

LANGUAGES = ("en", "uk", "ru")
DEFAULT_LANG = "en"

_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_LATIN = re.compile(r"[A-Za-z]")
_UK_ONLY = re.compile(r"[ґєіїҐЄІЇ]")
_RU_ONLY = re.compile(r"[ёъыэЁЪЫЭ]")
# Frequent words, and words of greetings and thanks, that only one of the two languages has,
# for text without telling letters.
_UK_WORDS = frozenset(
    "це що як коли чи де хто скільки який яка яке які або та від до ще вже"
    " дякую добрий ранок ранку вечора бувай бувайте побачення гаразд здрастуйте".split()
)
_RU_WORDS = frozenset(
    "это что как когда кто где сколько какой какая какое какие или от еще уже"
    " спасибо привет здравствуйте здравствуй благодарю пожалуйста пока доброе утро утра свидания"
    " хорошо ладно понятно".split()
)
_WORD = re.compile(r"[\u0400-\u04FF']+")


def detect_language(text: str, hint: str | None = None) -> str:
    """The UI language for ``text``: en, uk or ru, from its script (``hint`` breaks ties).

    ``hint`` is, for example, Telegram's ``language_code`` of the user.
    """
    cyr = len(_CYRILLIC.findall(text))
    lat = len(_LATIN.findall(text))
    hint_lang = normalize_lang(hint)
    if cyr > lat:
        words = [w.lower() for w in _WORD.findall(text)]
        uk = len(_UK_ONLY.findall(text)) + sum(w in _UK_WORDS for w in words)
        ru = len(_RU_ONLY.findall(text)) + sum(w in _RU_WORDS for w in words)
        if uk > ru:
            return "uk"
        if ru > uk:
            return "ru"
        return hint_lang if hint_lang in ("uk", "ru") else "ru"
    if lat > 0:
        return "en"
    return hint_lang


def normalize_lang(code: str | None) -> str:
    """Map a language code such as ``uk-UA`` to a supported language, else English."""
    if not code:
        return DEFAULT_LANG
    base = code.split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else DEFAULT_LANG


@lru_cache(maxsize=len(LANGUAGES))
def _catalog(lang: str) -> dict[str, str]:
    catalog: dict[str, str] = {}
    for entry in sorted(resources.files("prompts").iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(f".{lang}.toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for table, values in data.items():
            if not isinstance(values, dict):
                raise ValueError(f"prompts/{entry.name}: top-level {table!r} must be a table")
            for name, template in values.items():
                catalog[f"{table}.{name}"] = str(template)
    return catalog


def t(key: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """The template ``key`` in ``lang`` (English if missing there), formatted with ``params``."""
    template = _catalog(normalize_lang(lang)).get(key)
    if template is None:
        template = _catalog(DEFAULT_LANG).get(key)
    if template is None:
        raise KeyError(f"no UI string {key!r}")
    return template.format(**params) if params else template


def keys(lang: str) -> set[str]:
    """All keys defined for ``lang`` (for tests that keep the catalogs complete)."""
    return set(_catalog(normalize_lang(lang)))


# Day, abbreviated month, year in each UI language ("4 Feb 2025", "4 лют. 2025",
# "4 февр. 2025"); British English for the day-first order of news datelines.
_DATE_LOCALES = {"en": "en_GB", "uk": "uk", "ru": "ru"}


def friendly_date(value: dt.date, lang: str = DEFAULT_LANG) -> str:
    """``value`` as people read it in ``lang``."""
    from babel.dates import format_date

    return str(format_date(value, "d MMM y", locale=_DATE_LOCALES.get(lang, "en_GB")))
