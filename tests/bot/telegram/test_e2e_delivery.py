"""End to end, delivery: every update is finished once, even across a crash or an error.

With the update journal, every message and button tap is finished
once (answered, or told why not), an unfinished one is replayed at the next start, and a
redelivered one is not answered twice; a failed answer gets an apology, even through a burst
of Bot API errors."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config.settings import Settings
from bot.telegram import app
from bot.telegram.journal import UpdateJournal
from prompts.i18n import t
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import ANN, CAROL, QUOTE_TEXT, FakeAnswerer, FakeCatalog
from tests.bot.telegram.harness import Harness, private_chat, running_bot

QUESTION = "How many drones were intercepted?"


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[UpdateJournal]:
    with UpdateJournal(tmp_path / "updates.sqlite") as opened:
        yield opened


def question_update(update_id: int, user: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": private_chat(user),
            "from": user,
            "text": text,
        },
    }


async def test_every_update_is_finished_in_the_journal(
    api: FakeBotApi, settings: Settings, answerer: FakeAnswerer, journal: UpdateJournal
) -> None:
    answerer.answers["boom?"] = RuntimeError("model failure")
    async with running_bot(api, settings, answerer, FakeCatalog(), journal=journal) as bot:
        sent = [
            bot.send(private_chat(ANN), ANN, QUESTION),
            bot.send(private_chat(ANN), ANN, "/start"),
            bot.send(private_chat(CAROL), CAROL, "boom?"),
        ]
        bot.inline(ANN, QUESTION)
        for update_id, _ in sent:
            await bot.processed(update_id)
        await bot.replies(ANN["id"], 2)
        [apology] = await bot.replies(CAROL["id"])
        assert apology.plain == t("error.internal", "en")
        await bot.until(lambda: journal.pending(3600) == [])


async def test_an_unfinished_update_is_replayed_once_even_when_redelivered(
    api: FakeBotApi, settings: Settings, answerer: FakeAnswerer, journal: UpdateJournal
) -> None:
    """The last run received an update and died before answering it; Telegram, not told it
    was received, delivers it again. The bot answers it exactly once."""
    update_id = api.next_id()
    update = question_update(update_id, ANN, QUESTION)
    journal.record(update_id, update)
    api.push_update(update)
    async with running_bot(api, settings, answerer, FakeCatalog(), journal=journal) as bot:
        await bot.processed(update_id)
        [reply] = await bot.replies(ANN["id"])
        assert QUOTE_TEXT in reply.plain
        second = bot.send(private_chat(ANN), ANN, "/help")
        await bot.processed(second.update_id)
        await bot.replies(ANN["id"], 2)
        await bot.until(lambda: journal.pending(3600) == [])
    assert answerer.calls == [QUESTION]
    assert len(api.messages(ANN["id"])) == 2


async def _apology(bot: Harness) -> None:
    """Ann asks; her one reply is the apology, and her update is finished."""
    sent = bot.send(private_chat(ANN), ANN, QUESTION)
    [note] = await bot.replies(ANN["id"], timeout=10)
    assert note.plain == t("error.internal", "en")
    await bot.processed(sent.update_id)


async def test_a_burst_of_bot_api_errors_still_ends_in_an_apology(
    api: FakeBotApi, settings: Settings, answerer: FakeAnswerer, journal: UpdateJournal
) -> None:
    """The answer fails twice (it is retried once), then the apology fails twice more and is
    retried until the Bot API takes it: the user is told, not left in silence."""
    async with running_bot(api, settings, answerer, FakeCatalog(), journal=journal) as bot:
        api.fail(4, status=502)
        await _apology(bot)
        assert [c.status for c in api.calls("sendMessage")] == [502, 502, 502, 502, 200]
        await bot.until(lambda: journal.pending(3600) == [])


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's RetryAfter
async def test_a_flood_that_outlasts_the_rate_limiter_still_ends_in_an_apology(
    api: FakeBotApi,
    settings: Settings,
    answerer: FakeAnswerer,
    journal: UpdateJournal,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The rate limiter gives up on the answer (here at once: no retries of its own), and
    the apology's first try meets the flood too; the apology is tried again and arrives."""
    monkeypatch.setattr(app, "RATE_LIMIT_RETRIES", 0)
    async with running_bot(api, settings, answerer, FakeCatalog(), journal=journal) as bot:
        api.flood(3, retry_after=1)
        await _apology(bot)
        assert [c.status for c in api.calls("sendMessage")] == [429, 429, 429, 200]


async def test_a_journal_that_cannot_be_written_does_not_stop_the_answers(
    api: FakeBotApi,
    settings: Settings,
    answerer: FakeAnswerer,
    journal: UpdateJournal,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def full_disk(*args: object) -> bool:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(journal, "record", full_disk)
    monkeypatch.setattr(journal, "done", full_disk)
    async with running_bot(api, settings, answerer, FakeCatalog(), journal=journal) as bot:
        bot.send(private_chat(ANN), ANN, QUESTION)
        [reply] = await bot.replies(ANN["id"])
        assert QUOTE_TEXT in reply.plain
        second = bot.send(private_chat(ANN), ANN, "/help")
        await bot.processed(second.update_id)
    assert "Could not journal update" in caplog.text
    assert "Could not mark update" in caplog.text
    assert len(api.messages(ANN["id"])) == 2, "the answer, and no apology after it"
