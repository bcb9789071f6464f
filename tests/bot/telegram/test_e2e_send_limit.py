"""Two workers' Applications over one Redis and one Bot API under Telegram's flood control: a
burst of sends from both stays within the bot's 30 a second, so none is refused with 429."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack

import pytest

from bot.config.settings import Settings
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import FakeAnswerer, FakeCatalog
from tests.bot.telegram.harness import running_bot
from tests.bot.telegram.test_e2e_two_workers import _worker

pytestmark = pytest.mark.redis

#: Sends from each worker: together three seconds' worth of the bot's limit.
BURST = 45


async def test_a_burst_from_two_workers_stays_within_the_bots_flood_limit(
    api: FakeBotApi, settings: Settings, redis_url: str
) -> None:
    api.flood_control(per_second=30, per_chat_per_second=3)
    async with AsyncExitStack() as stack:
        workers = [
            await stack.enter_async_context(
                running_bot(api, _worker(settings, api, redis_url), FakeAnswerer(), FakeCatalog())
            )
            for _ in range(2)
        ]
        chats = range(5000, 5000 + 2 * BURST)
        sends = [
            workers[i % 2].app.bot.send_message(chat, f"message {i}")
            for i, chat in enumerate(chats)
        ]
        await asyncio.gather(*sends)
    assert sorted(int(m.chat_id or 0) for m in api.messages()) == list(chats)
    assert [c.status for c in api.calls("sendMessage") if c.status != 200] == []
