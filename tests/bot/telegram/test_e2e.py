"""End to end: the real Application against the loopback Bot API, as users use it."""

from __future__ import annotations

import asyncio
from dataclasses import replace

import pytest

from answering.types import Answer
from bot.telegram import sending
from bot.telegram.menus import COMMANDS
from prompts.i18n import t
from tests.bot.telegram.fakes import (
    ANN,
    BOHDAN,
    CAROL,
    NEXT_PARAGRAPH,
    PARAGRAPH,
    QUOTE_TEXT,
    make_quote,
)
from tests.bot.telegram.harness import (
    Harness,
    buttons,
    group_chat,
    private_chat,
)

QUESTION = "How many drones were intercepted?"


async def test_private_question_gets_the_answer_with_the_quote(bot: Harness) -> None:
    bot.send(private_chat(ANN), ANN, QUESTION)
    [reply] = await bot.replies(ANN["id"])
    assert bot.answerer.calls == [QUESTION]
    assert reply.text.startswith("<b>42 of 45 drones were shot down.</b>")
    assert f"<blockquote>{QUOTE_TEXT}</blockquote>" in reply.text
    link = '<a href="https://example.com/news?id=1&amp;lang=en">Drones &lt;repelled&gt; &amp; more'
    assert link in reply.text
    assert "Drones <repelled> & more · 1 May 2024 · Kyiv Daily" in reply.plain
    more, full, read, up, down = buttons(reply)
    assert read == ("Read article", "https://example.com/news?id=1&lang=en")
    assert [more[0], full[0]] == ["More sources", "Full passage"]
    assert [up[0], down[0]] == ["👍", "👎"]
    [action] = await bot.api.wait_for(
        lambda s: [c for c in s.calls if c.method == "sendChatAction"]
    )
    assert action.params["action"] == "typing"
    assert action.params["chat_id"] == ANN["id"]


async def test_a_quick_answer_comes_without_a_typing_action(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sending, "TYPING_DELAY_S", 5.0)  # far longer than the fake answer
    bot.send(private_chat(ANN), ANN, QUESTION)
    await bot.replies(ANN["id"])
    await asyncio.sleep(0.3)  # a pending action would have been cancelled with the answer
    assert bot.api.calls("sendChatAction") == []


async def test_start_greets_in_the_users_language_and_examples_ask(bot: Harness) -> None:
    bot.send(private_chat(BOHDAN), BOHDAN, "/start")
    [greeting] = await bot.replies(BOHDAN["id"])
    assert greeting.text.startswith("Вітаю, Bohdan!")
    examples = buttons(greeting)
    assert [text for text, _ in examples] == [t(f"telegram.example_{n}", "uk") for n in (1, 2, 3)]
    bot.press(greeting, examples[0][1], BOHDAN)
    answer = (await bot.replies(BOHDAN["id"], 2))[1]
    assert bot.answerer.calls == [t("telegram.example_1", "uk")]
    assert "<blockquote>" in answer.text
    assert [b for b, _ in buttons(answer)] == [
        "Інші джерела",
        "Повний уривок",
        "Читати статтю",
        "👍",
        "👎",
    ]


async def test_start_in_a_group_says_how_to_ask_there(bot: Harness) -> None:
    chat = group_chat(-100300)
    bot.send(chat, ANN, "/start")
    [greeting] = await bot.replies(chat["id"])
    assert "type your own question" not in greeting.plain
    assert "/ask question, mention me (@NewsTestBot question)" in greeting.plain
    bot.send(chat, ANN, "How many drones were intercepted?")  # plain text: not for the bot
    bot.send(chat, ANN, "/ask How many drones were intercepted?")
    await bot.replies(chat["id"], 2)
    assert bot.answerer.calls == ["How many drones were intercepted?"]


async def test_unsupported_language_falls_back_to_english(bot: Harness) -> None:
    bot.send(private_chat(CAROL), CAROL, "/start")
    [greeting] = await bot.replies(CAROL["id"])
    assert greeting.text.startswith("Hello, Carol!")


