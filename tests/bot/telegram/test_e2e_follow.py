"""Topic alerts end to end: /follow, /following, /unfollow, then /feeds poll or /add.

The real Application talks to the loopback Bot API; the admin (ANN) indexes pages from the
loopback web server into a real on-disk index (fake embedder); followers of the topics that
the new articles match get one alert each (``admin_bot``, with the topic count and hourly
alert limits of this module's ``components``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Protocol

import pytest

from bot.config.follow import FollowSettings
from bot.config.settings import Settings
from bot.factory import Components, build_components
from bot.follows import Follows
from bot.library.indexed import IndexLibrary
from tests.bot.telegram.conftest import _admin_settings, open_follows
from tests.bot.telegram.fake_bot_api import BotMessage, FakeBotApi
from tests.bot.telegram.fakes import ANN, BOHDAN, CAROL
from tests.bot.telegram.harness import Harness, buttons, private_chat, running_bot
from tests.bot.telegram.test_e2e_admin import _done, page, rss
from tests.index.fakes import FakeEmbedder
from tests.web_server import Route, WebServer

DANA: dict[str, Any] = {"id": 1004, "is_bot": False, "first_name": "Dana", "language_code": "en"}
MAX_TOPICS = 3
ALERTS_PER_HOUR = 2
ALERT = "🔔"

FLOOD = page(
    "Floods in Varnel",
    "2025-03-01",
    "The river burst its banks overnight and the town of Varnel was flooded.",
    "Officials in Varnel said 140 homes were flooded and 12 families were moved to a school.",
)
HARBOUR = page(
    "Harbour report",
    "2025-03-03",
    "The harbour of Lindqvist handled 52 cargo ships in February.",
    "Dock workers in Lindqvist said the new cranes doubled the speed of unloading.",
)


@pytest.fixture
def components(tmp_path: Path, api: FakeBotApi) -> Iterator[Components]:
    """As in conftest, with small /follow limits."""
    limits = FollowSettings(max_topics=MAX_TOPICS, alerts_per_hour=ALERTS_PER_HOUR)
    settings = _admin_settings(api, tmp_path).model_copy(update={"follow": limits})
    built = build_components(settings, embedder=FakeEmbedder())
    yield built
    built.store.close()
    built.sentence_cache.close()


@pytest.fixture
def caplog(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The log records, with the alerts' INFO lines (the tests wait on them)."""
    caplog.set_level(logging.INFO, logger="bot.telegram.alerts")
    return caplog


class StartBot(Protocol):
    """Starts the bot with these follows (and settings, else the components')."""

    def __call__(
        self, follows: Follows, settings: Settings | None = None
    ) -> AbstractAsyncContextManager[Harness]: ...


@pytest.fixture
def start_bot(api: FakeBotApi, components: Components, library: IndexLibrary) -> StartBot:
    """Starts the bot over ``components`` with the given follows (and settings), as often as a
    test stops and starts it again."""

    def start(
        follows: Follows, settings: Settings | None = None
    ) -> AbstractAsyncContextManager[Harness]:
        settings = settings or components.settings
        answerer, store = components.answerer, components.store
        return running_bot(api, settings, answerer, store, library, follows=follows)

    return start


async def _say(bot: Harness, user: dict[str, Any], text: str, replies: int = 1) -> list[str]:
    """Send ``text`` as ``user`` in their private chat; the plain text of the new replies."""
    chat_id = int(user["id"])
    before = len(bot.api.messages(chat_id))
    bot.send(private_chat(user), user, text)
    messages: list[BotMessage] = await bot.replies(chat_id, before + replies, timeout=15)
    return [m.plain for m in messages[before:]]


def _alerts(bot: Harness, user: dict[str, Any]) -> list[BotMessage]:
    return [m for m in bot.api.messages(int(user["id"])) if m.plain.startswith(ALERT)]


async def _alerts_done(bot: Harness, caplog: pytest.LogCaptureFixture, rounds: int) -> None:
    """Wait until ``rounds`` rounds of alerts have finished sending."""

    def finished() -> int:
        return sum("Topic alerts:" in r.getMessage() for r in caplog.records)

    await bot.until(lambda: finished() >= rounds, timeout=15)


def _feed(web_server: WebServer, *paths: str) -> str:
    items = [(p, web_server.url(p), "Mon, 03 Mar 2025 09:00:00 GMT") for p in paths]
    web_server.routes["/rss.xml"] = Route(body=rss(*items), content_type="application/rss+xml")
    return web_server.url("/rss.xml")


