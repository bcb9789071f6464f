"""End to end, inline mode under typing: the debounce, its own rate limit, the answer cache."""

from __future__ import annotations

import re

import pytest

from bot.telegram import answer_flow
from bot.telegram import context as ctx
from bot.telegram.handlers import inline
from bot.telegram.state.debounce import Debouncer
from index.errors import EmptyQuestionError
from prompts.i18n import t
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import (
    ANN,
    BOHDAN,
    QUOTE_TEXT,
    FakeAnswerer,
    FakeCatalog,
    declined_answer,
)
from tests.bot.telegram.harness import (
    Harness,
    Inline,
    buttons,
    make_settings,
    private_chat,
    running_bot,
)

QUESTION = "How many drones were intercepted?"


async def _waiting_query(
    bot: Harness, monkeypatch: pytest.MonkeyPatch, text: str
) -> tuple[Debouncer, Inline]:
    """Ann's inline query ``text``, sent and left waiting in a long debounce."""
    debouncer: Debouncer = bot.app.bot_data[ctx.DEBOUNCER]
    monkeypatch.setattr(inline, "DEBOUNCE_S", 60.0)
    typed = bot.inline_query(ANN, text)
    await bot.until(lambda: debouncer.pending(ANN["id"]))
    return debouncer, typed


async def test_a_newer_inline_query_supersedes_the_one_typed_before(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    debouncer, typed = await _waiting_query(bot, monkeypatch, "How many dro")
    monkeypatch.setattr(inline, "DEBOUNCE_S", 0.0)
    other_user = bot.inline(BOHDAN, "Скільки ракет збили?")
    assert (await bot.inline_answer(other_user))["results"]
    assert debouncer.pending(ANN["id"]), "another user's query supersedes nothing"
    final = bot.inline(ANN, QUESTION)
    [result] = (await bot.inline_answer(final))["results"]
    assert result["title"] == "42 of 45 drones were shot down."
    await bot.processed(typed.update_id)
    assert typed.query_id not in bot.api.snapshot(lambda s: set(s.inline_answers))
    assert bot.answerer.calls == ["Скільки ракет збили?", QUESTION]
    assert len(debouncer) == 0


async def test_clearing_the_query_supersedes_the_pending_one(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    _, typed = await _waiting_query(bot, monkeypatch, "How many")
    cleared = bot.inline(ANN, "")
    assert (await bot.inline_answer(cleared))["button"]["text"] == t("telegram.inline_hint", "en")
    await bot.processed(typed.update_id)
    assert typed.query_id not in bot.api.snapshot(lambda s: set(s.inline_answers))
    assert bot.answerer.calls == []


async def test_inline_queries_have_their_own_looser_limit(
    api: FakeBotApi, answerer: FakeAnswerer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(answer_flow, "INLINE_RATE_LIMIT", 3)
    settings = make_settings(api, user_rate_limit=1, user_rate_window_s=60)
    async with running_bot(api, settings, answerer, FakeCatalog()) as bot:
        answers = [await bot.inline_answer(bot.inline(ANN, f"Drones, part {n}?")) for n in range(4)]
        bot.send(private_chat(ANN), ANN, QUESTION)
        [reply] = await bot.replies(ANN["id"])
    assert [len(answer["results"]) for answer in answers] == [1, 1, 1, 0]
    match = re.fullmatch(r"Too many questions: wait (\d+) s", answers[3]["button"]["text"])
    assert match and 1 <= int(match.group(1)) <= 60
    assert QUOTE_TEXT in reply.plain, "inline queries do not use up the question limit"


async def test_a_question_computes_once_for_inline_and_chat(bot: Harness) -> None:
    [card] = (await bot.inline_answer(bot.inline(ANN, QUESTION)))["results"]
    bot.send(private_chat(BOHDAN), BOHDAN, "  how many drones   were INTERCEPTED ")
    [reply] = await bot.replies(BOHDAN["id"])
    bot.send(private_chat(ANN), ANN, QUESTION)
    [again] = await bot.replies(ANN["id"])
    assert bot.answerer.calls == [QUESTION]
    assert QUOTE_TEXT in reply.plain
    assert again.text == reply.text
    assert bot.api.calls("sendChatAction") == [], "nothing computes, so nobody waits"
    bot.press(reply, buttons(reply)[0][1], BOHDAN)
    more = (await bot.replies(BOHDAN["id"], 2))[1]
    assert more.plain.startswith("More sources")
    bot.send(private_chat(ANN), ANN, "How many missiles were intercepted?")
    await bot.replies(ANN["id"], 2)
    assert bot.answerer.calls == [QUESTION, "How many missiles were intercepted?"]
    assert card["title"] == "42 of 45 drones were shot down."


async def test_inline_failures_answer_with_a_safe_note_on_the_button(bot: Harness) -> None:
    bot.answerer.answers["boom?"] = RuntimeError("secret internals of the model")
    bot.answerer.answers["???"] = EmptyQuestionError("only punctuation")
    failed = await bot.inline_answer(bot.inline(BOHDAN, "boom?"))
    refused = await bot.inline_answer(bot.inline(BOHDAN, "???"))
    assert failed["results"] == []
    assert failed["button"]["text"] == t("error.internal", "uk")
    assert failed["button"]["start_parameter"] == inline.START_PARAMETER
    assert refused["results"] == []
    assert refused["button"]["text"] == t("error.empty_question", "uk")
    assert bot.answerer.calls == ["boom?", "???"], "failures are not cached"
    bot.answerer.answers.clear()
    [card] = (await bot.inline_answer(bot.inline(BOHDAN, "boom?")))["results"]
    assert card["type"] == "article"


async def test_a_card_starts_with_the_question_and_a_decline_sends_nothing(bot: Harness) -> None:
    [card] = (await bot.inline_answer(bot.inline(ANN, f"  {QUESTION} ")))["results"]
    text = card["input_message_content"]["message_text"]
    assert text.startswith(f"❓ <i>{QUESTION}</i>\n\n<b>42 of 45 drones were shot down.</b>")
    bot.answerer.answers["Who won the 1966 World Cup?"] = declined_answer("q")
    declined = await bot.inline_answer(bot.inline(ANN, "Who won the 1966 World Cup?"))
    assert declined["results"] == []
    assert declined["button"]["text"] == t("telegram.inline_declined", "en")


async def test_with_the_answer_cache_off_every_question_is_computed(
    api: FakeBotApi, answerer: FakeAnswerer
) -> None:
    settings = make_settings(api, answer_cache_ttl_s=0)
    async with running_bot(api, settings, answerer, FakeCatalog()) as bot:
        for count in (1, 2):
            bot.send(private_chat(ANN), ANN, QUESTION)
            await bot.replies(ANN["id"], count)
        await bot.inline_answer(bot.inline(ANN, QUESTION))
    assert answerer.calls == [QUESTION, QUESTION, QUESTION]


async def test_a_cached_answer_is_computed_again_once_the_store_changed(
    api: FakeBotApi, answerer: FakeAnswerer
) -> None:
    catalog = FakeCatalog()
    async with running_bot(api, make_settings(api), answerer, catalog) as bot:
        for count in (1, 2):
            bot.send(private_chat(ANN), ANN, QUESTION)
            await bot.replies(ANN["id"], count)
        catalog.generation += 1  # another worker or `newsbot ingest` added an article
        bot.send(private_chat(ANN), ANN, QUESTION)
        await bot.replies(ANN["id"], 3)
    assert answerer.calls == [QUESTION, QUESTION]