async def test_help_about_and_unknown_command(bot: Harness) -> None:
    chat = private_chat(ANN)
    for command in ("/help", "/about", "/frobnicate"):
        bot.send(chat, ANN, command)
    replies = await bot.replies(ANN["id"], 3)
    texts = sorted(m.plain for m in replies)
    assert any("@NewsTestBot" in text and "/ask" in text for text in texts)
    assert any(text.startswith("What I can do") for text in texts)
    assert t("telegram.unknown_command", "en") in texts
    assert bot.answerer.calls == []


async def test_sources_are_listed_newest_first_and_paged(bot: Harness) -> None:
    bot.send(private_chat(ANN), ANN, "/sources")
    [page] = await bot.replies(ANN["id"])
    assert "Indexed articles: 20 (page 1 of 3)" in page.plain
    assert "1. Article 1 <1> · 20 Jan 2024 · Wire" in page.plain
    assert "Article 9 " not in page.plain
    assert [text for text, _ in buttons(page)] == ["▶"]
    bot.press(page, buttons(page)[0][1], ANN)
    edited = await bot.api.wait_for(lambda s: [m for m in s.messages if m.edits == 1])
    assert "page 2 of 3" in edited[0].plain
    assert "9. Article 9 <9>" in edited[0].plain
    assert [text for text, _ in buttons(edited[0])] == ["◀", "▶"]
    assert all(c.params.get("text") is None for c in bot.api.calls("answerCallbackQuery"))


async def test_group_message_without_mention_gets_nothing(bot: Harness) -> None:
    chat = group_chat(-100201)
    text = bot.send(chat, ANN, QUESTION)
    sticker_json = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "type": "regular",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
    }
    sticker = bot.send(chat, ANN, sticker=sticker_json)
    await bot.processed(text.update_id)
    await bot.processed(sticker.update_id)
    assert bot.answerer.calls == []
    assert bot.api.messages(chat["id"]) == []
    assert [c for c in bot.api.calls() if c.params.get("chat_id") == chat["id"]] == []


async def test_ask_in_a_group_gets_the_answer(bot: Harness) -> None:
    chat = group_chat(-100202)
    asked = bot.send(chat, ANN, f"/ask {QUESTION}")
    [reply] = await bot.replies(chat["id"])
    assert bot.answerer.calls == [QUESTION]
    assert QUOTE_TEXT in reply.plain
    assert reply.reply_to == asked.message_id


async def test_group_mention_and_reply_to_the_bot_are_answered(bot: Harness) -> None:
    chat = group_chat(-100203)
    await bot.processed(bot.send(chat, ANN, f"@NewsTestBot {QUESTION}").update_id)
    [first] = await bot.replies(chat["id"])
    bot.send(chat, BOHDAN, "А скільки збили ракет?", reply_to=first)
    second = (await bot.replies(chat["id"], 2))[1]
    # a reply leans on the answer replied to: another language takes only its event's date
    assert bot.answerer.calls == [QUESTION, "А скільки збили ракет (1 May 2024)?"]
    assert [text for text, _ in buttons(second)] == [
        "Інші джерела",
        "Повний уривок",
        "Читати статтю",
        "👍",
        "👎",
    ]
    bot.send(chat, ANN, "/ask")
    usage = (await bot.replies(chat["id"], 3))[2]
    assert usage.plain == t("telegram.ask_usage", "en")


async def test_both_buttons_work_in_a_chat_once_and_then_go(bot: Harness) -> None:
    bot.send(private_chat(ANN), ANN, QUESTION)
    [answer] = await bot.replies(ANN["id"])
    (_, more), (_, full), _read, _up, _down = buttons(answer)
    assert all(len(data.encode()) <= 64 for data in (more, full))
    taps = [bot.press(answer, more, ANN), bot.press(answer, more, ANN)]  # a double tap
    more_reply = (await bot.replies(ANN["id"], 2))[1]
    assert more_reply.plain.startswith("More sources")
    assert "Debris damaged two houses." in more_reply.plain
    assert "The attack began at night." in more_reply.plain
    assert more_reply.reply_to == answer.message_id
    await bot.api.wait_for(lambda s: answer.edits == 1)
    assert [text for text, _ in buttons(answer)] == ["Full passage", "Read article", "👍", "👎"]
    bot.press(answer, full, ANN)
    full_reply = (await bot.replies(ANN["id"], 3))[2]
    assert full_reply.plain.startswith("Full passage")
    assert PARAGRAPH in full_reply.plain
    assert NEXT_PARAGRAPH in full_reply.plain  # the paragraph after the quote's
    assert f"<u>{QUOTE_TEXT}</u>" in full_reply.text
    await bot.api.wait_for(lambda s: answer.edits == 2)
    assert [text for text, _ in buttons(answer)] == ["Read article", "👍", "👎"]
    answered = await bot.api.wait_for(
        lambda s: len(s.callback_queries) == 3 and all(s.callback_queries.values())
    )
    assert answered
    for tap in taps:  # once every tap was handled, nothing more came of the second one
        await bot.processed(tap)
    assert len(bot.api.messages(ANN["id"])) == 3
    assert bot.answerer.calls == [QUESTION]


