"""End to end: /settings switches a chat's language and answer length, kept across restarts.

In a group only its administrators may change them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio

from answering.types import Answer
from bot.chat_prefs import ChatPrefsStore, prefs_path
from bot.config.settings import Settings
from prompts.i18n import t
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import ANN, BOHDAN, FakeAnswerer, FakeCatalog, make_quote
from tests.bot.telegram.harness import Harness, buttons, group_chat, private_chat, running_bot

QUESTION = "How many drones were intercepted?"


@pytest_asyncio.fixture
async def prefs_bot(
    api: FakeBotApi, settings: Settings, answerer: FakeAnswerer, tmp_path: Path
) -> AsyncIterator[Harness]:
    store = ChatPrefsStore(prefs_path(tmp_path))
    try:
        async with running_bot(api, settings, answerer, FakeCatalog(3), chat_prefs=store) as bot:
            yield bot
    finally:
        store.close()


async def _tap(bot: Harness, message_id: int | None, label: str, user: dict[str, object]) -> str:
    """Tap the button labelled ``label`` under the bot's message; the callback's answer."""
    [message] = [m for m in bot.api.messages() if m.message_id == message_id]
    [data] = [data for text, data in buttons(message) if text.removeprefix("✓ ") == label]
    bot.press(message, data, user)
    answered = await bot.api.wait_for(
        lambda s: [a for a in s.callback_queries.values() if a and a.get("text")][-1:] or None
    )
    text = str(answered[0]["text"])
    bot.api.snapshot(lambda s: s.callback_queries.clear())
    return text


async def test_a_private_chat_switches_language_and_answer_length(
    prefs_bot: Harness, tmp_path: Path
) -> None:
    bot = prefs_bot
    bot.send(private_chat(ANN), ANN, "/settings")
    [panel] = await bot.replies(ANN["id"])
    assert "Language: Auto" in panel.plain and "Answers: Full answers" in panel.plain
    assert [text for text, _ in buttons(panel)][:2] == ["✓ Auto", "English"]
    assert await _tap(bot, panel.message_id, "Українська", ANN) == "Збережено."
    await bot.api.wait_for(lambda s: panel.edits == 1)
    assert "Мова: Українська" in panel.plain  # the panel itself now speaks Ukrainian
    assert await _tap(bot, panel.message_id, "Короткі відповіді", ANN) == "Збережено."
    await bot.api.wait_for(lambda s: panel.edits == 2)
    assert "Відповіді: Короткі відповіді" in panel.plain

    two = (make_quote(), make_quote("Debris damaged two houses.", n=2))
    bot.answerer.answers[QUESTION] = Answer(QUESTION, "42 of 45", two, 0.8, "en")
    bot.send(private_chat(ANN), ANN, QUESTION)  # an English question from an English user
    answer = (await bot.replies(ANN["id"], 2))[1]
    assert answer.text.count("<blockquote>") == 1  # short: the answer and one quote
    assert [text for text, _ in buttons(answer)][:2] == ["Повний уривок", "Читати статтю"]
    bot.send(private_chat(ANN), ANN, "/help")
    help_text = (await bot.replies(ANN["id"], 3))[2]
    assert help_text.plain.startswith("Як запитувати")

    reopened = ChatPrefsStore(prefs_path(tmp_path))  # what a restarted bot reads
    assert (reopened.get(ANN["id"]).lang, reopened.get(ANN["id"]).length) == ("uk", "short")
    reopened.close()


async def test_in_a_group_only_its_administrators_change_the_settings(
    prefs_bot: Harness,
) -> None:
    bot = prefs_bot
    chat = group_chat(-100400)
    bot.api.snapshot(lambda s: s.member_status.update({(chat["id"], ANN["id"]): "administrator"}))
    bot.send(chat, BOHDAN, "/settings")
    [panel] = await bot.replies(chat["id"])
    refused = await _tap(bot, panel.message_id, "Русский", BOHDAN)
    assert refused == t("telegram.settings_admins", "uk")
    assert panel.edits == 0
    assert await _tap(bot, panel.message_id, "Русский", ANN) == "Сохранено."
    await bot.api.wait_for(lambda s: panel.edits == 1)
    bot.send(chat, BOHDAN, f"/ask {QUESTION}")  # a Ukrainian user in a Russian-speaking group
    answer = (await bot.replies(chat["id"], 2))[1]
    assert [text for text, _ in buttons(answer)][:2] == ["Другие источники", "Полный отрывок"]
