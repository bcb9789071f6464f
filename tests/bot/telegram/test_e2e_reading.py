"""Reading in the chat, end to end over the fake catalog.

/article paged in place, "Open article" under an answer without a web address, /latest and /latest
TOPIC paged."""

from __future__ import annotations

import dataclasses
from typing import Any

from answering.types import Answer
from bot.telegram.render.reading import paragraphs
from prompts.i18n import t
from tests.bot.telegram.fake_bot_api import BotMessage
from tests.bot.telegram.fakes import ANN, BOHDAN, FakeCatalog, make_quote
from tests.bot.telegram.harness import Harness, buttons, private_chat

LONG_PARAGRAPH = "The council met again on Monday and heard the harbour master's report. " * 9


def long_text(count: int = 12) -> str:
    """``count`` numbered paragraphs of about 640 characters: several pages."""
    return "\n\n".join(f"{n}. {LONG_PARAGRAPH.strip()}" for n in range(1, count + 1))


async def _reply(bot: Harness, user: dict[str, Any], text: str) -> BotMessage:
    """Send ``text`` in ``user``'s private chat; the bot's one new message."""
    before = len(bot.api.messages(user["id"]))
    bot.send(private_chat(user), user, text)
    return (await bot.replies(user["id"], before + 1))[before]


async def _press(bot: Harness, message: BotMessage, label: str, user: dict[str, Any]) -> None:
    """Tap the button labelled ``label`` under ``message`` and wait for the edit."""
    edits = message.edits
    [data] = [data for text, data in buttons(message) if text == label]
    bot.press(message, data, user)
    await bot.api.wait_for(lambda s: message.edits > edits or None)


def _answered_from(bot: Harness, article_id: str) -> str:
    """A question the answerer answers from ``article_id``, which has no web address."""
    question = "What did the council decide?"
    quote = dataclasses.replace(make_quote(), article_id=article_id, url=None)
    bot.answerer.answers[question] = Answer(question, "It met.", (quote,), 0.8, "en")
    return question


def _labels(message: BotMessage) -> list[str]:
    return [text for text, _ in buttons(message)]


def _alerts(bot: Harness) -> list[str]:
    answered = bot.api.snapshot(lambda s: list(s.callback_queries.values()))
    return [a["text"] for a in answered if a and a.get("show_alert")]


async def test_an_article_is_read_page_by_page_in_one_message(
    bot: Harness, catalog: FakeCatalog
) -> None:
    catalog.texts["id3"] = long_text()
    page = await _reply(bot, ANN, "/article id3")
    assert page.plain.startswith(
        "Article 3 <3> · 18 Jan 2024 · Wire\nPage 1 of 3\n\n1. The council"
    )
    assert _labels(page) == ["▶"]  # the first page goes one way
    seen = [page.plain]
    await _press(bot, page, "▶", ANN)
    assert "Page 2 of 3" in page.plain and _labels(page) == ["◀", "▶"]
    seen.append(page.plain)
    await _press(bot, page, "▶", ANN)
    assert "Page 3 of 3" in page.plain and _labels(page) == ["◀"]  # the last page too
    seen.append(page.plain)
    await _press(bot, page, "◀", ANN)
    assert page.plain == seen[1]
    assert len(bot.api.messages(ANN["id"])) == 1  # every turn edited the one message
    for plain in seen:
        assert plain.startswith("Article 3 <3> · 18 Jan 2024 · Wire")
        assert len(plain.encode("utf-16-le")) // 2 <= 4096
    # Pages end at paragraphs: each paragraph is whole on exactly one page.
    bodies = [plain.split("\n\n", 1)[1] for plain in seen[:3]]
    assert sorted(p for body in bodies for p in paragraphs(body)) == sorted(paragraphs(long_text()))


async def test_a_short_article_is_one_page_without_buttons(bot: Harness) -> None:
    page = await _reply(bot, BOHDAN, "/article id2")
    assert page.plain.startswith("Article 2 <2> · 19 січ. 2024 · Wire\n\nParagraph 1")
    assert "Paragraph 3 of article 2 <2> & more" in page.plain
    assert page.reply_markup is None


async def test_article_ids_unknown_ambiguous_short_and_prefixes(
    bot: Harness, catalog: FakeCatalog
) -> None:
    for new_id in ("3f2a9c41aa01", "3f2a9c41bb02"):
        catalog.items.append(dataclasses.replace(catalog.items[0], id=new_id, title=new_id))
        catalog.texts[new_id] = f"The text of {new_id}."
    usage = await _reply(bot, ANN, "/article")
    assert usage.plain == t("telegram.article_usage", "en")
    unknown = await _reply(bot, ANN, "/article <nothere>")
    assert unknown.plain.startswith("No article has the ID <nothere>.")
    short = await _reply(bot, ANN, "/article 3f2a9")  # a prefix under 6 characters
    assert short.plain.startswith("No article has the ID 3f2a9.")
    ambiguous = await _reply(bot, ANN, "/article 3f2a9c")
    assert ambiguous.plain.startswith("2 articles have an ID that starts with 3f2a9c.")
    huge = await _reply(bot, ANN, "/article " + "<x>" * 1300)
    assert huge.plain == t("telegram.article_unknown", "en", id="<x>" * 21 + "…")
    found = await _reply(bot, ANN, "/article 3F2A9C41B")
    assert found.plain.startswith("3f2a9c41bb02 · ") and "The text of 3f2a9c41bb02." in found.plain


