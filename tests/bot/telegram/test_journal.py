"""The update journal: what was received and not finished survives a reopen, once."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.telegram.journal import KEEP_DONE_S, UpdateJournal, journal_path
from tests.bot.telegram.fakes import ManualClock


def message(update_id: int, text: str) -> dict[str, object]:
    return {"update_id": update_id, "message": {"message_id": update_id, "text": text}}


def test_unfinished_updates_survive_a_reopen_in_order(tmp_path: Path) -> None:
    path = tmp_path / "updates.sqlite"
    with UpdateJournal(path) as journal:
        for update_id in (12, 10, 11):
            assert journal.record(update_id, message(update_id, f"q{update_id}"))
        journal.done(11)
    with UpdateJournal(path) as reopened:
        pending = reopened.pending(max_age_s=3600)
    assert [p.update_id for p in pending] == [10, 12]
    assert pending[0].payload == message(10, "q10")


def test_a_finished_update_keeps_its_id_but_not_its_text(tmp_path: Path) -> None:
    path = tmp_path / "updates.sqlite"
    with UpdateJournal(path) as journal:
        journal.record(7, message(7, "a question with a marker: zebra"))
        journal.done(7)
    assert b"zebra" not in b"".join(p.read_bytes() for p in tmp_path.iterdir())


def test_an_update_already_held_is_not_recorded_twice(tmp_path: Path) -> None:
    with UpdateJournal(tmp_path / "updates.sqlite") as journal:
        assert journal.record(5, message(5, "first"))
        assert not journal.record(5, message(5, "redelivered"))
        journal.done(5)
        assert not journal.record(5, message(5, "redelivered after it was done"))
        assert journal.pending(3600) == []


def test_old_unfinished_updates_are_logged_not_replayed_and_done_ones_pruned(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    clock = ManualClock(1_000_000.0)
    with UpdateJournal(tmp_path / "updates.sqlite", clock=clock) as journal:
        journal.record(1, message(1, "old"))
        journal.record(2, message(2, "old and done"))
        journal.done(2)
        clock.now += 7200
        journal.record(3, message(3, "recent"))
        with caplog.at_level(logging.WARNING):
            assert [p.update_id for p in journal.pending(max_age_s=3600)] == [3]
        assert "1 unfinished updates are older than 3600 s" in caplog.text
        caplog.clear()
        assert [p.update_id for p in journal.pending(max_age_s=3600)] == [3]
        assert caplog.text == "", "an old update is reported once"
        clock.now += KEEP_DONE_S + 1
        journal.pending(max_age_s=10**9)
        assert journal.record(2, message(2, "pruned, so it is new again"))


def test_each_bot_has_its_own_journal_named_without_its_secret(tmp_path: Path) -> None:
    first = journal_path(tmp_path, "123456789:AAHsecretPART")
    assert first == tmp_path / "updates-123456789.sqlite"
    assert journal_path(tmp_path, "987654321:AAHsecretPART") != first
    assert journal_path(tmp_path, "not a token") == tmp_path / "updates-bot.sqlite"