async def test_twenty_taps_in_a_burst_add_one_view_and_the_bot_keeps_answering(
    bot: Harness,
) -> None:
    bot.send(private_chat(ANN), ANN, QUESTION)
    [answer] = await bot.replies(ANN["id"])
    (_, more), *_ = buttons(answer)
    taps = [bot.press(answer, more, ANN) for _ in range(20)]
    await bot.api.wait_for(
        lambda s: (len(s.callback_queries) == 20 and all(s.callback_queries.values())) or None
    )
    bot.send(private_chat(ANN), ANN, "How many missiles were intercepted?")
    replies = await bot.replies(ANN["id"], 3)
    assert [m.plain.startswith("More sources") for m in replies] == [False, True, False]
    for tap in taps:
        await bot.processed(tap)
    assert len(bot.api.messages(ANN["id"])) == 3
    assert all(call.status == 200 for call in bot.api.calls())


async def test_a_timelines_reports_are_buttons_that_show_each_report(bot: Harness) -> None:
    reports = (
        replace(make_quote(n=3), answer="728 drones"),
        replace(make_quote("Debris damaged two houses.", n=1), answer="45 drones", url=None),
    )
    bot.answerer.answers[QUESTION] = Answer(
        QUESTION, "728 drones", reports, 0.8, "en", timeline=True
    )
    bot.send(private_chat(ANN), ANN, QUESTION)
    [answer] = await bot.replies(ANN["id"])
    labels = [text for text, _ in buttons(answer)]
    assert labels == [
        "Full passage",
        "3 May 2024 · 728 drones",
        "1 May 2024 · 45 drones",
        "Read article",
        "👍",
        "👎",
    ]
    second = buttons(answer)[2][1]
    taps = [bot.press(answer, second, ANN), bot.press(answer, second, ANN)]
    report = (await bot.replies(ANN["id"], 2))[1]
    assert report.text.startswith("<b>45 drones</b>")
    assert "<blockquote>Debris damaged two houses.</blockquote>" in report.text
    assert report.reply_markup is None  # that report has no web address to link
    third = bot.press(answer, buttons(answer)[1][1], ANN)
    first = (await bot.replies(ANN["id"], 3))[2]
    assert first.text.startswith("<b>728 drones</b>")
    assert buttons(first) == [("Read article", "https://example.com/news?id=3&lang=en")]
    for tap in [*taps, third]:
        await bot.processed(tap)
    assert len(bot.api.messages(ANN["id"])) == 3


async def test_a_stale_button_is_explained(bot: Harness) -> None:
    bot.send(private_chat(ANN), ANN, QUESTION)
    [answer] = await bot.replies(ANN["id"])
    bot.press(answer, "m:unknownKey", ANN)
    bot.press(answer, "zz:what", ANN)
    await bot.api.wait_for(lambda s: all(s.callback_queries.values()))
    answers = [a for a in bot.api.snapshot(lambda s: list(s.callback_queries.values())) if a]
    assert [a["text"] for a in answers] == [t("telegram.expired", "en")] * 2
    assert all(a["show_alert"] is True for a in answers)
    assert len(bot.api.messages(ANN["id"])) == 1


