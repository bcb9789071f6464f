"""FollowStore: what only the SQLite store shows (the contract is in test_follows_contract)."""

from __future__ import annotations

from pathlib import Path

from bot.follows import FollowStore, PendingAlert, fold, follows_path


def test_html_in_a_topic_is_stored_as_written() -> None:
    assert fold("<b>Kharkiv</b>  &amp;") == "<b>kharkiv</b> &amp;"


def test_topics_and_alerts_survive_reopening(tmp_path: Path) -> None:
    path = follows_path(tmp_path)
    store = FollowStore(path)
    _, floods = store.follow(1, 10, "Floods", "en", max_topics=5)
    queued = store.queue([PendingAlert(0, 7, "art1", "<b>news</b>", None, "en")])
    assert store.claim(queued[0].id)
    store.close()
    reopened = FollowStore(path)
    assert reopened.topics(1) == [floods]
    assert reopened.pending() == queued
    assert reopened.claim(queued[0].id)  # a claim lasts as long as its process
    reopened.close()
