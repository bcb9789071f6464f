"""Feedback end to end: 👍 / 👎 under answers, from the tap to ``newsbot eval``.

Votes are stored, counted by /stats, exported with ``newsbot feedback export`` and read back
by ``newsbot eval``.

The main test runs the real pipeline over a real on-disk index (fake embedder) fed by /add
from a loopback web server, as in ``test_e2e_admin.py``, with a real ``FeedbackStore``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from answering.types import Answer
from bot.cli import main
from bot.commands import evaluate as evaluate_command
from bot.config.settings import Settings
from bot.factory import Components
from bot.feedback import DOWN, UP, FeedbackStore, VoteCounts, feedback_path
from bot.library.indexed import IndexLibrary
from bot.telegram import keyboards
from prompts.i18n import t
from tests.bot.telegram.fake_bot_api import BotMessage, FakeBotApi
from tests.bot.telegram.fakes import (
    ANN,
    BOHDAN,
    CAROL,
    FakeAnswerer,
    FakeCatalog,
    declined_answer,
    make_answer,
)
from tests.bot.telegram.harness import Harness, buttons, group_chat, private_chat, running_bot
from tests.web_server import Route, WebServer

QUESTION = "How many homes were flooded in Varnel?"
FAMILIES = "How many families were moved to a school in Varnel?"
FLOOD = (
    b"<html><head><title>Floods in Varnel</title>"
    b'<meta property="article:published_time" content="2025-03-01"></head><body><article>'
    b"<h1>Floods in Varnel</h1>"
    b"<p>The river burst its banks overnight and the town of Varnel was flooded.</p>"
    b"<p>Officials in Varnel said 140 homes were flooded and 12 families were moved to a "
    b"school.</p></article></body></html>"
)


@pytest.fixture
def feedback(tmp_path: Path) -> Iterator[FeedbackStore]:
    store = FeedbackStore(feedback_path(tmp_path))
    yield store
    store.close()


def votes_of(message: BotMessage) -> tuple[str, str]:
    """The callback data of 👍 and 👎 under ``message`` (the last row)."""
    (up_text, up), (down_text, down) = buttons(message)[-2:]
    assert (up_text, down_text) == ("👍", "👎")
    return up, down


async def tap(bot: Harness, message: BotMessage, data: str, user: dict[str, Any]) -> dict[str, Any]:
    """``user`` taps the button with ``data``; what the bot answered to the tap."""
    await bot.processed(bot.press(message, data, user))
    answered = bot.api.snapshot(lambda s: list(s.callback_queries.values()))[-1]
    assert answered is not None
    return answered


async def ask(bot: Harness, chat: dict[str, Any], user: dict[str, Any], text: str) -> BotMessage:
    before = len(bot.api.messages(chat["id"]))
    bot.send(chat, user, text)
    return (await bot.replies(chat["id"], before + 1, timeout=15))[before]


async def test_votes_are_stored_counted_exported_and_read_back_by_eval(
    api: FakeBotApi,
    components: Components,
    library: IndexLibrary,
    feedback: FeedbackStore,
    web_server: WebServer,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = components.settings
    assert feedback.path == feedback_path(settings.data_dir)
    web_server.routes["/flood.html"] = Route(body=FLOOD)
    group = group_chat(-100301)
    async with running_bot(
        api, settings, components.answerer, components.store, library, feedback=feedback
    ) as bot:
        added = bot.send(private_chat(ANN), ANN, f"/add {web_server.url('/flood.html')}")
        await bot.processed(added.update_id, timeout=15)
        answer = await ask(bot, group, ANN, f"/ask {QUESTION}")
        assert "140 homes" in answer.plain
        up, down = votes_of(answer)
        assert re.fullmatch(keyboards.VOTE_PATTERN, up) and up.endswith(":+")
        assert (await tap(bot, answer, up, ANN))["text"] == t("telegram.vote_thanks", "en")
        assert (await tap(bot, answer, down, BOHDAN))["text"] == t("telegram.vote_thanks", "uk")
        assert (await tap(bot, answer, up, BOHDAN))["text"] == t("telegram.vote_changed", "uk")
        assert (await tap(bot, answer, up, BOHDAN))["text"] == t("telegram.vote_kept", "uk")

        families = await ask(bot, private_chat(CAROL), CAROL, FAMILIES)
        assert "12 families" in families.plain
        await tap(bot, families, votes_of(families)[1], CAROL)

        declined = await ask(bot, private_chat(CAROL), CAROL, "What is the weather in Paris?")
        assert "👍" not in [text for text, _ in buttons(declined)]

        expired = await tap(bot, answer, "v:gone0000:+", ANN)
        assert (expired["text"], expired["show_alert"]) == (t("telegram.expired", "en"), True)
        assert feedback.counts() == VoteCounts(up=2, down=1, answers=2)

        stats = await ask(bot, private_chat(ANN), ANN, "/stats")
        assert "Feedback\n👍 2  👎 1 (on 2 answers)" in stats.plain

    stored = {(v.user_id, v.question): v for v in feedback.votes()}
    ann = stored[(ANN["id"], QUESTION)]
    assert (ann.vote, stored[(BOHDAN["id"], QUESTION)].vote) == (UP, UP)
    assert stored[(CAROL["id"], FAMILIES)].vote == DOWN
    assert ann.answer and ann.answer in answer.plain
    [article] = components.store.articles()
    assert ann.quotes[0]["article_id"] == article.id
    assert ann.quotes[0]["text"] in answer.plain

    out = tmp_path / "sets" / "feedback.jsonl"
    data_dir = ["--data-dir", str(settings.data_dir)]
    assert main([*data_dir, "feedback", "export", str(out)]) == 0
    assert "2 questions" in capsys.readouterr().out
    expected, review = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert expected["q"] == QUESTION and expected["answers"] == [ann.answer]
    assert (expected["article_id"], expected["date"]) == (article.id, "2025-03-01")
    assert expected["votes"] == {"up": 2, "down": 0}
    assert (review["q"], review["answers"], review["review"]) == (FAMILIES, [], True)

    # newsbot eval over the exported set, with the bot's own components (fake embedder)
    def ready(_settings: Settings, **_: object) -> Components:
        return components

    monkeypatch.setattr(evaluate_command, "ready", ready)
    assert main([*data_dir, "eval", str(out), "--failures"]) == 0
    report, warnings = capsys.readouterr()
    assert "questions: 1 (1 answerable, 0 unanswerable)" in report
    assert "answerable accuracy: 1/1 = 100.0%" in report
    assert "verbatim quotes: 1/1 = 100.0%" in report
    assert "| all | 1 | 1/1 (100%) |" in report  # quoted from the voted answer's article
    assert "left out 1 questions marked for review" in warnings


async def test_a_burst_of_taps_leaves_one_vote_and_the_bot_keeps_answering(
    api: FakeBotApi, settings: Settings, answerer: FakeAnswerer, feedback: FeedbackStore
) -> None:
    async with running_bot(api, settings, answerer, FakeCatalog(), feedback=feedback) as bot:
        answer = await ask(bot, private_chat(ANN), ANN, "How many drones were intercepted?")
        up, down = votes_of(answer)
        updates = [bot.press(answer, up if n % 2 else down, ANN) for n in range(20)]
        for update_id in updates:
            await bot.processed(update_id)
        answered = bot.api.snapshot(lambda s: list(s.callback_queries.values()))
        assert len(answered) == 20 and all(answered)
        assert all(call.status == 200 for call in bot.api.calls("answerCallbackQuery"))
        [kept] = feedback.votes()
        assert (kept.user_id, kept.question) == (ANN["id"], "How many drones were intercepted?")
        counts = feedback.counts()
        assert (counts.up + counts.down, counts.answers) == (1, 1)
        again = await ask(bot, private_chat(ANN), ANN, "How many missiles were launched?")
        assert "42 of 45 drones" in again.plain


async def test_a_vote_on_an_inline_card_is_stored(
    api: FakeBotApi, settings: Settings, answerer: FakeAnswerer, feedback: FeedbackStore
) -> None:
    async with running_bot(api, settings, answerer, FakeCatalog(), feedback=feedback) as bot:
        query_id = bot.inline(BOHDAN, "How many drones were intercepted?")
        [result] = (await bot.inline_answer(query_id))["results"]
        inline_id = bot.api.choose_inline_result(query_id, result["id"])
        [card] = [m for m in bot.api.messages() if m.inline_message_id == inline_id]
        assert (await tap(bot, card, votes_of(card)[0], BOHDAN))["text"] == t(
            "telegram.vote_thanks", "uk"
        )
    assert [(v.user_id, v.vote) for v in feedback.votes()] == [(BOHDAN["id"], UP)]


async def test_without_a_feedback_store_a_vote_says_votes_are_not_collected(bot: Harness) -> None:
    answer = await ask(bot, private_chat(ANN), ANN, "How many drones were intercepted?")
    note = await tap(bot, answer, votes_of(answer)[0], ANN)
    assert note["text"] == t("telegram.vote_off", "en")


def test_no_votes_under_a_decline_or_small_talk() -> None:
    answered = keyboards.answer_keyboard("k1", make_answer("q?"), "en")
    assert answered is not None
    data = [b.callback_data for row in answered.inline_keyboard for b in row if b.callback_data]
    assert data[-2:] == ["v:k1:+", "v:k1:-"]
    assert all(len(str(d).encode()) <= keyboards.CALLBACK_DATA_LIMIT for d in data)
    assert keyboards.vote_rows("k1", declined_answer("q?"), "en") == []
    small_talk = Answer("hi", None, small_talk="greeting")
    assert keyboards.vote_rows("k1", small_talk, "en") == []
    assert keyboards.answer_keyboard("k1", small_talk, "en") is None
