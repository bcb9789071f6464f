"""End to end with the state in a real Redis: buttons and cache through it, restart, outage.

A Redis restart expires old buttons, and a Redis outage costs no answer.
"""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.config.settings import Settings
from bot.config.state import StateSettings
from bot.telegram import context as ctx
from bot.telegram.state.lease import RedisLease
from bot.telegram.state.redis_base import connect
from prompts.i18n import t
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import ANN, FakeAnswerer, FakeCatalog
from tests.bot.telegram.harness import Harness, buttons, private_chat, running_bot
from tests.redis_server import RedisServer

pytestmark = pytest.mark.redis

QUESTION = "How many drones were intercepted?"


def _on(redis: RedisServer, settings: Settings) -> Settings:
    return settings.model_copy(
        update={"state": StateSettings(url=SecretStr(redis.url), timeout_s=0.2)}
    )


async def _expired_alert(bot: Harness) -> None:
    """A tap was answered with the expired-button alert (and no tap with anything else)."""
    answered = await bot.api.wait_for(lambda s: [a for a in s.callback_queries.values() if a])
    assert [(a.get("text"), a.get("show_alert")) for a in answered if a.get("text")] == [
        (t("telegram.expired", "en"), True)
    ]


async def test_buttons_work_through_redis_until_a_restart_expires_them(
    api: FakeBotApi, settings: Settings, answerer: FakeAnswerer, own_redis: RedisServer
) -> None:
    async with running_bot(api, _on(own_redis, settings), answerer, FakeCatalog()) as bot:
        bot.send(private_chat(ANN), ANN, QUESTION)
        [answer] = await bot.replies(ANN["id"])
        (_, more), (_, full), *_ = buttons(answer)
        taps = [bot.press(answer, more, ANN), bot.press(answer, more, ANN)]  # a double tap
        more_reply = (await bot.replies(ANN["id"], 2))[1]
        assert more_reply.plain.startswith("More sources")
        for tap in taps:
            await bot.processed(tap)
        assert len(api.messages(ANN["id"])) == 2  # the second tap added nothing
        bot.send(private_chat(ANN), ANN, QUESTION)
        await bot.replies(ANN["id"], 3)
        assert answerer.calls == [QUESTION]  # the second answer came from the cache

        own_redis.stop()
        own_redis.start()  # a restart: nothing was saved
        tap = bot.press(answer, full, ANN)
        await bot.processed(tap)
        await _expired_alert(bot)
        bot.send(private_chat(ANN), ANN, QUESTION)
        await bot.replies(ANN["id"], 4)
        assert answerer.calls == [QUESTION, QUESTION]  # the cache went with the restart


async def test_without_redis_the_bot_answers_and_its_buttons_say_they_expired(
    api: FakeBotApi, settings: Settings, answerer: FakeAnswerer, own_redis: RedisServer
) -> None:
    async with running_bot(api, _on(own_redis, settings), answerer, FakeCatalog()) as bot:
        own_redis.stop()
        for n in range(1, 3):
            bot.send(private_chat(ANN), ANN, QUESTION)
            [*_, answer] = await bot.replies(ANN["id"], n)
            assert "42 of 45 drones" in answer.plain
        tap = bot.press(answer, buttons(answer)[0][1], ANN)
        await bot.processed(tap)
        await _expired_alert(bot)
        assert answerer.calls == [QUESTION, QUESTION]  # no cache, and no limit either


async def test_a_stopping_worker_gives_the_feed_lease_up(
    api: FakeBotApi, settings: Settings, answerer: FakeAnswerer, own_redis: RedisServer
) -> None:
    client = connect(own_redis.url, 5.0)
    other_worker = RedisLease(client, "newsbot:lease:feeds", 60)
    async with running_bot(api, _on(own_redis, settings), answerer, FakeCatalog()) as bot:
        assert await bot.app.bot_data[ctx.FEED_LEASE].acquire()
        assert not await other_worker.acquire()
    assert await other_worker.acquire()
    await client.aclose()
