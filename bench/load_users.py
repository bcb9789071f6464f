"""Simulated Telegram users for the load and fault benchmarks.

Each ``User`` talks to the bot through the loopback Bot API the way a person does: sends a
message (a question or a command) or types an inline query, waits for the reply, reads it for
a moment, goes on. A ``Pacer`` bounds the rate of updates of all users together. One
``Watcher`` task follows the server's messages and inline answers and hands each to the user
waiting for it, with the time the server took it, so a reply's latency is exact.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from tests.bot.telegram.fake_bot_api import BotMessage, FakeBotApi
from tests.bot.telegram.harness import private_chat

#: How often the watcher looks at the Bot API's state, in seconds.
WATCH_S = 0.02


@dataclass(frozen=True, slots=True)
class Step:
    """One thing a user does: a message (question or command) or an inline query."""

    kind: str  # "question" | "command" | "inline"
    text: str


@dataclass(slots=True)
class Outcome:
    """What became of one step: the replies' plain texts, and the latency to the last one."""

    user_id: int
    step: Step
    replies: list[str] = field(default_factory=list)
    latency_s: float | None = None


class Pacer:
    """Spaces the updates of all users at least ``1 / rate`` seconds apart."""

    def __init__(self, rate: float) -> None:
        self._gap = 1.0 / rate
        self._next = time.monotonic()
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            now = time.monotonic()
            if self._next > now:
                await asyncio.sleep(self._next - now)
            self._next = max(now, self._next) + self._gap


class Watcher:
    """Follows the Bot API's sent messages and inline answers and routes them to waiters."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.inbox: defaultdict[int, asyncio.Queue[BotMessage]] = defaultdict(asyncio.Queue)
        self.inline: dict[str, asyncio.Future[tuple[dict[str, Any], float]]] = {}
        self._seen = 0
        self._answered: set[str] = set()

    def expect_inline(self, query_id: str) -> asyncio.Future[tuple[dict[str, Any], float]]:
        future: asyncio.Future[tuple[dict[str, Any], float]] = (
            asyncio.get_running_loop().create_future()
        )
        self.inline[query_id] = future
        return future

    def _fresh(self, state: Any) -> tuple[list[BotMessage], list[tuple[str, Any, float]]]:
        """Messages and inline answers not routed yet (called under the server's lock)."""
        messages = list(state.messages[self._seen :])
        inline = [
            (qid, state.inline_answers[qid], at)
            for qid, at in state.inline_answered_at.items()
            if qid not in self._answered
        ]
        return messages, inline

    async def run(self) -> None:
        while True:
            messages, inline = self.api.snapshot(self._fresh)
            self._seen += len(messages)
            for message in messages:
                if message.chat_id is not None:
                    self.inbox[message.chat_id].put_nowait(message)
            for query_id, params, at in inline:
                self._answered.add(query_id)
                future = self.inline.get(query_id)
                if future is not None and not future.done():
                    future.set_result((params, at))
            await asyncio.sleep(WATCH_S)


class User:
    """One simulated user in a private chat with the bot."""

    def __init__(
        self,
        user_id: int,
        api: FakeBotApi,
        watcher: Watcher,
        pacer: Pacer,
        *,
        think_s: tuple[float, float] = (0.5, 2.0),
        reply_timeout_s: float = 60.0,
        seed: int = 0,
    ) -> None:
        self.id = user_id
        self.user: dict[str, Any] = {
            "id": user_id,
            "is_bot": False,
            "first_name": f"U{user_id}",
            "language_code": "en",
        }
        self.api, self.watcher, self.pacer = api, watcher, pacer
        self.think_s, self.reply_timeout_s = think_s, reply_timeout_s
        self.random = random.Random(seed)
        self.outcomes: list[Outcome] = []

    async def run(self, steps: list[Step], expected_replies: dict[str, int]) -> list[Outcome]:
        """Do ``steps`` in order; a message step waits for ``expected_replies[text]`` (or 1)."""
        for step in steps:
            await self.pacer.wait()
            if step.kind == "inline":
                outcome = await self._inline(step)
            else:
                outcome = await self._message(step, expected_replies.get(step.text, 1))
            self.outcomes.append(outcome)
            await asyncio.sleep(self.random.uniform(*self.think_s))
        return self.outcomes

    def _push_message(self, text: str) -> None:
        message: dict[str, Any] = {
            "message_id": self.api.next_id(),
            "date": int(time.time()),
            "chat": private_chat(self.user),
            "from": self.user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split(" ")[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        self.api.push_update({"message": message})

    async def _message(self, step: Step, count: int) -> Outcome:
        outcome = Outcome(self.id, step)
        inbox = self.watcher.inbox[self.id]
        name = str(self.user["first_name"])
        sent_at = time.monotonic()
        self._push_message(step.text)
        try:
            async with asyncio.timeout(self.reply_timeout_s):
                while len(outcome.replies) < count:
                    reply = await inbox.get()
                    outcome.replies.append(reply.plain.replace(name, "<name>"))
                    outcome.latency_s = reply.sent_at - sent_at
        except TimeoutError:
            pass
        return outcome

    async def _inline(self, step: Step) -> Outcome:
        outcome = Outcome(self.id, step)
        query_id = str(self.api.next_id())
        future = self.watcher.expect_inline(query_id)
        sent_at = time.monotonic()
        self.api.push_update(
            {"inline_query": {"id": query_id, "from": self.user, "query": step.text, "offset": ""}}
        )
        try:
            params, at = await asyncio.wait_for(future, self.reply_timeout_s)
        except TimeoutError:
            return outcome
        outcome.replies.append(inline_summary(params))
        outcome.latency_s = at - sent_at
        return outcome


def inline_summary(params: dict[str, Any]) -> str:
    """An inline answer as text to compare: the first result's title, or the button's text."""
    results = params.get("results") or []
    if results:
        return f"result: {results[0].get('title', '')}"
    button = params.get("button") or {}
    return f"button: {button.get('text', '')}"
