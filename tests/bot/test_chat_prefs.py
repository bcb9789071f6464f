"""The chats' /settings choices in SQLite."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.chat_prefs import DEFAULT_PREFS, ChatPrefs, ChatPrefsStore, prefs_path


def test_choices_are_kept_per_chat_and_survive_reopening(tmp_path: Path) -> None:
    store = ChatPrefsStore(prefs_path(tmp_path))
    assert store.get(1) == DEFAULT_PREFS == ChatPrefs("auto", "full")
    assert store.choose(1, lang="uk") == ChatPrefs("uk", "full")
    assert store.choose(1, length="short") == ChatPrefs("uk", "short")
    assert store.choose(-100, lang="ru") == ChatPrefs("ru", "full")
    assert store.get(2) == DEFAULT_PREFS
    store.close()
    again = ChatPrefsStore(prefs_path(tmp_path))
    assert (again.get(1), again.get(-100), len(again)) == (
        ChatPrefs("uk", "short"),
        ChatPrefs("ru", "full"),
        2,
    )
    assert again.get(1).fixed_lang == "uk" and again.get(2).fixed_lang is None
    again.close()


def test_a_value_that_is_no_choice_is_refused_and_changes_nothing(tmp_path: Path) -> None:
    store = ChatPrefsStore(prefs_path(tmp_path))
    with pytest.raises(ValueError, match="language"):
        store.choose(1, lang="de")
    with pytest.raises(ValueError, match="length"):
        store.choose(1, length="tiny")
    assert store.get(1) == DEFAULT_PREFS and len(store) == 0
    store.close()


def test_a_stored_value_no_longer_offered_falls_back_to_the_default(tmp_path: Path) -> None:
    path = prefs_path(tmp_path)
    ChatPrefsStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO chats VALUES (7, 'de', 'tiny', '2026-01-01T00:00:00+00:00')")
    store = ChatPrefsStore(path)
    assert store.get(7) == DEFAULT_PREFS
    store.close()