async def test_a_poll_alerts_each_follower_of_the_topic_once_and_no_one_else(
    admin_bot: Harness, web_server: WebServer, caplog: pytest.LogCaptureFixture
) -> None:
    web_server.routes["/a/flood.html"] = Route(body=FLOOD)
    [added] = await _say(admin_bot, BOHDAN, "/follow floods in Varnel")
    assert added.startswith("Тепер ви стежите за темою floods in Varnel (#")
    await _say(admin_bot, DANA, "/follow Floods in  VARNEL")
    await _say(admin_bot, DANA, "/follow river banks")  # two topics, one article: one alert
    await _say(admin_bot, CAROL, "/follow cargo ships in the harbour")
    await _say(admin_bot, ANN, f"/feeds add {_feed(web_server, '/a/flood.html')}")
    polled = await _done(admin_bot, ANN, "/feeds poll")
    assert polled.startswith("Polled 1 feeds: added 1")
    await _alerts_done(admin_bot, caplog, 1)

    [dana] = _alerts(admin_bot, DANA)
    assert dana.plain.startswith("🔔 New on Floods in VARNEL")
    assert "Officials in Varnel said 140 homes were flooded" in dana.plain  # verbatim passage
    assert "Floods in Varnel · 1 Mar 2025" in dana.plain
    url = web_server.url("/a/flood.html")
    assert f'<a href="{url}">Floods in Varnel</a>' in dana.text
    assert buttons(dana) == [("Read article", url)]
    [bohdan] = _alerts(admin_bot, BOHDAN)
    assert bohdan.plain.startswith("🔔 Нове на тему floods in Varnel")
    assert "1 бер. 2025" in bohdan.plain
    assert buttons(bohdan) == [("Читати статтю", url)]
    assert _alerts(admin_bot, CAROL) == []
    assert _alerts(admin_bot, ANN) == []

    # The same article again brings nothing new; a harbour article alerts only Carol.
    web_server.routes["/a/harbour.html"] = Route(body=HARBOUR)
    _feed(web_server, "/a/flood.html", "/a/harbour.html")
    await _done(admin_bot, ANN, "/feeds poll")
    await _alerts_done(admin_bot, caplog, 2)
    assert [len(_alerts(admin_bot, u)) for u in (BOHDAN, DANA, CAROL)] == [1, 1, 1]
    [answer] = await _say(admin_bot, DANA, "How many homes were flooded in Varnel?")
    assert "140 homes" in answer  # the bot answers as before


async def test_follow_limits_and_bad_topics(
    admin_bot: Harness, web_server: WebServer, caplog: pytest.LogCaptureFixture
) -> None:
    [usage] = await _say(admin_bot, DANA, "/follow")
    assert usage.startswith("Write the topic after the command")
    [refused] = await _say(admin_bot, DANA, "/follow " + "drone " * 100)
    assert refused == "This topic is too long: at most 200 characters, please."
    [html] = await _say(admin_bot, DANA, "/follow <b>Varnel</b> & <script>floods")
    assert html.startswith("You now follow <b>Varnel</b> & <script>floods (#")
    await _say(admin_bot, DANA, "/follow Lindqvist harbour")
    await _say(admin_bot, DANA, "/follow bridge repairs")
    [full] = await _say(admin_bot, DANA, "/follow tennis")
    assert full.startswith(f"You already follow {MAX_TOPICS} topics")
    [listing] = await _say(admin_bot, DANA, "/following")
    assert "<b>Varnel</b> & <script>floods" in listing
    assert "tennis" not in listing
    [unfollowed] = await _say(admin_bot, DANA, "/unfollow bridge repairs")
    assert unfollowed == "You no longer follow bridge repairs."
    [hint] = await _say(admin_bot, DANA, "/unfollow")
    assert hint.startswith("Which topic should I stop?") and "Lindqvist harbour" in hint
    [unknown] = await _say(admin_bot, DANA, "/unfollow <i>nothing</i>")
    assert unknown == "You do not follow “<i>nothing</i>”. /following lists your topics."

    # Three flood articles by /add: two alerts this hour, the third is dropped.
    for number in range(3):
        body = page(
            f"Floods in Varnel, day {number + 1}",
            f"2025-03-0{number + 1}",
            f"On day {number + 1} the floods in Varnel reached {number + 5} streets.",
        )
        web_server.routes[f"/a/day{number}.html"] = Route(body=body)
        done = await _done(admin_bot, ANN, f"/add {web_server.url(f'/a/day{number}.html')}")
        assert done.startswith("Indexed")
        await _alerts_done(admin_bot, caplog, number + 1)
    alerts = _alerts(admin_bot, DANA)
    assert len(alerts) == ALERTS_PER_HOUR
    assert all(m.plain.startswith("🔔 New on <b>Varnel</b> & <script>floods") for m in alerts)
    assert any("hourly limit reached" in r.getMessage() for r in caplog.records)


