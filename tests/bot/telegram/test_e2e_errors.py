"""End to end, the global error handler: the user is told, where they look, never ``str(e)``."""

from __future__ import annotations

import logging

import pytest

from index.errors import InputError, ModelError
from index.types import ArticleInfo
from prompts.i18n import t
from tests.bot.telegram.fakes import ANN, BOHDAN, FakeCatalog
from tests.bot.telegram.harness import Harness, buttons, private_chat

SECRET = "secret internals of the model"


async def test_a_failing_button_gets_an_alert_and_stops_spinning(
    bot: Harness, catalog: FakeCatalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot.send(private_chat(BOHDAN), BOHDAN, "/sources")
    [page] = await bot.replies(BOHDAN["id"])

    def broken() -> list[ArticleInfo]:
        raise RuntimeError(SECRET)

    monkeypatch.setattr(catalog, "articles", broken)
    bot.press(page, buttons(page)[0][1], BOHDAN)
    [answered] = await bot.api.wait_for(lambda s: [a for a in s.callback_queries.values() if a])
    assert answered["text"] == t("error.internal", "uk")
    assert answered["show_alert"] is True
    assert bot.api.messages(BOHDAN["id"]) == [page], "the alert is enough"
    assert page.edits == 0


async def test_a_button_answered_before_the_failure_gets_a_message(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.send(private_chat(ANN), ANN, "/start")
    [greeting] = await bot.replies(ANN["id"])
    bot.answerer.answers[t("telegram.example_1", "en")] = RuntimeError(SECRET)
    bot.press(greeting, buttons(greeting)[0][1], ANN)
    note = (await bot.replies(ANN["id"], 2))[1]
    assert note.plain == t("error.internal", "en")
    assert [c.status for c in bot.api.calls("answerCallbackQuery")] == [200, 400]
    [answered] = bot.api.snapshot(lambda s: list(s.callback_queries.values()))
    assert answered is not None and answered.get("text") is None
    assert not any(SECRET in m.plain for m in bot.api.messages())
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)


async def test_a_newsbot_error_is_told_with_its_localized_template(bot: Harness) -> None:
    question = "Чи впорався бот з моделлю?"
    bot.answerer.answers[question] = ModelError(SECRET)
    bot.send(private_chat(BOHDAN), BOHDAN, question)
    [note] = await bot.replies(BOHDAN["id"])
    assert note.plain == t("error.model", "uk")
    assert SECRET not in note.plain


class OddInputError(InputError):
    code = "odd_input"
    default_user_message = "Ask <one> thing & wait."


async def test_an_error_without_a_template_is_told_with_its_user_message(bot: Harness) -> None:
    bot.answerer.answers["Two things?"] = OddInputError(SECRET)
    bot.send(private_chat(BOHDAN), BOHDAN, "Two things?")
    [note] = await bot.replies(BOHDAN["id"])
    assert note.plain == "Ask <one> thing & wait."
    assert note.text == "Ask &lt;one&gt; thing &amp; wait."
