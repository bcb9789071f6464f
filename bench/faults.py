"""Fault injection under load: the real bot keeps answering and loses nothing.

    python -m bench.faults [--users 60] [--rate 10]

The bot (``newsbot run``, a child process) indexes the bundled corpus, an operator adds three
web articles, and a reference user takes the reply to everything the users will send (as in
``bench.load``). Then the users run while, on a schedule:

- the Bot API answers a burst of ``sendMessage`` calls with 502, floods sends with 429 and
  ``retry_after``, lets calls time out, and fails ``getUpdates`` with 502;
- an operator subscribes to a feed whose server never answers, and polls it;
- an operator adds a page whose server hangs, and the bot is killed (SIGKILL) while it
  fetches (before anything is written: a kill between store writes is
  ``tests/integration/test_ingest_killed.py``); it is restarted at once while the users go
  on, and the page answers again.

Afterwards: every update must have a reply that is the reference one (taken before, or
again after the run: the interrupted /add grows the index) or an apology, none lost; the
earlier articles must answer as before, and the interrupted /add must be done.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.bot_process import BotProcess, bot_env
from bench.load import users_parser
from bench.load_kit import (
    COMMANDS,
    REFERENCE_USER,
    Reference,
    Tally,
    extra_messages,
    plans,
    print_misses,
    question_pool,
)
from bench.load_kit import run_users as run_load
from bench.load_users import Pacer, Step, User, Watcher
from prompts.i18n import t
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import TOKEN
from tests.integration.test_ingest_killed import fact, page, question
from tests.web_server import Route, WebServer

ADMIN = 900_000_002
EARLIER = (0, 1, 2)
KILLED = 3  # the article being fetched when the bot is killed
BUNDLED_QUESTION = "How many drones were intercepted?"


class Operator:
    """The admin in a private chat: a command, then its replies until one holds a needle."""

    def __init__(self, api: FakeBotApi, watcher: Watcher) -> None:
        self.user = User(ADMIN, api, watcher, Pacer(1000), think_s=(0.0, 0.0))
        self.inbox = watcher.inbox[ADMIN]

    async def say(self, text: str, needle: str, timeout: float = 120.0) -> str:
        self.user._push_message(text)
        return await self.wait(needle, timeout)

    async def wait(self, needle: str, timeout: float = 120.0) -> str:
        async with asyncio.timeout(timeout):
            while True:
                reply = (await self.inbox.get()).plain
                if needle in reply:
                    return reply


async def schedule(
    api: FakeBotApi, web: WebServer, bot: BotProcess, operator: Operator, log: list[str]
) -> None:
    """The faults, one after another, while the users run."""

    def note(text: str) -> None:
        log.append(f"{time.monotonic() - began:5.1f} s  {text}")

    began = time.monotonic()
    await asyncio.sleep(4)
    api.fail(6, status=502)
    note("6 sendMessage calls answered 502 (a burst)")
    await asyncio.sleep(3)
    api.flood(10, retry_after=1, methods=("sendMessage", "answerInlineQuery"))
    note("10 sends answered 429 retry_after=1 (a flood)")
    await asyncio.sleep(3)
    api.hang(3)
    note("3 sendMessage calls never answered (the bot times out after 2 s)")
    await asyncio.sleep(3)
    api.release_hangs()
    api.fail(3, status=502, methods=("getUpdates",))
    note("3 getUpdates calls answered 502")

    web.hang("/feed.xml", seconds=600)
    asked = time.monotonic()
    reply = await operator.say(f"/feeds add {web.url('/feed.xml')}", "feed")
    note(f"/feeds add of a feed whose server hangs: {time.monotonic() - asked:.1f} s: {reply!r}")
    asked = time.monotonic()
    reply = await operator.say("/feeds poll", "Polled")
    note(f"/feeds poll: {time.monotonic() - asked:.1f} s: {reply.splitlines()[0]!r}")

    web.hang(f"/news/{KILLED}.html", seconds=600)
    operator.user._push_message(f"/add {web.url(f'/news/{KILLED}.html')}")
    while not web.requests_to(f"/news/{KILLED}.html"):
        await asyncio.sleep(0.05)
    code = await asyncio.to_thread(bot.kill)
    note(f"bot killed (exit status {code}) while /add fetched a page")
    web.routes[f"/news/{KILLED}.html"] = Route(body=page(KILLED))
    restart = await asyncio.to_thread(bot.start)
    note(f"bot restarted in {restart:.1f} s")
    reply = await operator.wait("Indexed:")
    note(f"the interrupted /add, replayed: {reply!r}")


async def main_async(args: argparse.Namespace) -> int:
    pool = question_pool()
    # /sources is left out: the index grows during the run (the interrupted /add).
    steps = plans(args.users, args.questions, pool, args.seed, COMMANDS[:-1])
    distinct = {step for plan in steps for step in plan}
    checks = {Step("question", question(i)) for i in EARLIER} | {Step("question", BUNDLED_QUESTION)}
    log: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, FakeBotApi(TOKEN) as api, WebServer() as web:
        for i in (*EARLIER, KILLED):
            web.routes[f"/news/{i}.html"] = Route(body=page(i))
        env = bot_env(
            api,
            Path(tmp) / "data",
            TELEGRAM__ADMINS=f"[{REFERENCE_USER}, {ADMIN}]",
            TELEGRAM__ANSWER_CACHE_TTL_S="0",
            TELEGRAM__READ_TIMEOUT_S="2",
            FETCH__ALLOW_PRIVATE="true",
            FETCH__PER_HOST_INTERVAL_S="0",
            FETCH__TIMEOUT_S="3",
        )
        bot = BotProcess(api, env, Path(tmp) / "bot.log")
        await asyncio.to_thread(bot.start)
        watcher = Watcher(api)
        watching = asyncio.create_task(watcher.run())
        operator = Operator(api, watcher)
        for i in EARLIER:
            await operator.say(f"/add {web.url(f'/news/{i}.html')}", "Indexed:")
        reference = await Reference.take(api, watcher, distinct | checks)
        calls_before = len(api.calls())
        faults = asyncio.create_task(schedule(api, web, bot, operator, log))
        users, wall = await run_load(api, watcher, steps, reference, args.rate)
        await faults
        await asyncio.sleep(3.0)
        statuses = Counter(c.status for c in api.calls()[calls_before:])
        # The interrupted /add grew the index: a decline's "closest articles" may now name it.
        reference_after = await Reference.take(api, watcher, distinct)
        checker = User(REFERENCE_USER + 1, api, watcher, Pacer(1000), think_s=(0.0, 0.0))
        after = list(await checker.run(sorted(checks, key=lambda s: s.text), reference.counts()))
        killed_answer = (await checker.run([Step("question", question(KILLED))], {}))[-1]
        stats = await operator.say("/stats", "Articles:")
        peak = bot.peak_rss_mb()
        code = bot.stop()
        watching.cancel()
        bot_log = bot.log.read_text(errors="replace")
    outcomes = [o for u in users for o in u.outcomes]
    apology = t("error.internal", "en")
    tally = Tally.of(outcomes, reference, apology=apology, also=reference_after)
    inline_apologies = sum(o.replies == [f"button: {apology}"] for o in outcomes)
    print(
        f"faults under load: {args.users} users x {args.questions + 2} updates = "
        f"{len(outcomes)} updates at most {args.rate:g}/s over {wall:.1f} s; timeline:"
    )
    for line in log:
        print(f"  {line}")
    surplus = extra_messages(api, users, reference)
    print(
        f"replies: correct {tally.correct}, apology {tally.apologised + inline_apologies}, "
        f"wrong {tally.wrong - inline_apologies}, lost {tally.lost}, duplicated {surplus}"
    )
    print_misses(outcomes, [reference, reference_after], apology)
    print(
        "Bot API answers while under faults: "
        + ", ".join(f"{status or 'no answer'} x{n}" for status, n in sorted(statuses.items()))
    )
    same = sum(o.replies == reference.replies[o.step] for o in after)
    print(f"after the restart: {same}/{len(after)} earlier questions answer as before")
    found = fact(KILLED) in " ".join(killed_answer.replies)
    print(f"the article of the interrupted /add answers: {found}")
    print("index: " + " ".join(stats.split()))
    print(
        f"replayed at restart: {bot_log.count('Replaying')} time(s); "
        f"peak memory of the restarted bot {peak:.0f} MiB, exit status {code}"
    )
    missed = tally.wrong - inline_apologies + tally.lost + surplus + code
    return 0 if missed == 0 and same == len(after) and found else 1


def main() -> int:
    return asyncio.run(main_async(users_parser(__doc__, users=60, rate=10.0, seed=11).parse_args()))


if __name__ == "__main__":
    sys.exit(main())
