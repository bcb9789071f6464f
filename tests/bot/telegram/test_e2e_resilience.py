"""End to end, when things go wrong: floods, Bot API failures, slow answers, answerer errors.

And users who ask too much.
"""

from __future__ import annotations

import asyncio
import logging
import re

import pytest

from bot.telegram import sending
from index.errors import EmptyQuestionError
from prompts.i18n import t
from tests.bot.telegram.fake_bot_api import FakeBotApi, State
from tests.bot.telegram.fakes import (
    ANN,
    BOHDAN,
    CAROL,
    QUOTE_TEXT,
    FakeAnswerer,
    FakeCatalog,
    declined_answer,
)
from tests.bot.telegram.harness import (
    Harness,
    group_chat,
    make_settings,
    private_chat,
    running_bot,
)

QUESTION = "How many drones were intercepted?"


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's RetryAfter
async def test_a_429_is_honoured_and_the_message_still_arrives(bot: Harness) -> None:
    bot.api.flood(1, retry_after=1)
    [reply] = await bot.say(ANN, QUESTION, timeout=10)
    assert QUOTE_TEXT in reply.plain
    assert [c.status for c in bot.api.calls("sendMessage")] == [429, 200]


async def test_a_5xx_is_retried_once_and_logged(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail(1, status=502)
    [reply] = await bot.say(ANN, QUESTION)
    assert QUOTE_TEXT in reply.plain
    assert [c.status for c in bot.api.calls("sendMessage")] == [502, 200]
    assert any("retrying once" in r.getMessage() for r in caplog.records)


async def test_a_persistent_5xx_is_survived_logged_and_not_shown_raw(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail(2, status=500)
    [note] = await bot.say(ANN, QUESTION)
    assert note.plain == t("error.internal", "en")
    errors = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert errors and "Internal Server Error" in str(errors[0].exc_info[1])  # type: ignore[index]
    replies = await bot.say(ANN, QUESTION, 2)
    assert QUOTE_TEXT in replies[1].plain
    assert not any("Server Error" in m.plain or "Traceback" in m.plain for m in replies)


async def test_a_bot_api_timeout_is_survived_and_logged(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.hang(1)
    bot.send(private_chat(ANN), ANN, QUESTION)
    [note] = await bot.replies(ANN["id"], timeout=10)
    assert note.plain == t("error.internal", "en")
    assert any(
        r.levelno == logging.ERROR and "TimedOut" in repr(r.exc_info) for r in caplog.records
    )
    replies = await bot.say(ANN, QUESTION, 2)
    assert QUOTE_TEXT in replies[1].plain


async def test_polling_survives_a_failing_get_updates(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.api.fail(1, status=500, methods=("getUpdates",))
    await bot.api.wait_for(lambda s: any(c.status == 500 for c in s.calls))
    bot.send(private_chat(ANN), ANN, QUESTION)
    [reply] = await bot.replies(ANN["id"], timeout=10)
    assert QUOTE_TEXT in reply.plain
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)


async def test_other_users_are_answered_while_a_slow_question_computes(bot: Harness) -> None:
    bot.answerer.block("slow")
    bot.send(private_chat(ANN), ANN, "A slow question about drones?")
    assert await asyncio.to_thread(bot.answerer.entered["slow"].wait, 5)
    bot.send(private_chat(BOHDAN), BOHDAN, "/start")
    [greeting] = await bot.replies(BOHDAN["id"])
    assert greeting.plain.startswith("Вітаю")
    bot.send(private_chat(CAROL), CAROL, QUESTION)
    [answer] = await bot.replies(CAROL["id"])
    assert QUOTE_TEXT in answer.plain
    assert bot.api.messages(ANN["id"]) == []
    bot.answerer.release_all()
    [slow] = await bot.replies(ANN["id"])
    assert QUOTE_TEXT in slow.plain


async def test_an_over_long_question_is_refused_with_the_limit(bot: Harness) -> None:
    bot.send(private_chat(ANN), ANN, "why " * 200)
    [note] = await bot.replies(ANN["id"])
    assert note.plain == t("error.question_too_long", "en", limit=500)
    assert "500" in note.plain
    assert bot.answerer.calls == []


async def test_input_errors_and_failures_are_told_safely(
    bot: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    bot.answerer.answers["???"] = EmptyQuestionError("only punctuation")
    bot.answerer.answers["boom?"] = RuntimeError("secret internals of the model")
    bot.answerer.answers["budget?"] = declined_answer("budget?")
    for count, question in enumerate(("???", "boom?", "budget?"), start=1):
        bot.send(private_chat(ANN), ANN, question)
        await bot.replies(ANN["id"], count)
    texts = [m.plain for m in bot.api.messages(ANN["id"])]
    assert texts[0] == t("error.empty_question", "en")
    assert texts[1] == t("error.internal", "en")
    assert texts[2].startswith(t("telegram.decline", "en"))
    assert "Budget talks · 2 Apr 2024 · Reuters" in texts[2]
    assert not any("secret internals" in text for text in texts)
    assert any(r.exc_info and "secret internals" in str(r.exc_info[1]) for r in caplog.records)


async def test_users_asking_too_fast_are_told_to_wait(
    api: FakeBotApi, answerer: FakeAnswerer
) -> None:
    settings = make_settings(api, user_rate_limit=2, user_rate_window_s=30, admins=[BOHDAN["id"]])
    async with running_bot(api, settings, answerer, FakeCatalog()) as bot:
        for count in (1, 2, 3):
            bot.send(private_chat(ANN), ANN, QUESTION)
            await bot.replies(ANN["id"], count)
        for _ in range(3):
            bot.send(private_chat(BOHDAN), BOHDAN, QUESTION)
        await bot.replies(BOHDAN["id"], 3)
    texts = [m.plain for m in api.messages(ANN["id"])]
    assert [QUOTE_TEXT in text for text in texts] == [True, True, False]
    match = re.fullmatch(r"You are asking too fast\. Please wait (\d+) s and ask again\.", texts[2])
    assert match and 1 <= int(match.group(1)) <= 30
    assert all(QUOTE_TEXT in m.plain for m in api.messages(BOHDAN["id"]))


async def test_a_hanging_typing_action_does_not_delay_the_answer(
    api: FakeBotApi, answerer: FakeAnswerer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.telegram.sending")
    settings = make_settings(api, read_timeout_s=60.0)
    async with running_bot(api, settings, answerer, FakeCatalog()) as bot:
        api.hang(1, methods=("sendChatAction",))
        bot.send(private_chat(ANN), ANN, QUESTION)
        [reply] = await bot.replies(ANN["id"])
        assert QUOTE_TEXT in reply.plain
        assert [c.status for c in api.calls("sendChatAction")] == [0], "still hanging"
        api.release_hangs()
        await bot.until(lambda: any("typing action" in r.getMessage() for r in caplog.records))
    [failed] = [r for r in caplog.records if "typing action" in r.getMessage()]
    assert failed.levelno == logging.DEBUG
    assert not [
        r for r in caplog.records if r.levelno >= logging.WARNING and r.name.startswith("bot")
    ]


async def test_typing_is_refreshed_in_private_chats_only(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sending, "TYPING_REFRESH_S", 0.01)
    group = group_chat(-100301)
    bot.answerer.block("slow")
    bot.send(group, ANN, "/ask A slow question in the group?")
    bot.send(private_chat(BOHDAN), BOHDAN, "A slow question in private?")

    def actions(state: State, chat_id: int) -> int:
        return sum(
            c.method == "sendChatAction" and c.params["chat_id"] == chat_id for c in state.calls
        )

    await bot.api.wait_for(lambda s: actions(s, BOHDAN["id"]) >= 3 and actions(s, group["id"]) >= 1)
    bot.answerer.release_all()
    await bot.replies(group["id"])
    await bot.replies(BOHDAN["id"])
    assert bot.api.snapshot(lambda s: actions(s, group["id"])) == 1


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's RetryAfter
async def test_under_flood_control_every_user_still_gets_one_answer(bot: Harness) -> None:
    """Twelve users ask at once against a Bot API that takes 4 sends a second: the refused
    sends wait ``retry_after`` and go again, so each user gets exactly one answer."""
    bot.api.flood_control(per_second=4, per_chat_per_second=1)
    users = [{**ANN, "id": 5000 + i, "first_name": f"User {i}"} for i in range(12)]
    for user in users:
        bot.send(private_chat(user), user, QUESTION)
    for user in users:
        [reply] = await bot.replies(user["id"], timeout=30)
        assert QUOTE_TEXT in reply.plain
    statuses = [c.status for c in bot.api.calls("sendMessage")]
    assert statuses.count(429) > 0 and statuses.count(200) == len(users)
    await asyncio.sleep(0.5)
    assert all(len(bot.api.messages(user["id"])) == 1 for user in users)
