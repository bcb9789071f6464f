"""UI strings: language detection, key-by-key English fallback, complete catalogs."""

from __future__ import annotations

import datetime as dt
import string
import tomllib
from pathlib import Path

import pytest

import index.errors as errors
from prompts.i18n import (
    DEFAULT_LANG,
    LANGUAGES,
    detect_language,
    friendly_date,
    keys,
    normalize_lang,
    t,
)

PROMPTS = Path(__file__).resolve().parents[2] / "prompts"
GROUPS = ("answer", "errors")


def file_keys(name: str) -> dict[str, str]:
    data = tomllib.loads((PROMPTS / name).read_text(encoding="utf-8"))
    return {
        f"{table}.{key}": str(value)
        for table, values in data.items()
        for key, value in values.items()
    }


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# --- detect_language ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("how many drones were intercepted?", "en"),
        ("Скільки дронів збили над Києвом?", "uk"),
        ("Що сказав губернатор Харківщини?", "uk"),
        ("Сколько дронов сбили над Киевом? Объясните.", "ru"),
        ("Кто этот губернатор, что ещё?", "ru"),
        ("Скільки drones?", "uk"),
        ("What did Зеленський say about the minerals?", "en"),
    ],
)
def test_detect_language_by_script_and_letters(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_cyrillic_without_telltale_letters_or_words_uses_the_hint_else_russian() -> None:
    text = "Ракета над морем?"  # the same in both languages
    assert detect_language(text) == "ru"
    assert detect_language(text, "uk") == "uk"
    assert detect_language(text, "uk-UA") == "uk"
    assert detect_language(text, "en") == "ru"


def test_text_without_letters_uses_the_hint() -> None:
    assert detect_language("2025?") == "en"
    assert detect_language("2025?", "uk") == "uk"
    assert detect_language("", "ru_RU") == "ru"
    assert detect_language("🙂", "de") == "en"


def test_latin_text_is_english_whatever_the_hint() -> None:
    assert detect_language("how many drones?", "uk") == "en"


@pytest.mark.parametrize(
    ("code", "lang"),
    [
        (None, "en"),
        ("", "en"),
        ("uk", "uk"),
        ("uk-UA", "uk"),
        ("RU", "ru"),
        ("ru_RU", "ru"),
        ("en-GB", "en"),
        ("de", "en"),
        ("pt-BR", "en"),
    ],
)
def test_normalize_lang(code: str | None, lang: str) -> None:
    assert normalize_lang(code) == lang


# --- t() and fallback -----------------------------------------------------------------------------


def test_t_formats_the_template_in_the_language() -> None:
    assert t("answer.closest", "en", articles="X") == "Closest article: X."
    assert t("answer.closest", "uk", articles="X") == "Найближча стаття: X."
    assert t("answer.closest", "ru", articles="X") == "Ближайшая статья: X."
    assert t("error.question_too_long", "uk", limit=500) == (
        "Запитання задовге: будь ласка, не більше 500 символів."
    )


def test_a_key_missing_in_a_language_falls_back_to_english() -> None:
    assert "answer.source_line" not in file_keys("answer.uk.toml")
    assert t("answer.source_line", "uk", title="T", date="D", source="S") == "T · D · S"
    assert "error.index_corrupt" not in file_keys("errors.ru.toml")
    assert t("error.index_corrupt", "ru") == t("error.index_corrupt", "en")
    # key by key: a language's own keys still win
    assert t("error.internal", "ru") != t("error.internal", "en")


def test_an_unknown_language_uses_english() -> None:
    assert t("console.bye", "de") == "Bye."
    assert t("console.bye", "") == "Bye."


def test_an_unknown_key_is_an_error() -> None:
    with pytest.raises(KeyError):
        t("answer.no_such_key", "en")
    with pytest.raises(KeyError):
        t("answer.no_such_key", "uk")


def test_a_template_without_params_is_returned_as_is() -> None:
    assert t("console.prompt") == "? "
    assert DEFAULT_LANG == "en"


# --- the catalogs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_every_translated_key_exists_in_english(group: str, lang: str) -> None:
    english = file_keys(f"{group}.en.toml")
    translated = file_keys(f"{group}.{lang}.toml")
    assert translated, f"{group}.{lang}.toml is empty"
    assert set(translated) <= set(english), set(translated) - set(english)


@pytest.mark.parametrize("group", GROUPS)
@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_translations_use_the_same_fields_as_english(group: str, lang: str) -> None:
    english = file_keys(f"{group}.en.toml")
    for key, template in file_keys(f"{group}.{lang}.toml").items():
        assert fields(template) == fields(english[key]), key


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalog_holds_the_file_keys(lang: str) -> None:
    loaded = keys(lang)
    for group in GROUPS:
        assert set(file_keys(f"{group}.{lang}.toml")) <= loaded


def _error_classes() -> list[type[errors.NewsBotError]]:
    found: list[type[errors.NewsBotError]] = []
    todo: list[type[errors.NewsBotError]] = [errors.NewsBotError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [cls for cls in found if cls.__module__ == errors.__name__]


@pytest.mark.parametrize("cls", _error_classes(), ids=lambda cls: cls.__name__)
def test_every_error_code_has_an_english_message(cls: type[errors.NewsBotError]) -> None:
    english = file_keys("errors.en.toml")
    assert f"error.{cls.code}" in english
    params = {name: "x" for name in fields(english[f"error.{cls.code}"])}
    for lang in LANGUAGES:
        assert t(f"error.{cls.code}", lang, **params)


def test_frequent_words_tell_ukrainian_from_russian() -> None:
    assert detect_language("Коли це сталося?") == "uk"
    assert detect_language("Сколько дронов сбил он?", "uk") == "ru"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Дякую!", "uk"),
        ("Добрий день", "uk"),
        ("До побачення", "uk"),
        ("Спасибо!", "ru"),
        ("Привет", "ru"),
        ("Здравствуйте", "ru"),
    ],
)
def test_greetings_and_thanks_tell_ukrainian_from_russian(text: str, lang: str) -> None:
    assert detect_language(text, "en") == lang
    assert detect_language(text, "uk" if lang == "ru" else "ru") == lang


@pytest.mark.parametrize("lang", LANGUAGES)
def test_small_talk_and_the_english_only_notices_exist_in_every_language(lang: str) -> None:
    english = file_keys("answer.en.toml")
    ours = [k for k in english if k.startswith(("small_talk.", "answer.english_only"))]
    assert len(ours) == 7
    assert set(ours) <= set(file_keys(f"answer.{lang}.toml"))
    for key in ours:  # no operator instructions for the user
        assert "NEWSBOT_" not in t(key, lang) and "models install" not in t(key, lang)


@pytest.mark.parametrize(
    ("lang", "want"),
    [("en", "4 Feb 2025"), ("uk", "4 лют. 2025"), ("ru", "4 февр. 2025"), ("xx", "4 Feb 2025")],
)
def test_friendly_dates_read_as_people_write_them(lang: str, want: str) -> None:
    assert friendly_date(dt.date(2025, 2, 4), lang) == want
