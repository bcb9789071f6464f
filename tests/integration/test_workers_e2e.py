"""End to end: two webhook workers serve one bot over one PostgreSQL store and one Redis.

Both are real ``newsbot run`` processes, fed
through their webhook ports as Telegram feeds them, replying through the loopback Bot API:
every update is answered once whichever worker gets it (and once when both get it), a button
works on the other worker, a language chosen with /settings through one worker is the other's
too, the per-user limit holds across both, an article added through
one worker (or by ``newsbot ingest``) answers through every worker, a topic followed through
one worker is alerted once when another adds a matching article, and a worker killed
mid-ingest loses nothing that was committed while the others keep answering; the /add it took
and never finished is taken over by another worker once its lease ran out, and done there.

The workers run as ``newsbot run`` does, with the fake embedder to start fast; each has a data
directory of its own (update journal, feedback) and shares the store and the state.
"""

from __future__ import annotations

import itertools
import threading
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import TOKEN
from tests.integration.test_ingest_killed import TOWNS, fact, page, path_of, question
from tests.integration.workers import (
    WAIT_S,
    Worker,
    ingest,
    message_update,
    tap_update,
    until,
    worker_env,
)
from tests.redis_server import running_redis
from tests.servers import PostgresServer
from tests.web_server import RecordedRequest, Route, WebServer

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

RATE_LIMIT = 4
#: The workers' lease: a killed worker's messages pass on this many seconds after its last renewal.
WORKER_LEASE_S = 2.0
ADMIN_ID = 900
#: The topic alerts' bound for the fake embedder's hashed words (the model's is in Settings).
FOLLOW_BOUND = "0.4"
#: The article only the /follow test adds (the site serves 0-4 from the start).
FOLLOWED = 5
_users = itertools.count(1)


def new_user() -> dict[str, Any]:
    """A user of this test alone (so that rate limits of one test leave the others alone)."""
    n = next(_users)
    return {"id": 5000 + n, "is_bot": False, "first_name": f"User{n}", "language_code": "en"}


ADMIN: dict[str, Any] = {"id": ADMIN_ID, "is_bot": False, "first_name": "Ed", "language_code": "en"}


@dataclass
class Site:
    """The two workers, the loopback Bot API and web server they share."""

    api: FakeBotApi
    web: WebServer
    env: dict[str, str]
    tmp: Path
    store_url: str
    a: Worker
    b: Worker

    def logs(self) -> list[Path]:
        return [self.a.log, self.b.log]

    def replies(self, user: dict[str, Any]) -> list[str]:
        return [m.plain for m in self.api.messages(int(user["id"]))]

    def wait(self, user: dict[str, Any], needle: str, count: int = 1) -> None:
        until(lambda: sum(needle in t for t in self.replies(user)) >= count, self.logs())

    def stored_chunks(self, i: int) -> list[int]:
        """The chunk count of each article in the shared store fetched from page ``i``."""
        with psycopg.connect(self.store_url) as conn:
            rows = conn.execute(
                "SELECT count(c.id) FROM articles a LEFT JOIN chunks c ON c.article_id = a.id"
                " WHERE a.url = %s GROUP BY a.id",
                (self.web.url(path_of(i)),),
            ).fetchall()
        return [int(row[0]) for row in rows]

    def until_replies(self, user: dict[str, Any], count: int) -> None:
        until(lambda: len(self.replies(user)) >= count, self.logs())

    def add(self, worker: Worker, i: int) -> None:
        """The admin adds article ``i`` through ``worker`` and waits until it is indexed."""
        done = sum("Indexed:" in t for t in self.replies(ADMIN))
        self.ask(worker, ADMIN, f"/add {self.web.url(path_of(i))}")
        self.wait(ADMIN, "Indexed:", count=done + 1)

    def ask(self, worker: Worker, user: dict[str, Any], text: str) -> dict[str, Any]:
        update = message_update(self.api, user, text)
        assert worker.post(update) == 200
        return update


