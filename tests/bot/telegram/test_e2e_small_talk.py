"""End to end over the real pipeline (English profile): small talk, and other languages.

Small talk gets a friendly reply, and a question in Ukrainian or Russian is told, in its language,
that questions are answered in English here; how to change that is for the operator's log."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from answering.english_only import tell_operator
from answering.pipeline import PipelineAnswerer
from answering.readers.extractive import ExtractiveReader
from bot.config.settings import Settings
from index.lexical import LexicalIndex
from index.search import HybridSearcher
from prompts.i18n import t
from tests.bot.telegram.fake_bot_api import BotMessage, FakeBotApi
from tests.bot.telegram.fakes import ANN, BOHDAN
from tests.bot.telegram.harness import Harness, buttons, group_chat, private_chat, running_bot
from tests.index.fakes import FakeEmbedder, MemoryStore

DARIA: dict[str, Any] = {"id": 1004, "is_bot": False, "first_name": "Daria", "language_code": "ru"}
OPERATOR_ONLY = ("NEWSBOT_", "models install", "multilingual")


@pytest_asyncio.fixture
async def pipeline_bot(
    api: FakeBotApi, settings: Settings, sample_store: MemoryStore, fake_embedder: FakeEmbedder
) -> AsyncIterator[Harness]:
    """The Application over the real answering pipeline (the bundled sample article)."""
    searcher = HybridSearcher(sample_store, fake_embedder, LexicalIndex(sample_store))
    answerer = PipelineAnswerer(searcher, ExtractiveReader(fake_embedder))
    async with running_bot(api, settings, answerer, sample_store) as harness:
        yield harness


def _is_small_talk_reply(reply: BotMessage, kind: str, lang: str, examples: str) -> None:
    assert reply.plain.startswith(t(f"small_talk.{kind}", lang))
    for n in (1, 2, 3):
        assert f"• {t(f'telegram.example_{n}', examples)}" in reply.plain
    assert "<blockquote>" not in reply.text and "VOA / AP" not in reply.plain
    assert t("telegram.decline", lang) not in reply.plain
    assert buttons(reply) == []


@pytest.mark.parametrize(("text", "kind"), [("thanks!", "thanks"), ("hi", "greeting")])
async def test_small_talk_gets_a_friendly_reply_with_examples(
    pipeline_bot: Harness, text: str, kind: str
) -> None:
    pipeline_bot.send(private_chat(ANN), ANN, text)
    [reply] = await pipeline_bot.replies(ANN["id"])
    _is_small_talk_reply(reply, kind, "en", "en")


async def test_small_talk_in_a_group_and_inline(pipeline_bot: Harness) -> None:
    chat = group_chat(-100)
    pipeline_bot.send(chat, ANN, "/ask Thank you so much!")
    [reply] = await pipeline_bot.replies(chat["id"])
    _is_small_talk_reply(reply, "thanks", "en", "en")
    [card] = (await pipeline_bot.inline_answer(pipeline_bot.inline(ANN, "hello")))["results"]
    assert card["title"] == t("small_talk.greeting", "en")
    assert "reply_markup" not in card and "description" not in card


async def test_ukrainian_small_talk_is_answered_in_ukrainian_with_english_examples(
    pipeline_bot: Harness,
) -> None:
    pipeline_bot.send(private_chat(BOHDAN), BOHDAN, "Дякую!")
    [reply] = await pipeline_bot.replies(BOHDAN["id"])
    _is_small_talk_reply(reply, "thanks", "uk", "en")
    assert t("answer.english_only", "uk") in reply.plain


@pytest.mark.parametrize(
    ("user", "question"),
    [(BOHDAN, "Скільки дронів перехопили?"), (DARIA, "Сколько людей погибло в Изюме?")],
)
async def test_a_question_in_another_language_is_told_in_it_and_the_operator_in_the_log(
    pipeline_bot: Harness, caplog: pytest.LogCaptureFixture, user: dict[str, Any], question: str
) -> None:
    tell_operator.cache_clear()  # the operator's hint is logged once per process
    lang = user["language_code"]
    with caplog.at_level(logging.INFO):
        pipeline_bot.send(private_chat(user), user, question)
        [reply] = await pipeline_bot.replies(user["id"])
    # the decline, or what the keyword search found when it passes the checks of any answer
    declined = t("telegram.decline", lang) in reply.plain
    notice = "answer.english_only" + ("" if declined else "_found")
    assert reply.plain.startswith(t(notice, lang))
    assert ("<blockquote>" in reply.text) != declined
    assert not any(word in reply.plain for word in OPERATOR_ONLY)
    hints = [r for r in caplog.records if "NEWSBOT_PROFILE=multilingual" in r.getMessage()]
    assert len(hints) == 1 and "newsbot models install multilingual" in hints[0].getMessage()
    assert question not in caplog.text
