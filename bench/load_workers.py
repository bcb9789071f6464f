"""The load benchmark over several webhook workers (``bench.load --workers 1,2``), as ``deploy/``
runs the bot.

Each worker is ``newsbot run`` in webhook mode on a loopback port of its own, with the same
webhook path and secret; all share one PostgreSQL store (pgserver's PostgreSQL 16 with pgvector,
in a temporary directory) and one Redis (``redis-server`` on a free loopback port). The
stand-in Bot API keeps what the simulated users send; a ``Balancer`` takes each update and
POSTs it to one worker, in turn, as a load balancer in front of the webhook URL does.

First one worker indexes the bundled corpus into the empty store and stops. Then a worker
with a fresh data directory takes the reference replies (one user asking each distinct thing
once). Then, for each count N given, N fresh workers (Redis emptied, torch threads split
between them: ``cores // N`` each) serve the same users' plans as ``bench.load``; every reply
must equal the reference one. The last lines compare the counts, from this one run.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from bench.bot_process import BotProcess, bot_env, webhook_settings
from bench.load_kit import (
    FIRST_USER,
    REFERENCE_USER,
    Reference,
    Tally,
    error_kinds,
    extra_messages,
    latency_line,
    plans,
    print_figures,
    print_misses,
    question_pool,
    run_users,
)
from bench.load_users import Step, Watcher
from tests.bot.telegram.fake_bot_api import FakeBotApi, State
from tests.bot.telegram.fakes import TOKEN
from tests.redis_server import RedisServer, free_port, running_redis
from tests.servers import PostgresServer

#: Webhook requests in flight at once, in all (Telegram's default max_connections is 40).
CONNECTIONS = 16


def worker_counts(text: str) -> list[int]:
    """``"1,2"`` -> ``[1, 2]``: the worker counts to measure, each at least 1."""
    try:
        counts = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"worker counts of at least 1, e.g. 1,2: {text!r}")
    return counts


def _take(state: State) -> list[dict[str, Any]] | None:
    """Every update waiting in the stand-in Bot API (taken off it), or None."""
    if not state.updates:
        return None
    updates = list(state.updates)
    state.updates.clear()
    return updates


class Balancer:
    """Takes each update the users send and POSTs it to the next worker, in a thread."""

    def __init__(self, api: FakeBotApi, workers: list[BotProcess]) -> None:
        self.api, self.workers = api, workers
        self.statuses: Counter[int] = Counter()
        self.delivered: Counter[int] = Counter()  # updates per worker (by index)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="balancer", daemon=True)

    def __enter__(self) -> Balancer:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        turn = itertools.cycle(range(len(self.workers)))
        with ThreadPoolExecutor(CONNECTIONS, thread_name_prefix="webhook") as pool:
            while not self._stop.is_set():
                try:
                    updates = self.api.wait_sync(_take, timeout=0.2)
                except AssertionError:  # (none within the timeout)
                    continue
                for update in updates:
                    pool.submit(self._deliver, next(turn), update)

    def _deliver(self, index: int, update: dict[str, Any]) -> None:
        try:
            status = self.workers[index].post(update)
        except OSError as error:  # (urllib's HTTPError carries the status)
            status = int(getattr(error, "code", 0))
        with self._lock:
            self.statuses[status] += 1
            self.delivered[index] += 1


@dataclass
class Site:
    """One stand-in Bot API, one PostgreSQL store and one Redis; workers started over them."""

    api: FakeBotApi
    tmp: Path
    store_url: str
    redis: RedisServer
    answer_cache_ttl: float
    runs: itertools.count[int] = field(default_factory=itertools.count)

    def data_dir(self, run: int, i: int) -> Path:
        return self.tmp / f"run{run}-worker{i}"

    def workers(self, count: int) -> list[BotProcess]:
        """``count`` workers (not started), each with a fresh data directory."""
        threads = max(1, len(os.sched_getaffinity(0)) // count)
        run = next(self.runs)
        out = []
        for i in range(count):
            port = free_port()
            env = bot_env(
                self.api,
                self.data_dir(run, i),
                TELEGRAM__ADMINS=json.dumps([REFERENCE_USER]),
                TELEGRAM__ANSWER_CACHE_TTL_S=str(self.answer_cache_ttl),
                EMBEDDING__THREADS=str(threads),
                **webhook_settings(port, self.store_url, self.redis.url),
            )
            log = self.tmp / f"run{run}-worker{i}.log"
            out.append(BotProcess(self.api, env, log, webhook_port=port))
        return out

    async def start(self, count: int) -> tuple[list[BotProcess], list[float]]:
        """``count`` fresh workers over an emptied Redis, started together and warm; the
        seconds each took to listen."""
        await asyncio.to_thread(self.redis.client().flushall)
        workers = self.workers(count)
        starts = await asyncio.gather(*(asyncio.to_thread(w.start) for w in workers))
        await asyncio.gather(*(asyncio.to_thread(w.wait_warm) for w in workers))
        return workers, list(starts)


@dataclass
class Figures:
    """One worker count's outcome, for the comparison at the end."""

    workers: int
    updates: int
    wall_s: float
    tally: Tally
    surplus: int
    questions: str
    codes: list[int]

    @property
    def exact(self) -> bool:
        return self.tally.wrong == self.tally.lost == self.surplus == 0 and set(self.codes) == {0}

    def line(self) -> str:
        t = self.tally
        return (
            f"{self.workers} worker(s): {self.updates / self.wall_s:.1f} updates/s; "
            f"questions {self.questions}; correct {t.correct}, wrong {t.wrong}, lost {t.lost}, "
            f"duplicated {self.surplus}"
        )


