"""The one mapping from errors to what a user is told."""

from __future__ import annotations

import logging

import pytest

from bot.errors_text import user_message
from index.errors import (
    EmptyQuestionError,
    IndexModelMismatchError,
    InputError,
    NewsBotError,
    QuestionTooLongError,
)
from prompts.i18n import t

SECRET = "database password is hunter2"


class UnknownCodeError(InputError):
    code = "no_such_template"
    default_user_message = "Please ask about one thing at a time."


class MissingParamError(InputError):
    code = "question_too_long"  # its template needs {limit}; this error has no params
    default_user_message = "That question is too long."


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_a_newsbot_error_gets_its_localized_template_with_its_params(lang: str) -> None:
    error = QuestionTooLongError(SECRET, limit=500)
    assert user_message(error, lang) == t("error.question_too_long", lang, limit=500)
    assert "500" in user_message(error, lang)
    assert user_message(EmptyQuestionError(SECRET), lang) == t("error.empty_question", lang)


def test_extra_params_are_ignored() -> None:
    error = IndexModelMismatchError(SECRET, built_with="model-a", configured="model-b")
    assert user_message(error, "en") == t("error.index_model_mismatch", "en", built_with="model-a")


def test_a_missing_template_falls_back_to_the_errors_user_message(
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert user_message(UnknownCodeError(SECRET), "uk") == "Please ask about one thing at a time."
    assert any("error.no_such_template" in r.getMessage() for r in caplog.records)


def test_a_missing_param_falls_back_to_the_errors_user_message() -> None:
    text = user_message(MissingParamError(SECRET), "ru")
    assert text == "That question is too long."
    assert "{" not in text


def test_an_explicit_user_message_is_the_fallback() -> None:
    error = UnknownCodeError(SECRET, user_message="Custom, safe words.")
    assert user_message(error, "en") == "Custom, safe words."


@pytest.mark.parametrize("lang", ["en", "uk", "ru", "de"])
def test_anything_else_is_an_internal_error(lang: str) -> None:
    for error in (RuntimeError(SECRET), KeyError(SECRET), NewsBotError(SECRET)):
        text = user_message(error, lang)
        assert text == t("error.internal", lang)
        assert "hunter2" not in text


def test_the_exception_text_is_never_shown(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    errors = [QuestionTooLongError(SECRET, limit=9), UnknownCodeError(SECRET), ValueError(SECRET)]
    assert not any("hunter2" in user_message(error, "en") for error in errors)
