"""The real bot as an operator runs it (``newsbot run``), in a child process, against a
loopback Bot API: started, measured (peak resident memory), stopped or killed.

Used by ``bench.load`` and ``bench.faults``; the child's log goes to a file.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.bot.telegram.fake_bot_api import FakeBotApi

#: Seconds a start may take (models load, the bundled corpus is indexed on an empty dir).
START_TIMEOUT_S = 180.0


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


class BotProcess:
    """``newsbot run`` in a child process; ``start`` waits until it polls for updates."""

    def __init__(self, api: FakeBotApi, env: dict[str, str], log: Path) -> None:
        self.api, self.env, self.log = api, env, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts: list[float] = []

    def start(self) -> float:
        """Start the bot; seconds until it first asked for updates after its start-up."""
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
            ready = len(self.api.calls("setMyCommands")) > commands_before
            if ready and len(self.api.calls("getUpdates")) > polls_before:
                break
            if time.monotonic() - began > START_TIMEOUT_S:
                raise RuntimeError(f"the bot did not start in {START_TIMEOUT_S} s:\n{self.tail()}")
            time.sleep(0.05)
        self.starts.append(time.monotonic() - began)
        return self.starts[-1]

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
