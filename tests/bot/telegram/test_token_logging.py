"""The bot token never reaches the logs, whatever python-telegram-bot and httpx log."""

from __future__ import annotations

import logging
import threading
from urllib.parse import quote

import pytest

from bot.redact import REDACTED
from bot.telegram.app import build_application, run_application
from index.errors import ConfigError
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import ANN, TOKEN, FakeAnswerer, FakeCatalog
from tests.bot.telegram.harness import make_settings, private_chat, running_bot
from tests.bot.telegram.log_capture import record_texts


def _assert_no_token(caplog: pytest.LogCaptureFixture, token: str) -> None:
    forms = (token, quote(token, safe=""))
    texts = [caplog.text, *(text for record in caplog.records for text in record_texts(record))]
    leaked = [text for text in texts if any(form in text for form in forms)]
    assert leaked == []


async def test_the_token_never_appears_in_logs(
    api: FakeBotApi, answerer: FakeAnswerer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answerer.answers["boom?"] = RuntimeError(f"a failure that mentions {TOKEN}")
    async with running_bot(api, make_settings(api), answerer, FakeCatalog(3)) as bot:
        bot.send(private_chat(ANN), ANN, "How many drones were intercepted?")
        await bot.replies(ANN["id"], 1)
        bot.api.fail(2)
        bot.send(private_chat(ANN), ANN, "And how many missiles?")
        await bot.replies(ANN["id"], 2)
        bot.send(private_chat(ANN), ANN, "boom?")
        await bot.replies(ANN["id"], 3)
        logging.getLogger("tests").info("bot repr: %r, stack follows", bot.app.bot, stack_info=True)
    requests = [record.getMessage() for record in caplog.records if record.name == "httpx"]
    assert any(f"{REDACTED}/sendMessage" in line for line in requests)  # httpx logged the URL
    assert any("mentions " + REDACTED in (record.exc_text or "") for record in caplog.records)
    _assert_no_token(caplog, TOKEN)


def test_a_rejected_token_is_a_config_error_without_the_token(
    answerer: FakeAnswerer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    other = "987654321:AnotherTokenThatTheServerDoesNotKnow"
    with FakeBotApi(TOKEN) as api:
        settings = make_settings(api, token=other)
        app = build_application(settings, answerer, FakeCatalog())
        errors: list[BaseException] = []

        def target() -> None:
            try:
                run_application(app, settings, stop_signals=None)
            except BaseException as exc:
                errors.append(exc)

        thread = threading.Thread(target=target)
        thread.start()
        thread.join(15)
    assert not thread.is_alive()
    [error] = errors
    assert isinstance(error, ConfigError)
    assert other not in str(error) and other not in error.user_message
    assert error.__cause__ is None and error.__suppress_context__
    logging.getLogger("tests").error("startup failed", exc_info=error)
    _assert_no_token(caplog, other)
