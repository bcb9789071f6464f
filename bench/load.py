"""Load test: the real bot (``newsbot run`` in a child process) under many users at once.

    python -m bench.load [--users 200] [--questions 5] [--rate 20]

Through the loopback Bot API (with Telegram's flood control: 30 sends a second in all, a
burst of 3 a second per chat, refused with 429 and ``retry_after``), ``--users`` simulated
users each ask ``--questions`` questions, send one command and type one inline query, at most
``--rate`` updates a second in all, reading each reply for a moment before going on.
Questions come from ``../shared/eval/seed_dev.jsonl`` (asked as written, in lower case
without the question mark, or after "Please tell me"), over the bundled corpus. The bot's
answer cache is off unless ``--answer-cache-ttl`` is given, so every question runs the whole
pipeline (embed, search, rerank, read).

First a reference user (an admin: no rate limit) sends every distinct message and inline
query once; under load, each reply must equal the reference reply: that is the "correct".
The load runs in a fresh bot process (same index), so nothing the reference pass computed is
cached. Printed: updates, replies correct / wrong / lost / duplicated, 429s served (each
retried by the bot), throughput, reply latency p50/p95/p99 by kind, the bot's peak memory and
restart time; the exit status is 1 if any reply was wrong, lost or duplicated.

With ``--alerts N``, N chats follow one topic and an admin adds an article on it a few seconds
into the load (``bench.load_alerts``): every follower must get exactly one alert, and every
user's reply must still be correct (against the replies before or after the article).

With ``--workers 1,2`` (any counts), the bot runs instead as that many webhook workers over one
PostgreSQL store and one Redis, each count in turn in this one run (``bench.load_workers``).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

from bench import load_alerts, load_workers
from bench.bot_process import BotProcess, bot_env
from bench.load_kit import (
    REFERENCE_USER,
    Reference,
    Tally,
    error_kinds,
    extra_messages,
    plans,
    print_figures,
    print_misses,
    question_pool,
    run_users,
)
from bench.load_users import Watcher
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import TOKEN
from tests.web_server import WebServer


async def main_async(args: argparse.Namespace) -> int:
    pool = question_pool()
    steps = plans(args.users, args.questions, pool, args.seed)
    distinct = {step for plan in steps for step in plan}
    admins = [REFERENCE_USER, load_alerts.ALERT_ADMIN] if args.alerts else [REFERENCE_USER]
    with tempfile.TemporaryDirectory() as tmp, FakeBotApi(TOKEN) as api, WebServer() as web:
        env = bot_env(
            api,
            Path(tmp) / "data",
            TELEGRAM__ADMINS=json.dumps(admins),
            TELEGRAM__ANSWER_CACHE_TTL_S=str(args.answer_cache_ttl),
            **(load_alerts.ENV if args.alerts else {}),
        )
        bot = BotProcess(api, env, Path(tmp) / "bot.log")
        await asyncio.to_thread(bot.start)
        api.flood_control(per_second=30, per_chat_per_second=args.per_chat)
        watcher = Watcher(api)
        watching = asyncio.create_task(watcher.run())
        reference = await Reference.take(api, watcher, distinct)
        # A fresh process for the load: nothing the reference pass computed is cached.
        bot.stop()
        alerts = load_alerts.AlertRun(api, load_alerts.subscribe(Path(tmp) / "data", args.alerts))
        started = await asyncio.to_thread(bot.start)
        calls_before = len(api.calls())
        adding = asyncio.create_task(alerts.add_after(web, 3.0)) if args.alerts else None
        users, wall = await run_users(api, watcher, steps, reference, args.rate)
        await asyncio.sleep(2.0)  # anything late or twice arrives now
        after = None
        if adding is not None:
            await adding
            alerts_took = await alerts.wait(timeout_s=300)
            after = await Reference.take(api, watcher, distinct)  # the index grew meanwhile
        outcomes = [o for u in users for o in u.outcomes]
        tally = Tally.of(outcomes, reference, also=after)
        surplus = extra_messages(api, users, reference)
        statuses = Counter(c.status for c in api.calls()[calls_before:])
        peak = bot.peak_rss_mb()
        code = bot.stop()
        watching.cancel()
        errors = error_kinds(bot.log.read_text(errors="replace"))
    kinds = Counter(o.step.kind for o in outcomes)
    print(
        f"load: {args.users} users x {args.questions} questions + 1 command + 1 inline query "
        f"= {len(outcomes)} updates ({dict(kinds)}), at most {args.rate:g} updates/s; "
        f"{len(distinct)} distinct, answer cache ttl {args.answer_cache_ttl:g} s; "
        f"Bot API flood control 30/s in all, {args.per_chat}/s per chat"
    )
    print_figures(outcomes, wall, args.rate, tally, surplus, statuses)
    print_misses(outcomes, [reference] if after is None else [reference, after])
    if args.alerts:
        print(alerts.line(alerts_took))
    print(f"errors in the bot's log: {dict(errors) or 'none'}")
    print(
        f"bot process: restart {started:.1f} s (index built), "
        f"peak memory (VmHWM) {peak:.0f} MiB, exit status {code}"
    )
    alerts_ok = not args.alerts or set(alerts.alerts().values()) == {1}
    return 0 if tally.wrong == tally.lost == surplus == code == 0 and alerts_ok else 1


def users_parser(doc: str, *, users: int, rate: float, seed: int) -> argparse.ArgumentParser:
    """The options of a benchmark of many users (``doc``: its module's docstring)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=users)
    parser.add_argument("--questions", type=int, default=5)
    parser.add_argument("--rate", type=float, default=rate, help="updates per second, at most")
    parser.add_argument("--seed", type=int, default=seed)
    return parser


def main() -> int:
    parser = users_parser(__doc__, users=200, rate=20.0, seed=7)
    parser.add_argument(
        "--per-chat", type=int, default=3, help="the Bot API's sends per second in one chat"
    )
    parser.add_argument(
        "--answer-cache-ttl", type=float, default=0.0, help="the bot's answer cache (0: off)"
    )
    parser.add_argument(
        "--alerts", type=int, default=0, help="followers of one topic alerted during the load"
    )
    parser.add_argument(
        "--workers",
        type=load_workers.worker_counts,
        default=None,
        help="webhook workers over PostgreSQL and Redis, e.g. 1,2: each count in turn",
    )
    args = parser.parse_args()
    if args.workers is not None and args.alerts:
        parser.error("--alerts runs one bot process: leave out --workers")
    return asyncio.run((main_async if args.workers is None else load_workers.main_async)(args))


if __name__ == "__main__":
    sys.exit(main())
