"""``newsbot run`` as a real process, with a token and a base_url pointing at the loopback
Bot API: it indexes the bundled sample, warms up, polls, and answers with the quote."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bot.telegram.fake_bot_api import FakeBotApi, State
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

                def answered(state: State) -> str | None:
                    for m in state.messages:
                        if m.chat_id == USER["id"] and "37 of the 65 drones" in m.plain:
                            return m.text
                    return None

                html = api.wait_sync(answered, timeout=120)
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
    output = log.read_text()
    assert TOKEN not in output
    assert "AAH-integration-secret" not in output
