"""The parts of the load benchmarks: questions, users' plans, the reference replies, the tally
of replies against them, and the printed figures.

Used by ``bench.load`` (one bot process, or several webhook workers with
``bench.load_workers``) and ``bench.faults``.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.load_users import Outcome, Pacer, Step, User, Watcher
from evaluation.stats import latency_figures
from tests.bot.telegram.fake_bot_api import FakeBotApi

#: The questions (in ``shared/`` beside the repository, as ``../shared`` from its root).
SEED_DEV = Path(__file__).resolve().parents[2] / "shared" / "eval" / "seed_dev.jsonl"
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
    api: FakeBotApi,
    watcher: Watcher,
    steps: list[list[Step]],
    reference: Reference,
    rate: float,
    first_user: int = FIRST_USER,
) -> tuple[list[User], float]:
    """Every user does its steps (starts spread over the first ``len/rate`` seconds); user ids
    from ``first_user``."""
    pacer = Pacer(rate)
    users = [User(first_user + i, api, watcher, pacer, seed=i) for i in range(len(steps))]
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


def print_figures(
    outcomes: list[Outcome],
    wall: float,
    rate: float,
    tally: Tally,
    surplus: int,
    statuses: Counter[int],
) -> None:
    """The replies against the reference, the Bot API's refusals, throughput and latency."""
    print(
        f"replies: correct {tally.correct}, wrong {tally.wrong}, lost {tally.lost}, "
        f"duplicated {surplus}; 429s served {statuses[429]} (each retried after retry_after), "
        f"other errors {sum(n for s, n in statuses.items() if s not in (200, 429))}"
    )
    print(
        f"throughput: {len(outcomes) / wall:.1f} updates/s ({len(outcomes)} in {wall:.1f} s; "
        f"offered at most {rate:g}/s)"
    )
    print(f"reply latency, all:       {latency_line(outcomes, ('question', 'command', 'inline'))}")
    print(f"reply latency, questions: {latency_line(outcomes, ('question',))}")
    print(f"reply latency, commands:  {latency_line(outcomes, ('command',))}")
    print(f"reply latency, inline:    {latency_line(outcomes, ('inline',))}")