async def measure(
    site: Site,
    watcher: Watcher,
    count: int,
    steps: list[list[Step]],
    reference: Reference,
    args: argparse.Namespace,
) -> Figures:
    """The users' plans served by ``count`` fresh workers; prints the figures."""
    workers, starts = await site.start(count)
    calls_before = len(site.api.calls())
    first_user = FIRST_USER + (count * 10 + 1) * len(steps)  # (each run's users are new)
    with Balancer(site.api, workers) as balancer:
        users, wall = await run_users(site.api, watcher, steps, reference, args.rate, first_user)
        await asyncio.sleep(2.0)  # anything late or twice arrives now
    outcomes = [o for u in users for o in u.outcomes]
    tally = Tally.of(outcomes, reference)
    surplus = extra_messages(site.api, users, reference)
    statuses = Counter(c.status for c in site.api.calls()[calls_before:])
    peaks = [w.peak_rss_mb() for w in workers]
    codes = [w.stop() for w in workers]
    errors = sum((error_kinds(w.log.read_text(errors="replace")) for w in workers), Counter())
    threads = workers[0].env["NEWSBOT_EMBEDDING__THREADS"]
    delivered = dict(sorted(balancer.delivered.items()))
    print(
        f"\n== {count} webhook worker(s), {threads} torch thread(s) each, one PostgreSQL store, "
        f"one Redis (sentence vectors in the store's table); updates POSTed in turn: {delivered} "
        f"per worker, HTTP statuses {dict(balancer.statuses)}"
    )
    print_figures(outcomes, wall, args.rate, tally, surplus, statuses)
    print_misses(outcomes, [reference])
    print(f"errors in the workers' logs: {dict(errors) or 'none'}")
    print(
        "worker processes: start "
        + ", ".join(f"{s:.1f}" for s in starts)
        + " s; peak memory (VmHWM) "
        + ", ".join(f"{p:.0f}" for p in peaks)
        + f" MiB; exit status {codes}"
    )
    return Figures(
        count, len(outcomes), wall, tally, surplus, latency_line(outcomes, ("question",)), codes
    )


async def run_site(api: FakeBotApi, site: Site, args: argparse.Namespace) -> list[Figures]:
    """Index, take the reference, then measure each worker count (see the module docstring)."""
    steps = plans(args.users, args.questions, question_pool(), args.seed)
    distinct = {step for plan in steps for step in plan}
    watcher = Watcher(api)
    watching = asyncio.create_task(watcher.run())
    try:
        began = time.monotonic()
        [indexer], _ = await site.start(1)
        indexer.stop()
        took = time.monotonic() - began
        print(f"store: the bundled corpus indexed into PostgreSQL by one worker in {took:.1f} s")
        [ref], _ = await site.start(1)
        with Balancer(api, [ref]):
            reference = await Reference.take(api, watcher, distinct)
        ref.stop()
        print(
            f"load: {args.users} users x {args.questions} questions + 1 command + 1 inline query, "
            f"at most {args.rate:g} updates/s; {len(distinct)} distinct, answer cache ttl "
            f"{args.answer_cache_ttl:g} s; Bot API flood control 30/s in all, "
            f"{args.per_chat}/s per chat"
        )
        return [
            await measure(site, watcher, count, steps, reference, args) for count in args.workers
        ]
    finally:
        watching.cancel()


async def main_async(args: argparse.Namespace) -> int:
    """The run of ``bench.load --workers``; 0 if every reply of every count was exact."""
    with (
        tempfile.TemporaryDirectory(prefix="newsbot-load-") as tmp,
        FakeBotApi(TOKEN) as api,
        running_redis() as redis,
    ):
        postgres = PostgresServer(Path(tmp) / "postgres")
        try:
            url = postgres.create_database()
            site = Site(api, Path(tmp), url, redis, args.answer_cache_ttl)
            api.flood_control(per_second=30, per_chat_per_second=args.per_chat)
            figures = await run_site(api, site, args)
        finally:
            postgres.stop()
    print(f"\nthe same users and plans, this run, {len(os.sched_getaffinity(0))} cores:")
    for one in figures:
        print("  " + one.line())
    return 0 if all(f.exact for f in figures) else 1
