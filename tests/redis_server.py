"""A real Redis server for tests: Debian's ``redis-server`` on a free loopback port.

``running_redis()`` starts ``redis-server`` in a temporary directory with nothing saved to disk,
waits until it answers PING, and stops it at the end; ``stop`` and ``start`` in between
stand for an outage or a restart (which loses everything, as nothing is saved). Without the
binary the test fails, telling how to install it: tests that need Redis never skip.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

#: How long a starting server may take to answer PING.
START_TIMEOUT_S = 20.0


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def redis_binary() -> str:
    """The path of ``redis-server``; fails the test when it is not installed."""
    found = shutil.which("redis-server") or shutil.which("/usr/bin/redis-server")
    if found is None:
        pytest.fail(
            "redis-server is not installed: run `apt-get install -y redis-server` "
            "(./dev setup does it where apt is usable)",
            pytrace=False,
        )
    return found


class RedisServer:
    """One ``redis-server`` process on ``127.0.0.1:port`` (see the module docstring)."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._dir = tempfile.TemporaryDirectory(prefix="newsbot-redis-")
        self._process: subprocess.Popen[bytes] | None = None

    def client(self) -> redis.Redis:
        """A client of this server (text in, text out)."""
        return redis.Redis.from_url(self.url, decode_responses=True)

    def start(self) -> None:
        """Start the server (again, after ``stop``: empty) and wait until it answers."""
        log = (Path(self._dir.name) / "redis.log").open("ab")
        command = [redis_binary(), "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", self._dir.name]
        self._process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        log.close()
        deadline = time.monotonic() + START_TIMEOUT_S
        with self.client() as client:
            while True:
                try:
                    client.ping()
                    return
                except redis.ConnectionError:
                    if self._process.poll() is not None or time.monotonic() > deadline:
                        self.stop()
                        pytest.fail(f"redis-server did not start: see {self._dir.name}")
                    time.sleep(0.05)

    def stop(self) -> None:
        """Stop the server (an outage, until ``start``)."""
        if self._process is None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        self._process = None

    def close(self) -> None:
        self.stop()
        self._dir.cleanup()


@contextmanager
def running_redis() -> Iterator[RedisServer]:
    """A started ``RedisServer``, stopped and cleaned up at the end."""
    server = RedisServer()
    try:
        server.start()
        yield server
    finally:
        server.close()
