"""Politeness: requests to one host spaced by the interval, across threads, with a fake clock."""

from __future__ import annotations

import threading

from index.web.fetch import FetchPolicy, HttpFetcher
from index.web.rate import HostRateLimiter
from tests.web_server import Route, WebServer

PAGE = b"<html><body><p>Hello.</p></body></html>"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_requests_to_one_host_are_spaced_by_the_interval(web_server: WebServer) -> None:
    web_server.routes["/a"] = Route(body=PAGE)
    clock = FakeClock()
    policy = FetchPolicy(allow_private=True, per_host_interval_s=2.0)
    with HttpFetcher(policy, clock=clock, sleep=clock.sleep) as fetcher:
        fetcher.fetch(web_server.url("/a"))
        clock.now += 0.5
        fetcher.fetch(web_server.url("/a"))
        clock.now += 5
        fetcher.fetch(web_server.url("/a"))
    assert clock.slept == [1.5]
    assert len(web_server.requests) == 3


def test_the_rate_limiter_queues_callers_per_host() -> None:
    clock = FakeClock()
    limiter = HostRateLimiter(1.0, clock=clock, sleep=lambda s: None)
    assert [limiter.wait("a.example") for _ in range(3)] == [0.0, 1.0, 2.0]
    assert limiter.wait("B.example") == 0.0
    assert limiter.wait("b.example") == 1.0
    clock.now += 10
    assert limiter.wait("a.example") == 0.0


def test_the_rate_limiter_is_thread_safe() -> None:
    clock = FakeClock()
    limiter = HostRateLimiter(1.0, clock=clock, sleep=lambda s: None)
    waits: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(25):
            delay = limiter.wait("host")
            with lock:
                waits.append(delay)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(waits) == [float(i) for i in range(100)]  # every slot taken exactly once
