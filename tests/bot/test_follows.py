"""FollowStore: a chat's topics in SQLite, with a cap, unfollowing by id or text, restarts."""

from __future__ import annotations

from pathlib import Path

from bot.follows import Followed, FollowStore, PendingAlert, fold, follows_path


def test_follow_list_and_unfollow_by_id_or_text(tmp_path: Path) -> None:
    store = FollowStore(follows_path(tmp_path))
    outcome, drones = store.follow(1, 10, "  Drone   attacks ", "en", max_topics=5)
    assert outcome is Followed.ADDED and drones.topic == "Drone attacks" and drones.id > 0
    outcome, same = store.follow(1, 10, "drone ATTACKS", "en", max_topics=5)
    assert outcome is Followed.ALREADY and same.id == drones.id
    _, floods = store.follow(1, 10, "floods", "uk", max_topics=5)
    store.follow(2, 20, "floods", "en", max_topics=5)
    assert [f.topic for f in store.topics(1)] == ["Drone attacks", "floods"]
    assert store.unfollow(1, str(drones.id)) == drones
    assert store.unfollow(1, "FLOODS") == floods
    assert store.unfollow(1, "floods") is None
    assert store.topics(1) == []
    assert [f.chat_id for f in store.topics(2)] == [2]  # another chat's topic is its own


def test_unfollow_by_another_chats_id_removes_nothing(tmp_path: Path) -> None:
    store = FollowStore(follows_path(tmp_path))
    _, theirs = store.follow(2, 20, "floods", "en", max_topics=5)
    assert store.unfollow(1, str(theirs.id)) is None
    assert store.topics(2) == [theirs]


def test_the_topic_cap_is_per_chat(tmp_path: Path) -> None:
    store = FollowStore(follows_path(tmp_path))
    for topic in ("a1", "b2", "c3"):
        assert store.follow(1, 10, topic, "en", max_topics=3)[0] is Followed.ADDED
    outcome, refused = store.follow(1, 10, "d4", "en", max_topics=3)
    assert outcome is Followed.FULL and refused.id == 0
    assert store.follow(1, 10, "a1", "en", max_topics=3)[0] is Followed.ALREADY
    assert store.follow(2, 20, "d4", "en", max_topics=3)[0] is Followed.ADDED
    assert len(store.topics(1)) == 3


def test_grouped_by_topic_dropped_by_chat_and_kept_across_restarts(tmp_path: Path) -> None:
    path = follows_path(tmp_path)
    store = FollowStore(path)
    store.follow(1, 10, "Floods", "en", max_topics=5)
    store.follow(2, 20, "floods", "uk", max_topics=5)
    store.follow(2, 20, "drones", "uk", max_topics=5)
    reopened = FollowStore(path)
    grouped = reopened.by_topic()
    assert sorted(grouped) == ["drones", "floods"]
    assert [(f.chat_id, f.topic, f.lang) for f in grouped["floods"]] == [
        (1, "Floods", "en"),
        (2, "floods", "uk"),
    ]
    assert reopened.drop_chat(2) == 2
    assert list(reopened.by_topic()) == ["floods"]
    assert FollowStore(path).topics(2) == []


def test_html_in_a_topic_is_stored_as_written() -> None:
    assert fold("<b>Kharkiv</b>  &amp;") == "<b>kharkiv</b> &amp;"


def test_alerts_wait_in_the_queue_until_delivered_and_survive_reopening(tmp_path: Path) -> None:
    path = follows_path(tmp_path)
    store = FollowStore(path)
    alert = PendingAlert(0, 7, "art1", "<b>news</b>", "https://example.com/a", "en")
    other = PendingAlert(0, 8, "art1", "<b>news</b>", None, "uk")
    queued = store.queue([alert, other, alert])  # the same chat and article once
    assert [(a.chat_id, a.id > 0) for a in queued] == [(7, True), (8, True)]
    assert store.queue([alert]) == []  # still waiting: not queued twice
    store.close()
    reopened = FollowStore(path)
    assert reopened.pending() == queued
    reopened.delivered(queued[0].id)
    assert reopened.pending() == queued[1:]
    reopened.drop_chat(8)  # a chat that blocked the bot has nothing waiting either
    assert reopened.pending() == []
    reopened.close()
