"""Security must-show: the token and the webhook secret reach no user and no log record.

End to end through the real Application and the loopback Bot API, at DEBUG, from any logger.

(HTML shown as text: ``test_security_markup.py``; questions logged at DEBUG only:
``test_security_logging.py``; admins by numeric ID: ``test_security_admin.py``.)
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from bot.redact import REDACTED
from bot.telegram.app import build_application
from index.errors import FetchError
from prompts.i18n import t
from tests.bot.telegram.fake_bot_api import BotMessage, FakeBotApi
from tests.bot.telegram.fakes import ANN, TOKEN, FakeAnswerer, FakeCatalog
from tests.bot.telegram.harness import make_settings, private_chat, running_bot
from tests.bot.telegram.log_capture import debug_everywhere, records_with
from tests.bot.telegram.test_run import running_in_thread, webhook_settings

SECRET = "webhook-Secret_value-4242"


def _everything_sent(api: FakeBotApi) -> str:
    """Every parameter of every request the bot made, as one text."""
    return "\n".join(json.dumps(call.params, ensure_ascii=False) for call in api.calls())


async def test_the_token_is_never_sent_to_users(
    api: FakeBotApi, answerer: FakeAnswerer, catalog: FakeCatalog
) -> None:
    """Not in /start, /help, /about, /sources, nor in the error replies after a Bot API failure,
    an exception that mentions it, or a failing inline query."""
    answerer.answers["boom?"] = RuntimeError(f"request to /bot{TOKEN}/sendMessage failed")
    answerer.answers["fetch?"] = FetchError(f"https://api.telegram.org/bot{TOKEN}/getMe: 401")
    answerer.answers["inline boom?"] = RuntimeError(f"token {TOKEN}")
    chat = private_chat(ANN)
    async with running_bot(api, make_settings(api), answerer, catalog) as bot:
        sent = 0
        for text in ("/start", "/help", "/about", "/sources", "/nonsense", "boom?", "fetch?"):
            bot.send(chat, ANN, text)
            sent += 1
            await bot.replies(ANN["id"], sent)
        api.fail(2)  # the answer and the one retry fail: the user is told about an error
        bot.send(chat, ANN, "How many drones were intercepted?")
        await bot.api.wait_for(lambda s: len(s.messages) > sent)
        answer = await bot.inline_answer(bot.inline(ANN, "inline boom?"))
    texts = [m.plain for m in api.messages(ANN["id"])]
    internal = t("error.internal", "en")
    assert texts[5:] == [internal, t("error.fetch", "en"), internal]  # the error paths ran
    assert answer["button"]["text"] == internal
    everything = _everything_sent(api)
    assert "/help" in everything and "@NewsTestBot" in everything  # the capture is not empty
    for form in (TOKEN, quote(TOKEN, safe=""), TOKEN.split(":", 1)[1]):
        assert form not in everything


def test_no_secret_reaches_any_logger_at_debug(
    api: FakeBotApi, answerer: FakeAnswerer, caplog: pytest.LogCaptureFixture
) -> None:
    """A whole webhook run with every logger at DEBUG (python-telegram-bot, httpx, httpcore,
    tornado included): start-up, a good and a forged update, a failing request, an exception
    that mentions both secrets (logged with its traceback), and shutdown."""
    debug_everywhere(caplog)
    settings = webhook_settings(api, SECRET)
    port = settings.telegram.webhook_port
    answerer.answers["boom?"] = RuntimeError(f"bad call: token={TOKEN} secret={SECRET}")
    app = build_application(settings, answerer, FakeCatalog(2))

    def update(text: str) -> dict[str, Any]:
        message = {
            "message_id": api.next_id(),
            "date": int(time.time()),
            "text": text,
            "chat": private_chat(ANN),
            "from": ANN,
        }
        return {"update_id": api.next_id(), "message": message}

    def post(text: str, secret: str) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        url = f"http://127.0.0.1:{port}/hook"
        deadline = time.monotonic() + 5
        while True:
            try:
                return httpx.post(url, json=update(text), headers=headers, timeout=5).status_code
            except httpx.ConnectError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def replies(count: int) -> list[BotMessage]:
        return api.wait_sync(lambda s: s.messages[:count] if len(s.messages) >= count else None)

    with running_in_thread(app, settings) as errors:
        api.wait_sync(lambda s: [c for c in s.calls if c.method == "setWebhook"])
        assert post("How many drones were intercepted?", SECRET) == 200
        replies(1)
        assert post("forged", "not-the-secret") == 403
        api.fail(2)
        assert post("And how many missiles?", SECRET) == 200
        replies(2)
        assert post("boom?", SECRET) == 200
        replies(3)
    assert errors == []
    assert [m.plain for m in api.messages()][1:] == [t("error.internal", "en")] * 2

    # The capture saw what would have leaked, redacted:
    assert records_with(caplog, f"{REDACTED}/getMe")  # the request URL (httpx)
    assert [r for r in records_with(caplog, "setWebhook") if REDACTED in r.getMessage()]
    assert records_with(caplog, f"token={REDACTED} secret={REDACTED}")  # the traceback
    assert {r.name.split(".")[0] for r in caplog.records} >= {"telegram", "httpx", "httpcore"}
    forms = {TOKEN, quote(TOKEN, safe=""), SECRET}
    assert records_with(caplog, *forms) == []
    assert not any(form in caplog.text for form in forms)