async def test_a_removed_article_says_it_is_gone(bot: Harness, catalog: FakeCatalog) -> None:
    catalog.texts["id5"] = long_text()
    page = await _reply(bot, ANN, "/article id5")
    first = page.plain
    catalog.remove("id5")
    bot.press(page, buttons(page)[0][1], ANN)
    await bot.api.wait_for(lambda s: _alerts(bot) or None)
    assert _alerts(bot) == [t("telegram.article_gone", "en")]
    assert (page.edits, page.plain) == (0, first)
    again = await _reply(bot, ANN, "/article id5")
    assert again.plain.startswith("No article has the ID id5.")


async def test_an_answer_without_a_web_address_opens_its_article_in_the_chat(
    bot: Harness, catalog: FakeCatalog
) -> None:
    question = _answered_from(bot, "id2")
    answer = await _reply(bot, ANN, question)
    assert buttons(answer)[-3] == ("Open article", "o:id2")  # (then 👍 👎)
    assert "Read article" not in _labels(answer)
    bot.press(answer, "o:id2", ANN)
    [_, opened] = await bot.replies(ANN["id"], 2)
    assert opened.reply_to == answer.message_id
    assert opened.plain.startswith("Article 2 <2> · 19 Jan 2024 · Wire\n\nParagraph 1")
    assert answer.edits == 0  # the answer stays as it was
    catalog.remove("id2")
    bot.press(answer, "o:id2", ANN)
    await bot.api.wait_for(lambda s: _alerts(bot) or None)
    assert _alerts(bot) == [t("telegram.article_gone", "en")]
    assert len(bot.api.messages(ANN["id"])) == 2


async def test_latest_lists_the_newest_articles_in_pages(bot: Harness) -> None:
    page = await _reply(bot, ANN, "/latest")
    assert page.plain.startswith("Latest articles (page 1 of 4)\n\n1. Article 1 <1> · 20 Jan 2024")
    assert "\n/article id1\n2. Article 2 <2>" in page.plain
    assert "<code>/article id1</code>" in page.text
    assert '<a href="https://example.com/1">Article 1 &lt;1&gt;</a>' in page.text  # the link
    assert "6. Article 6" not in page.plain
    assert _labels(page) == ["▶"]
    await _press(bot, page, "▶", ANN)
    assert "page 2 of 4" in page.plain and "6. Article 6 <6> · 15 Jan 2024 · Wire" in page.plain
    assert _labels(page) == ["◀", "▶"]
    assert len(bot.api.messages(ANN["id"])) == 1


async def test_latest_about_a_topic_lists_the_newest_that_match(
    bot: Harness, catalog: FakeCatalog
) -> None:
    for article_id in ("id9", "id4", "id12"):
        catalog.texts[article_id] += "\n\nThe flood barrier was raised overnight."
    page = await _reply(bot, ANN, "/latest  Flood   barrier ")
    assert catalog.topic_calls == ["Flood barrier"]
    lines = page.plain.splitlines()
    assert lines[0] == "Latest about “Flood barrier” (page 1 of 1)"
    # newest first, whatever order the search found them in
    assert [line.split(" · ")[0] for line in lines if line[:1].isdigit()] == [
        "1. Article 4 <4>",
        "2. Article 9 <9>",
        "3. Article 12 <12>",
    ]
    assert page.reply_markup is None
    none = await _reply(bot, ANN, "/latest <b>volcano</b>")
    assert none.plain == "I found no articles about “<b>volcano</b>”."
    long = await _reply(bot, ANN, "/latest " + "x" * 201)
    assert long.plain == t("telegram.latest_topic_long", "en", limit=200)


async def test_latest_about_a_topic_pages_and_its_list_can_expire(bot: Harness) -> None:
    page = await _reply(bot, BOHDAN, "/latest council")  # in every article
    assert page.plain.startswith("Найновіше про «council» (сторінка 1 з 4)")
    (_, data), *_ = buttons(page)
    assert data.startswith("t:") and data.endswith(":1")
    await _press(bot, page, "▶", BOHDAN)
    assert "(сторінка 2 з 4)" in page.plain and "6. Article 6 <6>" in page.plain
    bot.press(page, "t:unknownKey:1", BOHDAN)
    await bot.api.wait_for(lambda s: _alerts(bot) or None)
    assert _alerts(bot) == [t("telegram.latest_expired", "uk")]


async def test_open_article_in_a_shared_inline_answer_shows_it_in_place(
    bot: Harness, catalog: FakeCatalog
) -> None:
    question = _answered_from(bot, "id4")
    catalog.texts["id4"] = long_text()
    query_id = bot.inline(ANN, question)
    [result] = (await bot.inline_answer(query_id))["results"]
    inline_id = bot.api.choose_inline_result(query_id, result["id"])
    [sent] = [m for m in bot.api.messages() if m.inline_message_id == inline_id]
    assert buttons(sent)[-3] == ("Open article", "o:id4")
    bot.press(sent, "o:id4", ANN)
    await bot.api.wait_for(lambda s: sent.edits == 1 or None)
    assert sent.plain.startswith("Article 4 <4> · 17 Jan 2024 · Wire\nPage 1 of 3")
    await _press(bot, sent, "▶", ANN)
    assert "Page 2 of 3" in sent.plain and sent.inline_message_id == inline_id
