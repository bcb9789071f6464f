"""Follow-up questions in a private chat, through the real Application."""

from __future__ import annotations

import pytest

from bot.telegram.handlers import questions as handlers_questions
from prompts.i18n import t
from tests.bot.telegram.fakes import ANN, BOHDAN
from tests.bot.telegram.harness import Harness, group_chat, private_chat


async def test_a_follow_up_is_read_with_the_previous_question(bot: Harness) -> None:
    await bot.processed(
        bot.send(private_chat(ANN), ANN, "How many drones were intercepted?").update_id
    )
    await bot.replies(ANN["id"])
    await bot.processed(bot.send(private_chat(ANN), ANN, "and how many were launched?").update_id)
    await bot.replies(ANN["id"], 2)
    assert bot.answerer.calls == [
        "How many drones were intercepted?",
        "how many drones were launched (1 May 2024)?",  # the date of the report that answered
    ]


async def test_follow_ups_are_kept_per_chat(bot: Harness) -> None:
    await bot.processed(
        bot.send(private_chat(ANN), ANN, "How many houses were damaged in Sumy?").update_id
    )
    await bot.replies(ANN["id"])
    bot.send(private_chat(BOHDAN), BOHDAN, "what about Cherkasy?")
    await bot.replies(BOHDAN["id"])
    assert bot.answerer.calls[-1] == "what about Cherkasy?"  # Bohdan has no previous question


async def test_an_expired_question_gives_no_context(
    bot: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    await bot.processed(
        bot.send(private_chat(ANN), ANN, "How many houses were damaged in Sumy?").update_id
    )
    await bot.replies(ANN["id"])
    later = handlers_questions.clock() + 10_000  # far past followup_ttl_s
    monkeypatch.setattr(handlers_questions, "clock", lambda: later)
    await bot.processed(bot.send(private_chat(ANN), ANN, "what about Cherkasy?").update_id)
    await bot.replies(ANN["id"], 2)
    assert bot.answerer.calls[-1] == "what about Cherkasy?"


async def test_groups_do_not_resolve_follow_ups(bot: Harness) -> None:
    chat = group_chat(-100)
    await bot.processed(bot.send(chat, ANN, "/ask How many drones were intercepted?").update_id)
    await bot.replies(chat["id"])
    await bot.processed(bot.send(chat, ANN, "/ask and how many were launched?").update_id)
    await bot.replies(chat["id"], 2)
    assert bot.answerer.calls[-1] == "and how many were launched?"


async def test_thanks_in_between_keeps_the_previous_question(bot: Harness) -> None:
    await bot.processed(
        bot.send(private_chat(ANN), ANN, "How many drones were intercepted?").update_id
    )
    await bot.replies(ANN["id"])
    bot.send(private_chat(ANN), ANN, "and thanks!")  # no follow-up ("and ..."): small talk
    await bot.replies(ANN["id"], 2)
    await bot.processed(bot.send(private_chat(ANN), ANN, "and how many were launched?").update_id)
    await bot.replies(ANN["id"], 3)
    assert bot.answerer.calls == [
        "How many drones were intercepted?",
        "and thanks!",
        "how many drones were launched (1 May 2024)?",
    ]


async def test_a_follow_up_stays_with_the_previous_answers_event(bot: Harness) -> None:
    await bot.processed(
        bot.send(private_chat(ANN), ANN, "How many drones were intercepted?").update_id
    )
    await bot.replies(ANN["id"])  # answered from the report of 1 May 2024
    await bot.processed(bot.send(private_chat(ANN), ANN, "and how many were launched?").update_id)
    await bot.replies(ANN["id"], 2)
    bot.send(private_chat(ANN), ANN, "and how many on 3 May 2024?")  # names its own date
    await bot.replies(ANN["id"], 3)
    assert bot.answerer.calls[1:] == [
        "how many drones were launched (1 May 2024)?",
        "how many on 3 May 2024 (drones launched)?",
    ]


async def test_a_group_reply_to_an_answer_is_read_with_that_answers_question(
    bot: Harness,
) -> None:
    chat = group_chat(-100)
    await bot.processed(bot.send(chat, ANN, "/ask How many drones were intercepted?").update_id)
    [answer] = await bot.replies(chat["id"])
    bot.send(chat, BOHDAN, "/ask What did the mayor say?")  # another answer in between
    await bot.replies(chat["id"], 2)
    bot.send(chat, BOHDAN, "how many were launched?", reply_to=answer)
    third = (await bot.replies(chat["id"], 3))[2]
    assert bot.answerer.calls[-1] == "how many drones were launched (1 May 2024)?"
    assert third.reply_to is not None  # in a group the answer quotes the question
    bot.send(chat, BOHDAN, "Who is the mayor of Odesa?", reply_to=answer)  # its own question
    await bot.replies(chat["id"], 4)
    assert bot.answerer.calls[-1] == "Who is the mayor of Odesa?"


async def test_a_private_reply_to_an_older_answer_uses_that_answer(bot: Harness) -> None:
    await bot.processed(
        bot.send(private_chat(ANN), ANN, "How many drones were intercepted?").update_id
    )
    [first] = await bot.replies(ANN["id"])
    await bot.processed(bot.send(private_chat(ANN), ANN, "Who is the mayor of Kyiv?").update_id)
    await bot.replies(ANN["id"], 2)
    bot.send(private_chat(ANN), ANN, "and how many were launched?", reply_to=first)
    await bot.replies(ANN["id"], 3)
    assert bot.answerer.calls[-1] == "how many drones were launched (1 May 2024)?"


async def test_a_question_in_a_photo_caption_is_answered(bot: Harness) -> None:
    photo = [{"file_id": "p1", "file_unique_id": "u1", "width": 10, "height": 10}]
    bot.send(private_chat(ANN), ANN, photo=photo, caption="How many drones were intercepted?")
    [reply] = await bot.replies(ANN["id"])
    assert reply.text.startswith("<b>42 of 45 drones were shot down.</b>")
    chat = group_chat(-100)
    bot.send(chat, ANN, photo=photo, caption="nice picture")  # not addressed to the bot
    mention = f"@{bot.api.bot_user['username']} how many drones were launched?"
    bot.send(chat, ANN, photo=photo, caption=mention, caption_entities=_mention(mention))
    [answer] = await bot.replies(chat["id"])
    assert bot.answerer.calls == [
        "How many drones were intercepted?",
        "how many drones were launched?",
    ]
    assert answer.reply_to is not None
    bot.send(private_chat(BOHDAN), BOHDAN, photo=photo, caption="x" * 5000)
    [refusal] = await bot.replies(BOHDAN["id"])
    assert refusal.plain == t("error.question_too_long", "en", limit=500)  # (English caption)


def _mention(text: str) -> list[dict[str, object]]:
    handle = text.split()[0]
    return [{"type": "mention", "offset": 0, "length": len(handle)}]
