"""Two workers over one real Redis, each a real Application with a loopback Bot API of its own
(as if the load balancer sent each update to one of them): a follow-up reaching the second
worker leans on the question asked through the first; a topic followed through one worker is
alerted through the other, once; the hourly alert limit holds across both; alerts left
pending are delivered once when both workers start; /follow while Redis is away gets an
apology, then works once it is back; and a language chosen with /settings through one worker
is the one the other speaks.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import pytest
import redis
from pydantic import SecretStr

from bot.chat_prefs_redis import RedisChatPrefs
from bot.config.follow import FollowSettings
from bot.config.settings import Settings
from bot.config.state import StateSettings
from bot.errors_text import INTERNAL
from bot.factory import Components
from bot.follows import Follows, PendingAlert
from bot.follows_redis import RedisFollowStore
from bot.library.indexed import IndexLibrary
from index.topic_match import TopicMatcher
from prompts.i18n import t
from tests.bot.telegram.conftest import FAKE_FOLLOW_BOUND
from tests.bot.telegram.fake_bot_api import BotMessage, FakeBotApi
from tests.bot.telegram.fakes import ANN, BOHDAN, TOKEN, FakeAnswerer, FakeCatalog
from tests.bot.telegram.harness import (
    Harness,
    buttons,
    group_chat,
    private_chat,
    running_bot,
)
from tests.bot.telegram.test_e2e_admin import _done, page
from tests.bot.telegram.test_e2e_follow import ALERT, DANA, FLOOD
from tests.bot.telegram.test_e2e_settings import _tap
from tests.redis_server import RedisServer
from tests.web_server import Route, WebServer

pytestmark = pytest.mark.redis

ALERTS_PER_HOUR = 2
QUESTION = "How many drones were intercepted?"
RESOLVED = "how many drones were launched (1 May 2024)?"


def _worker(settings: Settings, api: FakeBotApi, redis_url: str) -> Settings:
    """``settings`` for a worker talking to ``api``, with its state in the shared Redis."""
    return settings.model_copy(
        update={
            "telegram": settings.telegram.model_copy(update={"base_url": api.base_url}),
            "state": StateSettings(url=SecretStr(redis_url), timeout_s=2.0),
            "follow": FollowSettings(alerts_per_hour=ALERTS_PER_HOUR),
        }
    )


@pytest.fixture
def api_b() -> Iterator[FakeBotApi]:
    """The second worker's Bot API (the first's is ``api``): its update and message ids are
    another range, as if one Telegram numbered both workers' updates."""
    with FakeBotApi(TOKEN, first_id=1_000_000) as server:
        yield server


@pytest.fixture
def caplog(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="bot.telegram.alerts")
    return caplog


async def test_a_follow_up_sent_to_the_other_worker_leans_on_the_question(
    api: FakeBotApi, api_b: FakeBotApi, settings: Settings, redis_url: str
) -> None:
    answerers = FakeAnswerer(), FakeAnswerer()
    async with AsyncExitStack() as stack:
        a, b = [
            await stack.enter_async_context(
                running_bot(server, _worker(settings, server, redis_url), answerer, FakeCatalog())
            )
            for server, answerer in zip((api, api_b), answerers, strict=True)
        ]
        await a.processed(a.send(private_chat(ANN), ANN, QUESTION).update_id)
        await a.replies(ANN["id"])
        await b.processed(b.send(private_chat(ANN), ANN, "and how many were launched?").update_id)
        await b.replies(ANN["id"])
        assert answerers[1].calls == [RESOLVED]  # with the first worker's answer's date

        chat = group_chat(-100)  # a reply, in a group, to an answer the first worker sent
        await a.processed(a.send(chat, ANN, f"/ask {QUESTION}").update_id)
        [answer] = await a.replies(chat["id"])
        b.send(chat, BOHDAN, "how many were shot down?", reply_to=answer)
        await b.replies(chat["id"])
        assert answerers[1].calls == [RESOLVED, "how many drones were shot down (1 May 2024)?"]


@asynccontextmanager
async def _workers(
    components: Components, library: IndexLibrary, redis_url: str, *apis: FakeBotApi
) -> AsyncIterator[list[Harness]]:
    """A worker per Bot API over one index and one Redis, each with its own Redis client."""
    async with AsyncExitStack() as stack:
        workers = []
        for server in apis:
            client = redis.Redis.from_url(redis_url, decode_responses=True)
            matcher = TopicMatcher(
                components.store, components.embedder, min_score=FAKE_FOLLOW_BOUND
            )
            follows = Follows(RedisFollowStore(client, "newsbot:"), matcher)
            stack.callback(follows.store.close)
            settings = _worker(components.settings, server, redis_url)
            bot = running_bot(
                server, settings, components.answerer, components.store, library, follows=follows
            )
            workers.append(await stack.enter_async_context(bot))
        yield workers


