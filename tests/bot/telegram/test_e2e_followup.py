"""Follow-up questions in a private chat, through the real Application."""

from __future__ import annotations

import pytest

from bot.telegram import handlers_questions
from tests.bot.telegram.fakes import ANN, BOHDAN
from tests.bot.telegram.harness import Harness, group_chat, private_chat


async def test_a_follow_up_is_read_with_the_previous_question(bot: Harness) -> None:
    bot.send(private_chat(ANN), ANN, "How many drones were intercepted?")
    await bot.replies(ANN["id"])
    bot.send(private_chat(ANN), ANN, "and how many were launched?")
    await bot.replies(ANN["id"], 2)
    assert bot.answerer.calls == [
        "How many drones were intercepted?",
        "how many drones were launched?",
    ]


async def test_follow_ups_are_kept_per_chat(bot: Harness) -> None:
    bot.send(private_chat(ANN), ANN, "How many houses were damaged in Sumy?")
    await bot.replies(ANN["id"])
    bot.send(private_chat(BOHDAN), BOHDAN, "what about Cherkasy?")
    await bot.replies(BOHDAN["id"])
    assert bot.answerer.calls[-1] == "what about Cherkasy?"  # Bohdan has no previous question


async def test_an_expired_question_gives_no_context(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot.send(private_chat(ANN), ANN, "How many houses were damaged in Sumy?")
    await bot.replies(ANN["id"])
    later = handlers_questions.clock() + 10_000  # far past followup_ttl_s
    monkeypatch.setattr(handlers_questions, "clock", lambda: later)
    bot.send(private_chat(ANN), ANN, "what about Cherkasy?")
    await bot.replies(ANN["id"], 2)
    assert bot.answerer.calls[-1] == "what about Cherkasy?"


async def test_groups_do_not_resolve_follow_ups(bot: Harness) -> None:
    chat = group_chat(-100)
    bot.send(chat, ANN, "/ask How many drones were intercepted?")
    await bot.replies(chat["id"])
    bot.send(chat, ANN, "/ask and how many were launched?")
    await bot.replies(chat["id"], 2)
    assert bot.answerer.calls[-1] == "and how many were launched?"


async def test_thanks_in_between_keeps_the_previous_question(bot: Harness) -> None:
    bot.send(private_chat(ANN), ANN, "How many drones were intercepted?")
    await bot.replies(ANN["id"])
    bot.send(private_chat(ANN), ANN, "and thanks!")  # no follow-up ("and ..."): small talk
    await bot.replies(ANN["id"], 2)
    bot.send(private_chat(ANN), ANN, "and how many were launched?")
    await bot.replies(ANN["id"], 3)
    assert bot.answerer.calls == [
        "How many drones were intercepted?",
        "and thanks!",
        "how many drones were launched?",
    ]
