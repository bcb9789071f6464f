"""The bot process killed (SIGKILL) while an operator's /add is fetching, then restarted: the
index opens, every earlier article still answers, the interrupted /add is finished by the new
process, and the questions sent while the bot was down are answered, each exactly once.

The bot runs as ``newsbot run`` does (``bot.commands.run``, with the fake embedder to start fast)
in a child process, against the loopback Bot API of this test; the articles come from the
loopback web server. Telegram forgets an update once the bot has fetched the next batch, so
the /add that was being handled when the process died survives only in the update journal.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from bot.telegram.journal import UpdateJournal, journal_path
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import ANN, CAROL, TOKEN
from tests.bot.telegram.harness import private_chat
from tests.integration.test_ingest_killed import fact, page, path_of, question
from tests.integration.workers import RUN_WITH_FAKE_EMBEDDER
from tests.web_server import Route, WebServer

REPO = Path(__file__).resolve().parents[2]
WAIT_S = 60.0
ADMIN = ANN
READER = CAROL


@contextlib.contextmanager
def bot_process(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("ab") as out:
        child = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(RUN_WITH_FAKE_EMBEDDER)],
            cwd=REPO,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield child
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(timeout=WAIT_S)


def until(predicate: Callable[[], object], log: Path) -> None:
    """Wait (bounded) until ``predicate()`` holds; fail with the bot's log."""
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out; bot log:\n{log.read_text()[-4000:]}")
        time.sleep(0.05)


class Chat:
    """One user talking to the bot through the loopback Bot API, a message at a time."""

    def __init__(self, api: FakeBotApi, user: dict[str, object], log: Path) -> None:
        self.api, self.user, self.log = api, user, log

    def say(self, text: str) -> int:
        message_id = self.api.next_id()
        chat = private_chat(self.user)
        entities = (
            [{"type": "bot_command", "offset": 0, "length": len(text.split(" ")[0])}]
            if text.startswith("/")
            else []
        )
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": self.user,
            "text": text,
            "entities": entities,
        }
        return self.api.push_update({"message": message})

    def wait(self, needle: str, count: int = 1) -> None:
        """Until ``count`` messages in this chat hold ``needle`` (edits count too)."""
        until(lambda: sum(needle in text for text in self.messages()) >= count, self.log)

    def messages(self) -> list[str]:
        return [m.plain for m in self.api.messages(int(str(self.user["id"])))]


def test_a_bot_killed_mid_ingest_loses_no_update_and_no_article(
    tmp_path: Path, web_server: WebServer
) -> None:
    for i in range(3):
        web_server.routes[path_of(i)] = Route(body=page(i))
    web_server.hang(path_of(1), seconds=600)
    log = tmp_path / "bot.log"
    with FakeBotApi(TOKEN) as api:
        env = {
            **os.environ,
            "NEWSBOT_DATA_DIR": str(tmp_path / "data"),
            "NEWSBOT_TELEGRAM__TOKEN": TOKEN,
            "NEWSBOT_TELEGRAM__BASE_URL": api.base_url,
            "NEWSBOT_TELEGRAM__ADMINS": f"[{ADMIN['id']}]",
            "NEWSBOT_FETCH__ALLOW_PRIVATE": "true",
            "NEWSBOT_FETCH__PER_HOST_INTERVAL_S": "0",
            "NEWSBOT_FETCH__TIMEOUT_S": "300",
        }
        admin, reader = Chat(api, ADMIN, log), Chat(api, READER, log)
        with bot_process(env, log) as first:
            admin.say(f"/add {web_server.url(path_of(0))}")
            admin.wait("Indexed:")
            reader.say(question(0))
            reader.wait(fact(0))
            admin.say(f"/add {web_server.url(path_of(1))}")
            until(lambda: web_server.requests_to(path_of(1)), log)
            os.kill(first.pid, signal.SIGKILL)
            assert first.wait(timeout=WAIT_S) == -signal.SIGKILL

        # While the bot is down: two more questions and an /add; the page that hung answers.
        reader.say(question(0))
        admin.say(f"/add {web_server.url(path_of(2))}")
        reader.say("How many drones were intercepted?")
        web_server.routes[path_of(1)] = Route(body=page(1))
        with bot_process(env, log) as second:
            admin.wait("Indexed:", count=3)
            reader.wait("37 of the 65 drones")
            reader.say(question(1))
            reader.wait(fact(1))
            reader.say(question(2))
            reader.wait(fact(2))
            second.send_signal(signal.SIGTERM)
            assert second.wait(timeout=WAIT_S) == 0, log.read_text()[-4000:]

    replies = reader.messages()
    assert len(replies) == 5, replies  # one per question, none lost, none twice
    # The two questions sent while the bot was down are answered concurrently: any order.
    assert fact(0) in replies[0]
    assert sorted(fact(0) in r for r in replies[1:3]) == [False, True]
    assert sum("37 of the 65 drones" in r for r in replies[1:3]) == 1
    assert [fact(1) in replies[3], fact(2) in replies[4]] == [True, True]
    admin_texts = " ".join(admin.messages())
    for i in range(3):
        assert f"{i + 100} flooded homes" not in admin_texts  # /add tells titles, not text
    assert admin_texts.count("Indexed:") == 3, admin.messages()
    with UpdateJournal(journal_path(tmp_path / "data", TOKEN)) as journal:
        assert journal.pending(max_age_s=3600) == []
    assert "Replaying 1 updates" in log.read_text()