async def test_inline_query_gets_a_result_card_and_its_buttons_edit_it(bot: Harness) -> None:
    query_id = bot.inline(ANN, QUESTION)
    answered = await bot.api.wait_for(lambda s: s.inline_answers.get(query_id))
    [result] = answered["results"]
    assert result["type"] == "article"
    assert result["title"] == "42 of 45 drones were shot down."
    content = result["input_message_content"]
    assert content["parse_mode"] == "HTML"
    assert f"<blockquote>{QUOTE_TEXT}</blockquote>" in content["message_text"]
    inline_id = bot.api.choose_inline_result(query_id, result["id"])
    [sent] = [m for m in bot.api.messages() if m.inline_message_id == inline_id]
    bot.press(sent, buttons(sent)[1][1], ANN)
    [edited] = await bot.api.wait_for(lambda s: [m for m in s.messages if m.edits])
    assert edited.inline_message_id == inline_id
    assert "Full passage" in edited.plain
    assert PARAGRAPH in edited.plain
    assert buttons(edited)[0][0] == "More sources"  # the tapped one went
    await bot.processed(bot.press(edited, buttons(edited)[0][1], ANN))
    assert edited.edits == 2
    assert "Full passage" in edited.plain and "More sources" in edited.plain  # both views
    assert "Debris damaged two houses." in edited.plain


async def test_an_empty_inline_query_offers_a_hint(bot: Harness) -> None:
    query_id = bot.inline(BOHDAN, "  ")
    answered = await bot.api.wait_for(lambda s: s.inline_answers.get(query_id))
    assert answered["results"] == []
    assert answered["button"]["text"] == t("telegram.inline_hint", "uk")
    assert bot.answerer.calls == []


async def test_a_5000_character_answer_arrives_split_and_valid(bot: Harness) -> None:
    sentence = "Drones & missiles <were> launched at 3 regions overnight 🚀. "
    long_quote = (sentence * 90).strip()
    assert len(long_quote) > 5000
    bot.answerer.answers[QUESTION] = Answer(
        QUESTION, "A long answer.", (make_quote(long_quote),), 0.9, "en"
    )
    bot.send(private_chat(ANN), ANN, QUESTION)
    replies = await bot.replies(ANN["id"], 2)
    assert len(replies) >= 2
    for reply in replies:
        assert len(reply.plain.encode("utf-16-le")) // 2 <= 4096
    assert all(reply.text.count("<blockquote>") == 1 for reply in replies)
    joined = "".join(reply.plain for reply in replies)
    assert " ".join(joined.split()).count("Drones & missiles <were> launched") == 90
    assert [buttons(reply) != [] for reply in replies] == [False] * (len(replies) - 1) + [True]
    assert all(call.status == 200 for call in bot.api.calls("sendMessage"))


async def test_non_text_messages_get_a_polite_note(bot: Harness) -> None:
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 10, "height": 10}]
    bot.send(private_chat(BOHDAN), BOHDAN, photo=photo)
    [note] = await bot.replies(BOHDAN["id"])
    assert note.plain == t("telegram.text_only", "uk")
    assert bot.answerer.calls == []


async def test_post_init_warms_the_answerer_and_sets_localized_commands(bot: Harness) -> None:
    assert bot.answerer.warm_calls == 1
    calls = {
        c.params.get("language_code"): c.params["commands"] for c in bot.api.calls("setMyCommands")
    }
    assert set(calls) == {None, "uk", "ru"}
    # (this bot keeps no chat settings and no follows: those commands are not offered)
    offered = [c for c in COMMANDS if c not in {"settings", "follow", "following", "unfollow"}]
    assert [c["command"] for c in calls[None]] == offered
    assert calls["uk"][1]["description"] == t("telegram_commands.help", "uk")


async def test_the_purge_job_is_scheduled_and_keeps_live_answers(bot: Harness) -> None:
    bot.send(private_chat(ANN), ANN, QUESTION)
    [answer] = await bot.replies(ANN["id"])
    assert bot.app.job_queue is not None
    [job] = bot.app.job_queue.get_jobs_by_name("purge_state")
    await job.run(bot.app)
    bot.press(answer, buttons(answer)[0][1], ANN)
    more = (await bot.replies(ANN["id"], 2))[1]
    assert more.plain.startswith("More sources")
