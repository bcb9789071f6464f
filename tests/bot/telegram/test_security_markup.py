"""Security must-show: HTML in articles and in users' names is shown as text.

End to end through the real Application and the loopback Bot API: article titles, sources, quotes
and URLs, and users' names, in chat replies and their views (buttons),
inline results, /sources, declines and greetings: what the Bot API receives parses, shows those
strings literally, and carries only the bot's tags.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest

from answering.types import Answer, ArticleRef, Quote
from index.types import ArticleInfo
from tests.bot.telegram.fake_bot_api import BotMessage, FakeBotApi, State
from tests.bot.telegram.fakes import ANN, FakeAnswerer, FakeCatalog
from tests.bot.telegram.harness import Harness, buttons, make_settings, private_chat, running_bot

HOSTILE_TITLE = '<b>Bold</b> <a href="tg://user?id=1">me</a> </code> &lt;x&gt; &amp'
HOSTILE_SOURCE = "</blockquote><i>Wire</i> & <pre>"
HOSTILE_TEXT = 'Drones <a href="tg://resolve?domain=evil">hit</a> </u></b> &lt;3 & <br/>.'
HOSTILE_URL = 'https://example.com/a?x="><b>y</b>&z=1'
HOSTILE_ANSWER = "<tg-spoiler>42</tg-spoiler> & <code>"
HOSTILE_NAME = '<a href="tg://user?id=1">Ann</a> &amp;'
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")


def hostile_quote(n: int, url: str | None, *, hostile: bool = True) -> Quote:
    text = HOSTILE_TEXT if hostile else f"Drones hit {n}."
    paragraph = f"Before </u><i> it. {text} After & <b>."
    start = paragraph.index(text)
    return Quote(
        article_id=f"art{n}",
        title=HOSTILE_TITLE if hostile else f"Title {n}",
        date=dt.date(2024, 5, n),
        source=HOSTILE_SOURCE if hostile else f"Source {n}",
        url=url,
        text=text,
        start=start,
        end=start + len(text),
        score=0.9,
        paragraph=paragraph,
        paragraph_start=0,
        paragraph_end=len(paragraph),
        answer=HOSTILE_ANSWER if hostile else "42",
    )


def hostile_answer(question: str, *, hostile: bool = True, disagree: bool = False) -> Answer:
    """Quotes with a web URL (a link), a tg:// and a javascript: URL (never links)."""
    urls = (
        [HOSTILE_URL, "tg://user?id=1", "javascript:alert(1)"]
        if hostile
        else ["https://example.com/1", None, None]
    )
    quotes = tuple(hostile_quote(n, url, hostile=hostile) for n, url in enumerate(urls, 1))
    return Answer(
        question,
        HOSTILE_ANSWER if hostile else "42",
        quotes[:2],
        0.8,
        "en",
        more=quotes[2:] + quotes[:1],
        disagree=disagree,
    )


def skeleton(text: str) -> list[str]:
    """The tags of Telegram HTML ``text``, without their attributes: its entities."""
    return [f"<{close}{name}>" for close, name, _ in _TAG.findall(text)]


def links(text: str) -> list[str]:
    """The targets of the links in Telegram HTML ``text``."""
    return [
        html.unescape(m.group(1))
        for tag in _TAG.finditer(text)
        if (m := re.search(r'href="([^"]*)"', tag.group(3)))
    ]


def assert_shown_as_text(message: BotMessage, benign: BotMessage, *shown: str) -> None:
    """``message`` (accepted by the Bot API, so it parsed) shows ``shown`` literally and has
    exactly the entities of the same reply built from harmless strings."""
    for text in shown:
        assert text in message.plain
    assert skeleton(message.text) == skeleton(benign.text)
    assert all(link == HOSTILE_URL for link in links(message.text))


