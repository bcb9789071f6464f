"""``newsbot feeds`` over a PostgreSQL store: the feeds live in its database, so a feed added
on one machine (its own data directory) is the feed list of every other."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.commands.feeds import feeds_add, feeds_list, feeds_remove
from bot.config.settings import Settings
from bot.config.store import StoreSettings
from bot.library.indexed import open_registry
from index.feeds.registry import SqliteFeedRegistry
from index.store.postgres_feeds import PostgresFeedRegistry

RSS_URL = "https://news.example.org/rss.xml"


def _worker(url: str, data_dir: Path) -> Settings:
    return Settings(store=StoreSettings(url=SecretStr(url)), data_dir=data_dir)


@pytest.mark.postgres
def test_a_feed_added_on_the_ingest_machine_is_every_workers(
    postgres_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ingest, worker = _worker(postgres_url, tmp_path / "a"), _worker(postgres_url, tmp_path / "b")

    assert feeds_add(ingest, RSS_URL, interval_s=120) == 0
    assert feeds_add(worker, RSS_URL) == 0
    capsys.readouterr()

    assert feeds_list(worker) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == 2 and listed[1].startswith(f"1\t{RSS_URL}\t")
    with open_registry(worker) as registry:
        assert isinstance(registry, PostgresFeedRegistry)
        assert [f.interval_s for f in registry.list()] == [120]
    assert not (tmp_path / "a" / "feeds.sqlite").exists()
    assert feeds_remove(worker, 1) == 0
    with open_registry(ingest) as registry:
        assert registry.list() == []


def test_without_a_store_url_the_feeds_stay_in_the_data_directory(tmp_path: Path) -> None:
    with open_registry(Settings(data_dir=tmp_path)) as registry:
        assert isinstance(registry, SqliteFeedRegistry)
