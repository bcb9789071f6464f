"""Topic alerts during ``bench.load --alerts N``: N followers of one topic, one new article.

Before the load's bot process starts, N chats (ids from ``FIRST_FOLLOWER``) are subscribed
to one topic in its data directory's ``follows.sqlite3``; a few seconds into the load an admin
(``ALERT_ADMIN``) sends ``/add`` of a page on that topic from a loopback web server. Every
follower must then get exactly one alert, while every user's update still gets its one
correct reply: the alerts share the Bot API's flood control with the replies.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path

from bot.follows import FollowStore, follows_path
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.web_server import Route, WebServer

FIRST_FOLLOWER = 500_001
ALERT_ADMIN = 900_000_002
TOPIC = "cargo ships in the Lindqvist harbour"
ALERT = "🔔"
ARTICLE = (
    b"<html><head><title>Harbour report</title>"
    b'<meta property="article:published_time" content="2025-03-03"></head><body><article>'
    b"<h1>Harbour report</h1><p>The harbour of Lindqvist handled 52 cargo ships in February.</p>"
    b"<p>Dock workers in Lindqvist said the new cranes doubled the speed of unloading.</p>"
    b"</article></body></html>"
)


#: The bot's settings for the alert run (it fetches the article from the loopback server).
ENV = {"FETCH__ALLOW_PRIVATE": "true", "FETCH__PER_HOST_INTERVAL_S": "0"}


def subscribe(data_dir: Path, followers: int) -> list[int]:
    """Subscribe ``followers`` chats to ``TOPIC``; their ids."""
    store = FollowStore(follows_path(data_dir))
    chats = list(range(FIRST_FOLLOWER, FIRST_FOLLOWER + followers))
    for chat in chats:
        store.follow(chat, chat, TOPIC, "en", max_topics=1)
    return chats


@dataclass
class AlertRun:
    """When the article was added, and the followers' alerts as they arrive."""

    api: FakeBotApi
    followers: list[int]
    added_at: float = 0.0

    async def add_after(self, web: WebServer, delay_s: float) -> None:
        await asyncio.sleep(delay_s)
        web.routes["/harbour.html"] = Route(body=ARTICLE)
        chat = {"id": ALERT_ADMIN, "type": "private", "first_name": "Operator"}
        text = f"/add {web.url('/harbour.html')}"
        self.added_at = time.monotonic()
        self.api.push_update(
            {
                "message": {
                    "message_id": self.api.next_id(),
                    "date": int(time.time()),
                    "chat": chat,
                    "from": {"id": ALERT_ADMIN, "is_bot": False, "first_name": "Operator"},
                    "text": text,
                    "entities": [{"type": "bot_command", "offset": 0, "length": 4}],
                }
            }
        )

    def alerts(self) -> dict[int, int]:
        """Alerts per follower so far."""
        wanted = set(self.followers)
        counts = dict.fromkeys(self.followers, 0)
        for message in self.api.messages():
            if message.chat_id in wanted and message.plain.startswith(ALERT):
                counts[message.chat_id] += 1
        return counts

    async def wait(self, timeout_s: float) -> float:
        """Wait until every follower has an alert (or the timeout); seconds since /add."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and min(self.alerts().values(), default=1) < 1:
            await asyncio.sleep(0.5)
        last = max(
            (
                m.sent_at
                for m in self.api.messages()
                if m.chat_id in set(self.followers) and m.plain.startswith(ALERT)
            ),
            default=self.added_at,
        )
        return last - self.added_at

    def line(self, took_s: float) -> str:
        counts = self.alerts()
        once = sum(1 for n in counts.values() if n == 1)
        twice = sum(1 for n in counts.values() if n > 1)
        missing = sum(1 for n in counts.values() if n == 0)
        return (
            f"alerts: {len(counts)} followers of one topic, one new article by /add: "
            f"{once} got exactly one, {missing} none, {twice} more than one; "
            f"last alert {took_s:.1f} s after the /add"
        )
