"""``newsbot run`` as a real process, with a token and a base_url pointing at the loopback
Bot API: it indexes the bundled sample, warms up, polls, and answers with the quote."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bot.telegram.fake_bot_api import BotMessage, FakeBotApi, State
from tests.conftest import clean_environ

pytestmark = pytest.mark.integration

TOKEN = "123456789:AAH-integration-secret-token-value"
USER = {"id": 4242, "is_bot": False, "first_name": "Olena", "language_code": "en"}


def test_newsbot_run_answers_through_a_bot_api_server(tmp_path: Path) -> None:
    with FakeBotApi(TOKEN) as api:
        env = {
            **clean_environ(),
            "NEWSBOT_TELEGRAM__TOKEN": TOKEN,
            "NEWSBOT_TELEGRAM__BASE_URL": api.base_url,
            "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
            "NEWSBOT_LOG_LEVEL": "INFO",
        }
        log = tmp_path / "bot.log"
        with log.open("w") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                cwd=tmp_path,  # no .env there
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=err,
                stderr=subprocess.STDOUT,
            )
            try:
                api.push_update(
                    {
                        "message": {
                            "message_id": 1,
                            "date": int(time.time()),
                            "chat": {"id": USER["id"], "type": "private", "first_name": "Olena"},
                            "from": USER,
                            "text": "how many drones were intercepted?",
                        }
                    }
                )

                def answered(state: State) -> BotMessage | None:
                    for m in state.messages:
                        if m.chat_id == USER["id"] and "37 of the 65 drones" in m.plain:
                            return m
                    return None

                message = api.wait_sync(answered, timeout=120)
                html = message.text
                thanks = _vote_up(api, message)
            finally:
                proc.send_signal(signal.SIGINT)
                try:
                    proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    assert "<b>37 of the 65 drones</b>" in html
    assert "<blockquote>" in html and "4 Feb 2025" in html
    assert proc.returncode == 0
    assert thanks == "Thanks for your feedback!"
    exported = tmp_path / "feedback.jsonl"
    export = [sys.executable, "-m", "bot.cli", "feedback", "export", str(exported)]
    subprocess.run(export, cwd=tmp_path, env=env, check=True, capture_output=True, timeout=60)
    [line] = [json.loads(row) for row in exported.read_text("utf-8").splitlines()]
    assert (line["q"], line["votes"]) == ("how many drones were intercepted?", {"up": 1, "down": 0})
    output = log.read_text()
    assert TOKEN not in output
    assert "AAH-integration-secret" not in output


def _vote_up(api: FakeBotApi, message: BotMessage) -> str:
    """USER taps 👍 under ``message``; the text the bot answered the tap with."""
    [up] = [
        button["callback_data"]
        for row in (message.reply_markup or {})["inline_keyboard"]
        for button in row
        if button["text"] == "👍"
    ]
    chat = {"id": USER["id"], "type": "private", "first_name": "Olena"}
    shown = {"message_id": message.message_id, "date": int(time.time()), "chat": chat}
    query = {"id": "q1", "from": USER, "chat_instance": "1", "data": up, "message": shown}
    api.push_update({"callback_query": query})
    answer = api.wait_sync(lambda state: state.callback_queries.get("q1"), timeout=30)
    return str(answer.get("text"))
