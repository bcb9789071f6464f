"""bench.load_workers: each update goes to one webhook worker, in turn; at a tiny size over real
workers, PostgreSQL and Redis, every reply equals the reference one (a few minutes: the
workers load the real models)."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bench.bot_process import WEBHOOK_PATH, WEBHOOK_SECRET, BotProcess
from bench.load_workers import Balancer, main_async, worker_counts
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import TOKEN
from tests.web_server import Route, WebServer


def test_worker_counts_are_a_comma_separated_list_of_at_least_one() -> None:
    assert worker_counts("1,2") == [1, 2]
    assert worker_counts("3") == [3]
    for wrong in ("0", "1,0", "two", ""):
        with pytest.raises(argparse.ArgumentTypeError):
            worker_counts(wrong)


def test_the_balancer_posts_each_update_to_one_worker_in_turn(tmp_path: Path) -> None:
    with FakeBotApi(TOKEN) as api, WebServer() as one, WebServer() as two:
        hooks = (one, two)
        for hook in hooks:
            hook.routes[WEBHOOK_PATH] = Route(body=b"", content_type=None)
        workers = [
            BotProcess(api, {}, tmp_path / "log", webhook_port=urlsplit(hook.base_url).port)
            for hook in hooks
        ]
        with Balancer(api, workers) as balancer:
            sent = [api.push_update({"message": {"text": f"q{n}"}}) for n in range(6)]
            deadline = time.monotonic() + 30
            while sum(len(h.requests_to(WEBHOOK_PATH)) for h in hooks) < 6:
                assert time.monotonic() < deadline, "updates not delivered"
                time.sleep(0.02)
        received = [
            [json.loads(r.body)["update_id"] for r in h.requests_to(WEBHOOK_PATH)] for h in hooks
        ]
        assert sorted(received[0] + received[1]) == sent
        assert [len(ids) for ids in received] == [3, 3]
        secrets = {r.headers["x-telegram-bot-api-secret-token"] for h in hooks for r in h.requests}
        assert secrets == {WEBHOOK_SECRET}
        assert balancer.statuses == {200: 6} and balancer.delivered == {0: 3, 1: 3}
        assert api.snapshot(lambda s: s.updates) == []


@pytest.mark.integration
@pytest.mark.postgres
@pytest.mark.redis
async def test_two_real_workers_give_every_reply_exactly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = argparse.Namespace(
        workers=[2],  # (the reference pass runs one worker; 9 updates: 5 and 4)
        users=3,
        questions=1,
        rate=20.0,
        seed=7,
        per_chat=3,
        answer_cache_ttl=0.0,
    )
    code = await main_async(args)
    printed = capsys.readouterr().out
    assert code == 0, printed
    assert "2 worker(s): " in printed and "updates POSTed in turn: {0: 5, 1: 4}" in printed
    assert printed.count("wrong 0, lost 0, duplicated 0") == 2, printed