@pytest.fixture(scope="module")
def site(
    postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    tmp = tmp_path_factory.mktemp("workers")
    store_url = postgres_server.create_database()
    with running_redis() as redis, FakeBotApi(TOKEN) as api, WebServer() as web:
        for i in range(5):
            web.routes[path_of(i)] = Route(body=page(i))
        env = worker_env(
            api,
            store_url,
            redis.url,
            TELEGRAM__ADMINS=f"[{ADMIN_ID}]",
            TELEGRAM__USER_RATE_LIMIT=str(RATE_LIMIT),
            TELEGRAM__USER_RATE_WINDOW_S="3600",
            STATE__WORKER_LEASE_S=str(WORKER_LEASE_S),
            FOLLOW__MIN_SCORE=FOLLOW_BOUND,
        )
        a, b = Worker("a", api, env, tmp), Worker("b", api, env, tmp)
        try:
            a.start()
            b.start()
            site = Site(api, web, env, tmp, store_url, a, b)
            site.add(a, 0)
            yield site
        finally:
            a.stop()
            b.stop()
    postgres_server.drop_database(store_url)


def test_every_update_gets_one_reply_whichever_worker_gets_it(site: Site) -> None:
    users = [new_user() for _ in range(4)]
    for n, user in enumerate(users):
        site.ask((site.a, site.b)[n % 2], user, question(0))
    for user in users:
        site.wait(user, fact(0))
    for user in users:
        assert len(site.replies(user)) == 1, site.replies(user)


def test_an_update_posted_to_both_workers_is_answered_once(site: Site) -> None:
    user = new_user()
    update = message_update(site.api, user, question(0))
    assert site.a.post(update) == 200
    assert site.b.post(update) == 200
    with pytest.raises(urllib.error.HTTPError) as refused:
        site.b.post(message_update(site.api, user, question(0)), secret="not_the_secret")
    assert refused.value.code == 403
    site.wait(user, fact(0))
    dropped = f"Update {update['update_id']} is handled elsewhere"
    assert [dropped in log.read_text() for log in site.logs()].count(True) == 1
    assert len(site.replies(user)) == 1, site.replies(user)


def test_a_button_under_an_answer_of_one_worker_works_on_the_other(site: Site) -> None:
    user = new_user()
    site.ask(site.a, user, question(0))
    site.wait(user, fact(0))
    answer = site.api.messages(int(user["id"]))[0]
    tap = tap_update(site.api, user, answer, "Full passage")
    query_id = tap["callback_query"]["id"]
    assert site.b.post(tap) == 200

    def answered() -> list[dict[str, Any]]:
        calls = site.api.calls("answerCallbackQuery")
        return [c.params for c in calls if c.params.get("callback_query_id") == query_id]

    until(answered, site.logs())
    site.until_replies(user, 2)
    assert len(site.replies(user)) == 2, site.replies(user)
    passage = site.api.messages(int(user["id"]))[1]
    assert passage.plain.startswith("Full passage"), passage.plain
    assert fact(0) in passage.plain and passage.reply_to == answer.message_id
    assert "expired" not in str(answered())


def test_a_language_chosen_through_one_worker_is_spoken_by_the_other(site: Site) -> None:
    user = new_user()
    site.ask(site.a, user, "/settings")
    site.until_replies(user, 1)
    panel = site.api.messages(int(user["id"]))[0]
    assert site.a.post(tap_update(site.api, user, panel, "Українська")) == 200
    until(lambda: "Мова: Українська" in panel.plain, site.logs())  # saved, and published

    def help_in_ukrainian() -> bool:  # b hears of the choice soon, not at once
        count = len(site.replies(user)) + 1
        site.ask(site.b, user, "/help")
        site.until_replies(user, count)
        return site.replies(user)[-1].startswith("Як запитувати")

    until(help_in_ukrainian, site.logs())


def test_the_per_user_limit_holds_across_workers(site: Site) -> None:
    user = new_user()
    for n in range(RATE_LIMIT + 2):
        site.ask((site.a, site.b)[n % 2], user, question(0))
        site.until_replies(user, n + 1)
    replies = site.replies(user)
    assert len(replies) == RATE_LIMIT + 2, replies
    assert all(fact(0) in r for r in replies[:RATE_LIMIT]), replies
    assert all("You are asking too fast" in r for r in replies[RATE_LIMIT:]), replies


def test_an_article_added_through_one_worker_answers_through_the_other(site: Site) -> None:
    user = new_user()
    site.ask(site.b, user, question(1))  # not yet indexed
    site.until_replies(user, 1)
    assert fact(1) not in site.replies(user)[0]
    site.add(site.a, 1)
    site.ask(site.b, user, question(1))
    site.wait(user, fact(1))
    assert len(site.replies(user)) == 2


def test_an_article_ingested_by_newsbot_ingest_answers_through_every_worker(site: Site) -> None:
    user = new_user()
    site.ask(site.a, user, question(4))  # not yet indexed (and the answer is cached)
    site.until_replies(user, 1)
    assert fact(4) not in site.replies(user)[0]
    ingest(site.env, site.tmp / "ingest", site.web.url(path_of(4)))
    for worker in (site.a, site.b):
        site.ask(worker, user, question(4))
    site.wait(user, fact(4), count=2)
    assert len(site.replies(user)) == 3, site.replies(user)


def test_a_topic_followed_through_one_worker_is_alerted_once_through_the_other(
    site: Site,
) -> None:
    user = new_user()
    site.ask(site.a, user, f"/follow flooded homes in {TOWNS[FOLLOWED]}")
    site.wait(user, "You now follow")
    site.web.routes[path_of(FOLLOWED)] = Route(body=page(FOLLOWED))
    site.add(site.b, FOLLOWED)
    site.wait(user, "🔔")
    site.ask(site.b, user, "/following")  # one more reply, after the alert had its time
    site.until_replies(user, 3)
    alerts = [t for t in site.replies(user) if t.startswith("🔔")]
    assert len(alerts) == 1 and fact(FOLLOWED) in alerts[0], site.replies(user)


def test_a_worker_killed_mid_ingest_loses_nothing_and_another_finishes_its_add(
    site: Site,
) -> None:
    user = new_user()
    gate = threading.Event()  # article 3's page answers once the gate opens

    def slow_page(request: RecordedRequest) -> Route:
        gate.wait(WAIT_S)
        return Route(body=page(3))

    c = Worker("c", site.api, site.env, site.tmp)
    c.start()
    try:
        site.add(c, 2)
        indexed = sum("Indexed:" in t for t in site.replies(ADMIN))
        site.web.routes[path_of(3)] = slow_page
        site.ask(c, ADMIN, f"/add {site.web.url(path_of(3))}")
        until(lambda: site.web.requests_to(path_of(3)), [c.log])
        site.ask(site.a, user, question(2))  # the others answer while it fetches
        site.wait(user, fact(2))
        c.kill()
        assert site.stored_chunks(3) == []  # nothing of the interrupted /add was committed
    finally:
        c.stop()
        gate.set()
    for worker in (site.a, site.b):
        site.ask(worker, user, question(2))
    site.wait(user, fact(2), count=3)
    assert len(site.stored_chunks(2)) == 1 and site.stored_chunks(2)[0] > 0
    # the killed worker's /add is taken over (once its lease ran out) and finished elsewhere
    site.wait(ADMIN, "Indexed:", count=indexed + 1)
    took_over = [log for log in site.logs() if "Took over 1 updates" in log.read_text()]
    assert len(took_over) == 1, [log.read_text()[-3000:] for log in site.logs()]
    assert len(site.stored_chunks(3)) == 1 and site.stored_chunks(3)[0] > 0
    site.ask(site.b, user, question(3))
    site.wait(user, fact(3))
    assert len(site.replies(user)) == 4, site.replies(user)
    assert sum("Indexed:" in t for t in site.replies(ADMIN)) == indexed + 1