def _alerts(*workers: Harness, user: dict[str, Any] = DANA) -> list[BotMessage]:
    sent = [m for w in workers for m in w.api.messages(int(user["id"]))]
    return [m for m in sent if m.plain.startswith(ALERT)]


def _rounds(caplog: pytest.LogCaptureFixture) -> int:
    return sum("Topic alerts:" in r.getMessage() for r in caplog.records)


async def test_a_topic_followed_through_one_worker_is_alerted_once_within_the_shared_limit(
    api: FakeBotApi,
    api_b: FakeBotApi,
    components: Components,
    library: IndexLibrary,
    redis_url: str,
    web_server: WebServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with _workers(components, library, redis_url, api, api_b) as (a, b):
        followed = await a.say(DANA, "/follow floods in Varnel")
        assert followed[-1].plain.startswith("You now follow floods in Varnel")
        web_server.routes["/a/flood.html"] = Route(body=FLOOD)
        assert (await _done(b, ANN, f"/add {web_server.url('/a/flood.html')}")).startswith(
            "Indexed"
        )
        await b.until(lambda: _rounds(caplog) >= 1, timeout=15)
        assert len(_alerts(b)) == 1 and _alerts(a) == []

        for day, worker in ((2, a), (3, b)):  # the limit counts the alerts of both workers
            text = f"On day {day} the floods in Varnel reached {day + 5} streets."
            web_server.routes[f"/a/day{day}.html"] = Route(
                body=page(f"Floods in Varnel, day {day}", f"2025-03-0{day}", text)
            )
            await _done(worker, ANN, f"/add {web_server.url(f'/a/day{day}.html')}")
            await worker.until(lambda: _rounds(caplog) >= day, timeout=15)  # noqa: B023
        assert len(_alerts(a, b)) == ALERTS_PER_HOUR
        assert any("hourly limit reached" in r.getMessage() for r in caplog.records)


async def test_alerts_left_pending_are_delivered_once_by_the_workers_that_start(
    api: FakeBotApi,
    api_b: FakeBotApi,
    components: Components,
    library: IndexLibrary,
    redis_url: str,
) -> None:
    with redis.Redis.from_url(redis_url, decode_responses=True) as client:
        store = RedisFollowStore(client, "newsbot:")
        alerts = [
            PendingAlert(0, int(DANA["id"]), f"art{n}", f"{ALERT} News {n}", None, "en")
            for n in range(12)
        ]
        assert len(store.queue(alerts)) == len(alerts)
        async with _workers(components, library, redis_url, api, api_b) as (a, b):
            await a.until(lambda: store.pending() == [], timeout=15)
            sent = sorted(m.plain for m in _alerts(a, b))
            assert sent == sorted(alert.html for alert in alerts)  # each once


async def test_follow_while_redis_is_away_gets_an_apology_and_works_once_it_is_back(
    api: FakeBotApi, components: Components, library: IndexLibrary, own_redis: RedisServer
) -> None:
    async with _workers(components, library, own_redis.url, api) as (bot,):
        own_redis.stop()
        [apology] = await bot.say(DANA, "/follow floods in Varnel")
        assert apology.plain == t(INTERNAL, "en")
        own_redis.start()
        replies = await bot.say(DANA, "/follow floods in Varnel", count=2)
        assert replies[-1].plain.startswith("You now follow floods in Varnel")


async def test_a_language_chosen_through_one_worker_is_spoken_by_the_other(
    api: FakeBotApi, api_b: FakeBotApi, settings: Settings, redis_url: str
) -> None:
    async with AsyncExitStack() as stack:
        prefs = [
            RedisChatPrefs(redis.Redis.from_url(redis_url, decode_responses=True), "newsbot:")
            for _ in range(2)
        ]
        for store in prefs:
            stack.callback(store.close)
        a, b = [
            await stack.enter_async_context(
                running_bot(
                    server,
                    _worker(settings, server, redis_url),
                    FakeAnswerer(),
                    FakeCatalog(3),
                    chat_prefs=store,
                )
            )
            for server, store in zip((api, api_b), prefs, strict=True)
        ]
        a.send(private_chat(ANN), ANN, "/settings")
        [panel] = await a.replies(ANN["id"])
        assert await _tap(a, panel.message_id, "Українська", ANN) == "Збережено."
        await b.until(lambda: prefs[1].get(ANN["id"]).lang == "uk", timeout=10)
        [help_text] = await b.say(ANN, "/help")
        assert help_text.plain.startswith("Як запитувати")
        answer = (await b.say(ANN, QUESTION, count=2))[1]
        assert [text for text, _ in buttons(answer)][:1] == ["Інші джерела"]  # "More sources"
