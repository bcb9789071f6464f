"""Webhook workers for end-to-end tests, and ``newsbot ingest`` beside them.

Each worker is ``newsbot run`` (fake embedder) in a child process; the workers share one
PostgreSQL store and one Redis and are fed by POSTs to their webhook ports.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bench.bot_process import WEBHOOK_PATH, WEBHOOK_SECRET, listening, post_update
from tests.bot.telegram.fake_bot_api import BotMessage, FakeBotApi
from tests.bot.telegram.harness import private_chat
from tests.redis_server import free_port

REPO = Path(__file__).resolve().parents[2]
WAIT_S = 90.0
PATH = WEBHOOK_PATH
SECRET = WEBHOOK_SECRET

#: ``newsbot run`` with the fake embedder, as a child process runs it (``python -c``).
RUN_WITH_FAKE_EMBEDDER = """
import sys
from bot.commands.run import run as run_command
from bot.logging_setup import configure_logging
from bot.config.settings import Settings
from tests.index.fakes import FakeEmbedder

settings = Settings(_env_file=None)
configure_logging("INFO", secrets=[settings.telegram.token.get_secret_value()])
sys.exit(run_command(settings, embedder=FakeEmbedder()))
"""

_INGEST = """
import sys
from bot.commands.ingest import ingest as ingest_command
from bot.config.settings import Settings
from tests.index.fakes import FakeEmbedder

sys.exit(ingest_command(Settings(_env_file=None), sys.argv[1:], embedder=FakeEmbedder()))
"""


def ingest(env: dict[str, str], data_dir: Path, *urls: str) -> str:
    """``newsbot ingest URL...`` (fake embedder) in a process of its own; its output."""
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_INGEST), *urls],
        cwd=REPO,
        env={**env, "NEWSBOT_DATA_DIR": str(data_dir)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=WAIT_S,
        check=False,
    )
    output = (done.stdout + done.stderr).decode(errors="replace")
    assert done.returncode == 0, output
    return output


def until(predicate: Callable[[], object], logs: list[Path]) -> None:
    """Wait (bounded) until ``predicate()`` holds; fail with the workers' logs."""
    deadline = time.monotonic() + WAIT_S
    while not predicate():
        if time.monotonic() > deadline:
            tails = "\n".join(f"--- {log.name}\n{log.read_text()[-3000:]}" for log in logs)
            pytest.fail(f"timed out; worker logs:\n{tails}")
        time.sleep(0.05)


class Worker:
    """One ``newsbot run`` in webhook mode on a port of its own."""

    def __init__(self, name: str, api: FakeBotApi, env: dict[str, str], tmp: Path) -> None:
        self.name, self.api = name, api
        self.port = free_port()
        self.log = tmp / f"{name}.log"
        self.env = {
            **env,
            "NEWSBOT_DATA_DIR": str(tmp / name),
            "NEWSBOT_TELEGRAM__WEBHOOK_PORT": str(self.port),
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it and wait until its webhook server takes updates."""
        hooks = len(self.api.calls("setWebhook"))
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-c", textwrap.dedent(RUN_WITH_FAKE_EMBEDDER)],
                cwd=REPO,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        until(lambda: self._check_alive() and len(self.api.calls("setWebhook")) > hooks, [self.log])
        # python-telegram-bot sets the webhook first and listens after: wait for both
        until(self._listening, [self.log])

    def _listening(self) -> bool:
        self._check_alive()
        return listening(self.port)

    def _check_alive(self) -> bool:
        assert self.proc is not None
        if self.proc.poll() is not None:
            pytest.fail(f"worker {self.name} exited:\n{self.log.read_text()[-4000:]}")
        return True

    def post(self, update: dict[str, Any], secret: str = SECRET) -> int:
        """POST ``update`` to this worker's webhook as Telegram does; the HTTP status."""
        return post_update(self.port, update, secret)

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        assert self.proc.wait(timeout=WAIT_S) == -signal.SIGKILL

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=WAIT_S)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def worker_env(api: FakeBotApi, store_url: str, state_url: str, **extra: str) -> dict[str, str]:
    """The environment shared by every worker: one store, one Redis, one webhook URL."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    env.update(
        {
            "NEWSBOT_TELEGRAM__TOKEN": api.token,
            "NEWSBOT_TELEGRAM__BASE_URL": api.base_url,
            "NEWSBOT_TELEGRAM__MODE": "webhook",
            "NEWSBOT_TELEGRAM__WEBHOOK_URL": f"https://bot.example.org{PATH}",
            "NEWSBOT_TELEGRAM__WEBHOOK_SECRET": SECRET,
            "NEWSBOT_STORE__URL": store_url,
            "NEWSBOT_STATE__URL": state_url,
            "NEWSBOT_FETCH__ALLOW_PRIVATE": "true",
            "NEWSBOT_FETCH__PER_HOST_INTERVAL_S": "0",
            "NEWSBOT_FETCH__TIMEOUT_S": "300",
        }
    )
    env.update({f"NEWSBOT_{name}": value for name, value in extra.items()})
    return env


def message_update(api: FakeBotApi, user: dict[str, Any], text: str) -> dict[str, Any]:
    """A new update: ``user`` sends ``text`` in the private chat with the bot."""
    entities = (
        [{"type": "bot_command", "offset": 0, "length": len(text.split(" ")[0])}]
        if text.startswith("/")
        else []
    )
    chat = private_chat(user)
    api.snapshot(lambda s: s.chats.__setitem__(chat["id"], chat))
    message = {
        "message_id": api.next_id(),
        "date": int(time.time()),
        "chat": chat,
        "from": user,
        "text": text,
        "entities": entities,
    }
    return {"update_id": api.next_id(), "message": message}


def tap_update(
    api: FakeBotApi, user: dict[str, Any], message: BotMessage, label: str
) -> dict[str, Any]:
    """A new update: ``user`` taps the button labelled ``label`` under the bot's ``message``
    in their private chat; its answer is awaited under the update's ``callback_query`` id."""
    rows = (message.reply_markup or {})["inline_keyboard"]
    data = next(b["callback_data"] for row in rows for b in row if b["text"] == label)
    query_id = str(api.next_id())
    shown = {
        "message_id": message.message_id,
        "date": 0,
        "text": message.plain,
        "chat": private_chat(user),
        "from": api.bot_user,
    }
    tap = {"id": query_id, "from": user, "chat_instance": "42", "data": data, "message": shown}
    api.snapshot(lambda s: s.callback_queries.__setitem__(query_id, None))
    return {"update_id": api.next_id(), "callback_query": tap}
