"""``run_application``: the blocking entry point, in polling and webhook mode, on its own loop."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from bot.config.settings import Settings
from bot.telegram.app import build_application, run_application
from bot.telegram.context import NewsBotApplication
from index.errors import ConfigError
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import ANN, QUOTE_TEXT, FakeAnswerer, FakeCatalog
from tests.bot.telegram.harness import make_settings, private_chat

QUESTION = "How many drones were intercepted?"


@contextmanager
def running_in_thread(app: NewsBotApplication, settings: Settings) -> Iterator[list[BaseException]]:
    """Run ``run_application`` in a thread with its own event loop; stop it on exit."""
    loop = asyncio.new_event_loop()
    errors: list[BaseException] = []

    def target() -> None:
        asyncio.set_event_loop(loop)
        try:
            run_application(app, settings, stop_signals=None)
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=target, name="run-application")
    thread.start()
    try:
        yield errors
    finally:
        if not loop.is_closed():
            loop.call_soon_threadsafe(app.stop_running)
        thread.join(15)
    assert not thread.is_alive()


def _message(api: FakeBotApi, text: str) -> dict[str, object]:
    return {
        "message": {
            "message_id": api.next_id(),
            "date": int(time.time()),
            "text": text,
            "chat": private_chat(ANN),
            "from": ANN,
        },
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def webhook_settings(api: FakeBotApi, secret: str) -> Settings:
    """Webhook mode on a free loopback port, at ``/hook``, with ``secret``."""
    port = _free_port()
    return make_settings(
        api,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_port=port,
        webhook_secret=secret,
    )


def test_run_application_polls_and_answers(api: FakeBotApi, answerer: FakeAnswerer) -> None:
    settings = make_settings(api)
    app = build_application(settings, answerer, FakeCatalog())
    with running_in_thread(app, settings) as errors:
        api.push_update(_message(api, QUESTION))
        [reply] = api.wait_sync(lambda s: [m for m in s.messages if m.chat_id == ANN["id"]])
    assert errors == []
    assert QUOTE_TEXT in reply.plain
    assert answerer.warm_calls == 1
    assert [c.method for c in api.calls()][:2] == ["getMe", "setMyCommands"]
    assert not app.running


def test_run_application_serves_a_webhook(api: FakeBotApi, answerer: FakeAnswerer) -> None:
    settings = webhook_settings(api, "s3cret-webhook-value")
    port = settings.telegram.webhook_port
    app = build_application(settings, answerer, FakeCatalog())
    with running_in_thread(app, settings) as errors:
        [hook] = api.wait_sync(lambda s: [c for c in s.calls if c.method == "setWebhook"])
        headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-webhook-value"}
        update = {"update_id": api.next_id(), **_message(api, QUESTION)}
        deadline = time.monotonic() + 5
        while True:
            try:
                response = httpx.post(f"http://127.0.0.1:{port}/hook", json=update, headers=headers)
                break
            except httpx.ConnectError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        [reply] = api.wait_sync(lambda s: [m for m in s.messages if m.chat_id == ANN["id"]])
        forged = httpx.post(f"http://127.0.0.1:{port}/hook", json=update, headers={})
    assert errors == []
    assert response.status_code == 200
    assert forged.status_code == 403
    assert hook.params["url"] == f"http://127.0.0.1:{port}/hook"
    assert hook.params["secret_token"] == "s3cret-webhook-value"
    assert QUOTE_TEXT in reply.plain


def test_webhook_mode_needs_a_url(api: FakeBotApi, answerer: FakeAnswerer) -> None:
    settings = make_settings(api, mode="webhook")
    app = build_application(settings, answerer, FakeCatalog())
    with pytest.raises(ConfigError, match="webhook URL"):
        run_application(app, settings, stop_signals=None)


def test_a_missing_token_is_a_config_error(api: FakeBotApi, answerer: FakeAnswerer) -> None:
    settings = make_settings(api)
    settings.telegram.token = None
    with pytest.raises(ConfigError) as caught:
        build_application(settings, answerer, FakeCatalog())
    assert "NEWSBOT_TELEGRAM__TOKEN" in caught.value.user_message
