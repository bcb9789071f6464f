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
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench import load_alerts
from bench.bot_process import BotProcess, bot_env
from bench.load_users import Outcome, Pacer, Step, User, Watcher
from evaluation.stats import latency_figures
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import TOKEN
from tests.web_server import WebServer

SEED_DEV = Path("../shared/eval/seed_dev.jsonl")
COMMANDS = ("/start", "/help", "/about", "/sources")
REFERENCE_USER = 900_000_001
FIRST_USER = 100_001


def question_pool(path: Path = SEED_DEV) -> list[str]:
    """The questions users ask: each seed_dev question in three wordings."""
    pool = []
    for line in path.read_text().splitlines():
        q = json.loads(line)["q"].strip()
        pool += [q, q.lower().rstrip("?"), "Please tell me " + q[0].lower() + q[1:]]
    return pool


def plans(
    users: int, questions: int, pool: list[str], seed: int, commands: tuple[str, ...] = COMMANDS
) -> list[list[Step]]:
    """Per user: ``questions`` questions, one command and one inline query, shuffled."""
    rng = random.Random(seed)
    out = []
    for _ in range(users):
        steps = [Step("question", rng.choice(pool)) for _ in range(questions)]
        steps += [Step("command", rng.choice(commands)), Step("inline", rng.choice(pool))]
        rng.shuffle(steps)
        out.append(steps)
    return out


@dataclass
class Reference:
    """The reply to every distinct step, from one user asking each once, unhurried."""

    replies: dict[Step, list[str]]

    @classmethod
    async def take(cls, api: FakeBotApi, watcher: Watcher, steps: set[Step]) -> Reference:
        user = User(REFERENCE_USER, api, watcher, Pacer(1000), think_s=(0.0, 0.0))
        replies: dict[Step, list[str]] = {}
        for step in sorted(steps, key=lambda s: (s.kind, s.text)):
            outcome = (await user.run([step], {}))[-1]
            await asyncio.sleep(0.3)  # a reply in several messages: take them all
            inbox = watcher.inbox[user.id]
            while not inbox.empty():
                outcome.replies.append(inbox.get_nowait().plain)
            if not outcome.replies:
                raise RuntimeError(f"no reference reply to {step}")
            replies[step] = outcome.replies
        return cls(replies)

    def counts(self) -> dict[str, int]:
        return {s.text: len(r) for s, r in self.replies.items() if s.kind != "inline"}


@dataclass
class Tally:
    """Outcomes judged against the reference (``apology``: a failure the user was told of)."""

    correct: int = 0
    apologised: int = 0
    wrong: int = 0
    lost: int = 0
    duplicated: int = 0

    @classmethod
    def of(
        cls,
        outcomes: list[Outcome],
        reference: Reference,
        apology: str | None = None,
        also: Reference | None = None,
    ) -> Tally:
        """``also``: the reference taken again after the index changed during the run."""
        tally = cls()
        for outcome in outcomes:
            expected = [reference.replies[outcome.step]]
            if also is not None:
                expected.append(also.replies[outcome.step])
            if not outcome.replies:
                tally.lost += 1
            elif outcome.replies in expected:
                tally.correct += 1
            elif apology is not None and apology in outcome.replies:
                tally.apologised += 1
            else:
                tally.wrong += 1
        return tally


def error_kinds(log: str) -> Counter[str]:
    """The exceptions the bot logged (the last line of each traceback), by kind."""
    pattern = r"^(?:[\w.]+\.)?(\w*(?:Error|Exception|TimedOut|RetryAfter)):"
    return Counter(m.group(1) for m in re.finditer(pattern, log, re.M))


def print_misses(outcomes: list[Outcome], references: list[Reference], *allowed: str) -> None:
    """A few replies that were neither a reference one nor ``allowed``, and lost ones."""
    wrong = [
        o
        for o in outcomes
        if o.replies
        and all(o.replies != r.replies[o.step] for r in references)
        and not any(a in r for a in allowed for r in o.replies)
    ]
    for o in wrong[:5]:
        print(f"  wrong: {o.step} got {o.replies} expected {references[0].replies[o.step]}")
    for o in [o for o in outcomes if not o.replies][:5]:
        print(f"  lost: {o.step} (user {o.user_id})")


def extra_messages(api: FakeBotApi, users: list[User], reference: Reference) -> int:
    """Messages the users got beyond one reply per message they sent: duplicates."""
    surplus = 0
    for user in users:
        expected = sum(
            len(reference.replies[o.step]) for o in user.outcomes if o.step.kind != "inline"
        )
        surplus += max(0, len(api.messages(user.id)) - expected)
    return surplus


def latency_line(outcomes: list[Outcome], kinds: tuple[str, ...]) -> str:
    values = [o.latency_s * 1000 for o in outcomes if o.step.kind in kinds and o.latency_s]
    if not values:
        return "no replies"
    return latency_figures(values, (50, 95, 99), digits=0, method="nearest-rank")


async def run_users(
    api: FakeBotApi, watcher: Watcher, steps: list[list[Step]], reference: Reference, rate: float
) -> tuple[list[User], float]:
    """Every user does its steps (starts spread over the first ``len/rate`` seconds)."""
    pacer = Pacer(rate)
    users = [User(FIRST_USER + i, api, watcher, pacer, seed=i) for i in range(len(steps))]
    counts = reference.counts()

    async def one(user: User, plan: list[Step], delay: float) -> None:
        await asyncio.sleep(delay)
        await user.run(plan, counts)

    began = time.monotonic()
    spread = len(steps) / rate
    await asyncio.gather(
        *(
            one(user, plan, i * spread / len(steps))
            for i, (user, plan) in enumerate(zip(users, steps, strict=True))
        )
    )
    return users, time.monotonic() - began


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
    print(
        f"replies: correct {tally.correct}, wrong {tally.wrong}, lost {tally.lost}, "
        f"duplicated {surplus}; 429s served {statuses[429]} (each retried after retry_after), "
        f"other errors {sum(n for s, n in statuses.items() if s not in (200, 429))}"
    )
    print_misses(outcomes, [reference] if after is None else [reference, after])
    if args.alerts:
        print(alerts.line(alerts_took))
    print(f"errors in the bot's log: {dict(errors) or 'none'}")
    print(
        f"throughput: {len(outcomes) / wall:.1f} updates/s ({len(outcomes)} in {wall:.1f} s; "
        f"offered at most {args.rate:g}/s)"
    )
    print(f"reply latency, all:       {latency_line(outcomes, ('question', 'command', 'inline'))}")
    print(f"reply latency, questions: {latency_line(outcomes, ('question',))}")
    print(f"reply latency, commands:  {latency_line(outcomes, ('command',))}")
    print(f"reply latency, inline:    {latency_line(outcomes, ('inline',))}")
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
    return asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