@pytest.mark.parametrize("disagree", [False, True])
async def test_html_in_articles_is_shown_as_text_in_chat_replies_and_their_views(
    api: FakeBotApi, answerer: FakeAnswerer, disagree: bool
) -> None:
    answerer.answers["hostile?"] = hostile_answer("hostile?", disagree=disagree)
    answerer.answers["benign?"] = hostile_answer("benign?", hostile=False, disagree=disagree)
    chat = private_chat(ANN)
    async with running_bot(api, make_settings(api), answerer, FakeCatalog()) as bot:
        views: dict[str, list[BotMessage]] = {}
        for question in ("hostile?", "benign?"):
            before = len(api.messages(ANN["id"]))
            bot.send(chat, ANN, question)
            [reply] = (await bot.replies(ANN["id"], before + 1))[before:]
            (_, more), (_, full), _read, _up, _down = buttons(reply)
            bot.press(reply, more, ANN)
            more_reply = (await bot.replies(ANN["id"], before + 2))[before + 1]
            bot.press(reply, full, ANN)
            full_reply = (await bot.replies(ANN["id"], before + 3))[before + 2]
            views[question] = [reply, more_reply, full_reply]
    assert [c.status for c in api.calls("sendMessage")] == [200] * 6  # every message parsed
    (reply, more_reply, full_reply), (benign, benign_more, benign_full) = views.values()
    if disagree:
        assert_shown_as_text(reply, benign, HOSTILE_ANSWER, HOSTILE_SOURCE, HOSTILE_TEXT)
    else:
        assert_shown_as_text(reply, benign, HOSTILE_ANSWER, HOSTILE_TITLE, HOSTILE_SOURCE)
        assert links(reply.text) == [HOSTILE_URL]
    assert HOSTILE_TEXT in reply.plain
    assert_shown_as_text(more_reply, benign_more, HOSTILE_TITLE, HOSTILE_SOURCE, HOSTILE_TEXT)
    assert_shown_as_text(full_reply, benign_full, HOSTILE_TITLE, "Before </u><i> it.")
    assert "After & <b>." in full_reply.plain
    assert f"<u>{html.escape(HOSTILE_TEXT)}</u>" in full_reply.text


async def test_html_in_articles_is_shown_as_text_in_inline_results(
    bot: Harness, answerer: FakeAnswerer
) -> None:
    answerer.answers["hostile?"] = hostile_answer("hostile?")
    answerer.answers["benign?"] = hostile_answer("benign?", hostile=False)
    cards: list[tuple[dict[str, Any], BotMessage, BotMessage]] = []
    for question in ("hostile?", "benign?"):
        query_id = bot.inline(ANN, question)
        [result] = (await bot.inline_answer(query_id))["results"]
        inline_id = bot.api.choose_inline_result(query_id, result["id"])
        [sent] = [m for m in bot.api.messages() if m.inline_message_id == inline_id]
        bot.press(sent, buttons(sent)[1][1], ANN)  # "Full passage" edits the inline message

        def edited_card(state: State, inline_id: str = inline_id) -> list[BotMessage]:
            return [m for m in state.messages if m.inline_message_id == inline_id and m.edits]

        [edited] = await bot.api.wait_for(edited_card)
        cards.append((result, sent, edited))
    (result, sent, edited), (_, benign_sent, benign_edited) = cards
    assert result["title"] == HOSTILE_ANSWER  # plain-text fields: shown as typed
    assert result["description"] == HOSTILE_TEXT
    assert_shown_as_text(sent, benign_sent, HOSTILE_ANSWER, HOSTILE_TITLE, HOSTILE_TEXT)
    assert_shown_as_text(edited, benign_edited, HOSTILE_TITLE, HOSTILE_TEXT, "After & <b>.")


async def test_html_in_titles_names_and_declines_is_shown_as_text(
    api: FakeBotApi, answerer: FakeAnswerer
) -> None:
    """/sources with hostile article metadata, a declined answer naming such an article, and a
    user whose first name is markup."""
    added = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
    catalog = FakeCatalog()
    catalog.items = [
        ArticleInfo(
            "a1", HOSTILE_TITLE, dt.date(2024, 5, 2), HOSTILE_SOURCE, HOSTILE_URL, "x", 1, added
        ),
        ArticleInfo("a2", HOSTILE_TEXT, None, None, "tg://user?id=1", "y", 1, added),
    ]
    ref = ArticleRef("a1", HOSTILE_TITLE, dt.date(2024, 5, 2), HOSTILE_SOURCE, HOSTILE_URL)
    answerer.answers["budget?"] = Answer("budget?", None, lang="en", closest=(ref,))
    user = {**ANN, "first_name": HOSTILE_NAME}
    async with running_bot(api, make_settings(api), answerer, catalog) as bot:
        for count, text in enumerate(("/start", "/sources", "budget?"), start=1):
            bot.send(private_chat(user), user, text)
            await bot.replies(ANN["id"], count)
    greeting, sources, declined = api.messages(ANN["id"])
    assert HOSTILE_NAME in greeting.plain and links(greeting.text) == []
    assert f"1. {HOSTILE_TITLE} · 2 May 2024 · {HOSTILE_SOURCE}" in sources.plain
    assert f"2. {HOSTILE_TEXT}" in sources.plain
    assert f"• {HOSTILE_TITLE} · 2 May 2024 · {HOSTILE_SOURCE}" in declined.plain
    for message in (greeting, sources, declined):
        assert set(skeleton(message.text)) <= {"<b>", "</b>", "<i>", "</i>", "<a>", "</a>"}
        assert all(link == HOSTILE_URL for link in links(message.text))
    assert links(sources.text) == links(declined.text) == [HOSTILE_URL]