async def test_a_follower_who_blocked_the_bot_is_unsubscribed_and_the_others_alerted(
    admin_bot: Harness,
    web_server: WebServer,
    follows: Follows,
    caplog: pytest.LogCaptureFixture,
) -> None:
    web_server.routes["/a/flood.html"] = Route(body=FLOOD)
    for user in (BOHDAN, DANA):
        await _say(admin_bot, user, "/follow floods in Varnel")
    await _say(admin_bot, BOHDAN, "/follow Lindqvist harbour")
    admin_bot.api.block(BOHDAN["id"])
    done = await _done(admin_bot, ANN, f"/add {web_server.url('/a/flood.html')}")
    assert done.startswith("Indexed")
    await _alerts_done(admin_bot, caplog, 1)
    assert len(_alerts(admin_bot, DANA)) == 1
    assert follows.store.topics(BOHDAN["id"]) == []  # every topic of the blocked chat
    assert [f.topic for f in follows.store.topics(DANA["id"])] == ["floods in Varnel"]
    assert any("blocked the bot" in r.getMessage() for r in caplog.records)
    assert all(r.levelno < logging.WARNING for r in caplog.records)  # no error, no traceback


async def test_subscriptions_survive_a_restart(
    start_bot: StartBot,
    components: Components,
    web_server: WebServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with start_bot(open_follows(components)) as bot:
        await _say(bot, DANA, "/follow floods in Varnel")
    topics = open_follows(components).store.topics(DANA["id"])
    assert [f.topic for f in topics] == ["floods in Varnel"]

    web_server.routes["/a/flood.html"] = Route(body=FLOOD)
    async with start_bot(open_follows(components)) as bot:
        [listing] = await _say(bot, DANA, "/following")
        assert "floods in Varnel" in listing
        await _done(bot, ANN, f"/add {web_server.url('/a/flood.html')}")
        await _alerts_done(bot, caplog, 1)
        assert len(_alerts(bot, DANA)) == 1


async def test_an_alert_refused_by_flood_control_past_the_rate_limiters_retries_still_arrives(
    admin_bot: Harness, web_server: WebServer, caplog: pytest.LogCaptureFixture
) -> None:
    web_server.routes["/a/flood.html"] = Route(body=FLOOD)
    await _say(admin_bot, DANA, "/follow floods in Varnel")
    # The rate limiter tries a send six times in all; the alert's own retry comes after.
    admin_bot.api.flood(6, retry_after=1, chat_id=DANA["id"])
    done = await _done(admin_bot, ANN, f"/add {web_server.url('/a/flood.html')}")
    assert done.startswith("Indexed")
    await _alerts_done(admin_bot, caplog, 1)
    assert len(_alerts(admin_bot, DANA)) == 1
    refused = [c for c in admin_bot.api.calls("sendMessage") if c.status == 429]
    assert len(refused) == 6


async def test_a_failing_match_never_breaks_the_add_or_the_bot(
    admin_bot: Harness,
    web_server: WebServer,
    follows: Follows,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    web_server.routes["/a/flood.html"] = Route(body=FLOOD)
    await _say(admin_bot, DANA, "/follow floods in Varnel")

    def broken(topics: object, article_ids: object) -> list[object]:
        raise RuntimeError("the matcher broke")

    monkeypatch.setattr(follows.matcher, "match", broken)
    done = await _done(admin_bot, ANN, f"/add {web_server.url('/a/flood.html')}")
    assert done.startswith("Indexed")
    await admin_bot.until(
        lambda: any("alerts for 1 articles failed" in r.getMessage() for r in caplog.records)
    )
    assert _alerts(admin_bot, DANA) == []
    [answer] = await _say(admin_bot, DANA, "How many homes were flooded in Varnel?")
    assert "140 homes" in answer


async def test_alerts_not_sent_at_a_stop_are_delivered_at_the_next_start(
    start_bot: StartBot, api: FakeBotApi, components: Components, web_server: WebServer
) -> None:
    slow = FollowSettings(alerts_per_second=0.2, alerts_per_hour=ALERTS_PER_HOUR)
    settings = components.settings.model_copy(update={"follow": slow})
    followers = [DANA, BOHDAN, CAROL]
    follows = open_follows(components)
    store = follows.store
    web_server.routes["/a/flood.html"] = Route(body=FLOOD)
    try:
        async with start_bot(follows, settings) as bot:
            for user in followers:
                await _say(bot, user, "/follow floods in Varnel")
            await _done(bot, ANN, f"/add {web_server.url('/a/flood.html')}")
            # one alert every 5 s: stop as soon as the first is out
            await api.wait_for(lambda s: any(m.plain.startswith(ALERT) for m in s.messages))
        pending = store.pending()
        assert len(pending) == 2  # the stop did not wait for them, nor lose them
        assert sum(len(_alerts(bot, user)) for user in followers) == 1

        async with start_bot(follows) as bot:  # (at the usual pace)
            await api.wait_for(
                lambda s: sum(m.plain.startswith(ALERT) for m in s.messages) == 3 or None
            )
            await bot.until(lambda: store.pending() == [])
        assert [len(_alerts(bot, user)) for user in followers] == [1, 1, 1]
    finally:
        store.close()
