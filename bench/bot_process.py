"""The real bot as an operator runs it (``newsbot run``), in a child process, against a
loopback Bot API: started, measured (peak resident memory), stopped or killed.

It polls for updates, or (``webhook_port``) runs as one webhook worker of several, as
``deploy/`` runs them: updates are POSTed to it (``post``). Used by ``bench.load``,
``bench.load_workers`` and ``bench.faults``; the child's log goes to a file.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from tests.bot.telegram.fake_bot_api import FakeBotApi

#: Seconds a start may take (models load, the bundled corpus is indexed on an empty dir).
START_TIMEOUT_S = 180.0
#: The public webhook URL's path and secret: the same for every worker behind it.
WEBHOOK_PATH = "/telegram/hook"
WEBHOOK_SECRET = "shared_webhook_secret"


def bot_env(api: FakeBotApi, data_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of ``newsbot run`` talking to ``api``, with ``extra`` NEWSBOT_ settings
    (names without the prefix, e.g. ``TELEGRAM__ADMINS='[1]'``)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSBOT_")}
    env.update(
        {
            "NEWSBOT_DATA_DIR": str(data_dir),
            "NEWSBOT_TELEGRAM__TOKEN": api.token,
            "NEWSBOT_TELEGRAM__BASE_URL": api.base_url,
            "NEWSBOT_LOG_LEVEL": "INFO",
        }
    )
    env.update({f"NEWSBOT_{name}": value for name, value in extra.items()})
    return env


def webhook_settings(port: int, store_url: str, state_url: str) -> dict[str, str]:
    """The settings (for ``bot_env``) of one webhook worker on ``port``: the same public URL
    and secret as every other worker, one shared store and one shared Redis."""
    return {
        "TELEGRAM__MODE": "webhook",
        "TELEGRAM__WEBHOOK_URL": f"https://bot.example.org{WEBHOOK_PATH}",
        "TELEGRAM__WEBHOOK_SECRET": WEBHOOK_SECRET,
        "TELEGRAM__WEBHOOK_PORT": str(port),
        "STORE__URL": store_url,
        "STATE__URL": state_url,
    }


def post_update(port: int, update: dict[str, Any], secret: str = WEBHOOK_SECRET) -> int:
    """POST ``update`` to the webhook on loopback ``port`` as Telegram does; the HTTP status
    (an error status raises ``urllib.error.HTTPError``)."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{WEBHOOK_PATH}",
        data=json.dumps(update).encode(),
        headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": secret},
    )
    with urllib.request.urlopen(request, timeout=START_TIMEOUT_S) as response:
        status: int = response.status
        return status


def listening(port: int) -> bool:
    """Whether something accepts connections on loopback ``port``."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


class BotProcess:
    """``newsbot run`` in a child process; ``start`` waits until it polls for updates, or with
    ``webhook_port`` (the port its settings name) until its webhook server listens."""

    def __init__(
        self, api: FakeBotApi, env: dict[str, str], log: Path, webhook_port: int | None = None
    ) -> None:
        self.api, self.env, self.log = api, env, log
        self.webhook_port = webhook_port
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts: list[float] = []

    def _ready(self, polls_before: int, commands_before: int) -> bool:
        if len(self.api.calls("setMyCommands")) <= commands_before:
            return False
        if self.webhook_port is not None:
            # (python-telegram-bot sets the webhook first and listens after)
            return listening(self.webhook_port)
        return len(self.api.calls("getUpdates")) > polls_before

    def start(self) -> float:
        """Start the bot; seconds until it first asked for updates (or listened) after its
        start-up."""
        polls_before = len(self.api.calls("getUpdates"))
        commands_before = len(self.api.calls("setMyCommands"))
        began = time.monotonic()
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "run"],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"the bot exited at start:\n{self.tail()}")
            if self._ready(polls_before, commands_before):
                break
            if time.monotonic() - began > START_TIMEOUT_S:
                raise RuntimeError(f"the bot did not start in {START_TIMEOUT_S} s:\n{self.tail()}")
            time.sleep(0.05)
        self.starts.append(time.monotonic() - began)
        return self.starts[-1]

    def wait_warm(self) -> None:
        """Wait until the bot says its models are warm (it takes updates before, and the first
        ones wait for the models to load)."""
        began = time.monotonic()
        while "The answerer is warm" not in (log := self.log.read_text(errors="replace")):
            if "Warming the answerer failed" in log:
                raise RuntimeError(f"the bot could not warm its models:\n{self.tail()}")
            if self.proc is None or self.proc.poll() is not None:
                raise RuntimeError(f"the bot exited while warming:\n{self.tail()}")
            if time.monotonic() - began > START_TIMEOUT_S:
                raise RuntimeError(f"the bot was not warm in {START_TIMEOUT_S} s:\n{self.tail()}")
            time.sleep(0.1)

    def post(self, update: dict[str, Any]) -> int:
        """Deliver ``update`` to this worker's webhook; the HTTP status."""
        assert self.webhook_port is not None
        return post_update(self.webhook_port, update)

    def peak_rss_mb(self) -> float:
        """The child's peak resident memory so far (VmHWM), in MiB."""
        assert self.proc is not None
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        line = next(x for x in status.splitlines() if x.startswith("VmHWM:"))
        return int(line.split()[1]) / 1024

    def kill(self) -> int:
        """SIGKILL, as a crash or an OOM kill would: no clean-up at all."""
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        return self.proc.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, as an operator or a service manager stops it; its exit status."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait(timeout=30)

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]
