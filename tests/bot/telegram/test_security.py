"""The security must-shows, end to end through the real Application and the loopback Bot API.

- The token and the webhook secret reach no user and no log record, at DEBUG, from any logger.
- HTML in articles (titles, sources, quotes, URLs) and in users' names is shown as text: what
  the Bot API receives parses, shows those strings literally, and carries only the bot's tags.
- A user's question is logged at DEBUG only, whatever happens to it.

(Admins by numeric ID: ``test_e2e_admin.py``; refused URLs: ``tests/index/web``.)
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from bot.answering.types import Answer, ArticleRef, Quote
from bot.console import run_console
from bot.i18n import t
from bot.redact import REDACTED
from bot.telegram import build_application
from index.errors import FetchError
from index.store.memory import MemoryStore
from index.types import ArticleInfo
from tests.bot.answering.conftest import answerer_over
from tests.bot.telegram.fake_bot_api import BotMessage, FakeBotApi, State
from tests.bot.telegram.fakes import ANN, BOHDAN, CAROL, TOKEN, FakeAnswerer, FakeCatalog
from tests.bot.telegram.harness import (
    Harness,
    buttons,
    group_chat,
    make_settings,
    private_chat,
    running_bot,
)
from tests.bot.telegram.test_run import _free_port, running_in_thread

SECRET = "webhook-Secret_value-4242"
#: A word no code, template or library message contains: where it shows up, the question did.
MARKER = "Quorvexian"


# --- log capture ----------------------------------------------------------------------------------


def debug_everywhere(caplog: pytest.LogCaptureFixture) -> None:
    """Capture DEBUG records from every logger, also those a CLI test quietened before
    (``configure_logging`` sets httpx, httpcore, ... to WARNING); restored after the test."""
    caplog.set_level(logging.DEBUG)
    named = {"telegram", "telegram.ext", "httpx", "httpcore", "apscheduler", "tornado", "bot"}
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET:
            named.add(name)
    for name in sorted(named):
        caplog.set_level(logging.DEBUG, logger=name)


def record_texts(record: logging.LogRecord) -> Iterator[str]:
    """What a handler writes of ``record``: message, traceback (``exc_text``, which formatting
    caches and the redaction fills), stack."""
    yield record.getMessage()
    yield record.exc_text or ""
    yield record.stack_info or ""


def records_with(caplog: pytest.LogCaptureFixture, *needles: str) -> list[logging.LogRecord]:
    return [
        record
        for record in caplog.records
        if any(needle in text for text in record_texts(record) for needle in needles)
    ]


# --- the token and the webhook secret -------------------------------------------------------------


def _everything_sent(api: FakeBotApi) -> str:
    """Every parameter of every request the bot made, as one text."""
    return "\n".join(json.dumps(call.params, ensure_ascii=False) for call in api.calls())


async def test_the_token_is_never_sent_to_users(
    api: FakeBotApi, answerer: FakeAnswerer, catalog: FakeCatalog
) -> None:
    """Not in /start, /help, /about, /sources, nor in the error replies after a Bot API failure,
    an exception that mentions it, or a failing inline query."""
    answerer.answers["boom?"] = RuntimeError(f"request to /bot{TOKEN}/sendMessage failed")
    answerer.answers["fetch?"] = FetchError(f"https://api.telegram.org/bot{TOKEN}/getMe: 401")
    answerer.answers["inline boom?"] = RuntimeError(f"token {TOKEN}")
    chat = private_chat(ANN)
    async with running_bot(api, make_settings(api), answerer, catalog) as bot:
        sent = 0
        for text in ("/start", "/help", "/about", "/sources", "/nonsense", "boom?", "fetch?"):
            bot.send(chat, ANN, text)
            sent += 1
            await bot.replies(ANN["id"], sent)
        api.fail(2)  # the answer and the one retry fail: the user is told about an error
        bot.send(chat, ANN, "How many drones were intercepted?")
        await bot.api.wait_for(lambda s: len(s.messages) > sent)
        answer = await bot.inline_answer(bot.inline(ANN, "inline boom?"))
    texts = [m.plain for m in api.messages(ANN["id"])]
    internal = t("error.internal", "en")
    assert texts[5:] == [internal, t("error.fetch", "en"), internal]  # the error paths ran
    assert answer["button"]["text"] == internal
    everything = _everything_sent(api)
    assert "/help" in everything and "@NewsTestBot" in everything  # the capture is not empty
    for form in (TOKEN, quote(TOKEN, safe=""), TOKEN.split(":", 1)[1]):
        assert form not in everything


def test_no_secret_reaches_any_logger_at_debug(
    api: FakeBotApi, answerer: FakeAnswerer, caplog: pytest.LogCaptureFixture
) -> None:
    """A whole webhook run with every logger at DEBUG (python-telegram-bot, httpx, httpcore,
    tornado included): start-up, a good and a forged update, a failing request, an exception
    that mentions both secrets (logged with its traceback), and shutdown."""
    debug_everywhere(caplog)
    port = _free_port()
    settings = make_settings(
        api,
        mode="webhook",
        webhook_url=f"http://127.0.0.1:{port}/hook",
        webhook_port=port,
        webhook_secret=SECRET,
    )
    answerer.answers["boom?"] = RuntimeError(f"bad call: token={TOKEN} secret={SECRET}")
    app = build_application(settings, answerer, FakeCatalog(2))

    def update(text: str) -> dict[str, Any]:
        message = {
            "message_id": api.next_id(),
            "date": int(time.time()),
            "text": text,
            "chat": private_chat(ANN),
            "from": ANN,
        }
        return {"update_id": api.next_id(), "message": message}

    def post(text: str, secret: str) -> int:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret}
        url = f"http://127.0.0.1:{port}/hook"
        deadline = time.monotonic() + 5
        while True:
            try:
                return httpx.post(url, json=update(text), headers=headers, timeout=5).status_code
            except httpx.ConnectError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def replies(count: int) -> list[BotMessage]:
        return api.wait_sync(lambda s: s.messages[:count] if len(s.messages) >= count else None)

    with running_in_thread(app, settings) as errors:
        api.wait_sync(lambda s: [c for c in s.calls if c.method == "setWebhook"])
        assert post("How many drones were intercepted?", SECRET) == 200
        replies(1)
        assert post("forged", "not-the-secret") == 403
        api.fail(2)
        assert post("And how many missiles?", SECRET) == 200
        replies(2)
        assert post("boom?", SECRET) == 200
        replies(3)
    assert errors == []
    assert [m.plain for m in api.messages()][1:] == [t("error.internal", "en")] * 2

    # The capture saw what would have leaked, redacted:
    assert records_with(caplog, f"{REDACTED}/getMe")  # the request URL (httpx)
    assert [r for r in records_with(caplog, "setWebhook") if REDACTED in r.getMessage()]
    assert records_with(caplog, f"token={REDACTED} secret={REDACTED}")  # the traceback
    assert {r.name.split(".")[0] for r in caplog.records} >= {"telegram", "httpx", "httpcore"}
    forms = {TOKEN, quote(TOKEN, safe=""), SECRET}
    assert records_with(caplog, *forms) == []
    assert not any(form in caplog.text for form in forms)


# --- HTML from articles ---------------------------------------------------------------------------

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
            (_, more), (_, full) = buttons(reply)
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
    assert f"1. {HOSTILE_TITLE} · 2024-05-02 · {HOSTILE_SOURCE}" in sources.plain
    assert f"2. {HOSTILE_TEXT}" in sources.plain
    assert f"• {HOSTILE_TITLE} · 2024-05-02 · {HOSTILE_SOURCE}" in declined.plain
    for message in (greeting, sources, declined):
        assert set(skeleton(message.text)) <= {"<b>", "</b>", "<i>", "</i>", "<a>", "</a>"}
        assert all(link == HOSTILE_URL for link in links(message.text))
    assert links(sources.text) == links(declined.text) == [HOSTILE_URL]


# --- a user's question is logged at DEBUG only ----------------------------------------------------


def assert_logged_at_debug_only(caplog: pytest.LogCaptureFixture) -> None:
    found = records_with(caplog, MARKER)
    above = [
        (r.name, r.levelname, r.getMessage()[:200]) for r in found if r.levelno > logging.DEBUG
    ]
    assert above == []
    assert found  # the capture works: the questions are there, at DEBUG


async def test_a_users_question_is_logged_at_debug_only(
    api: FakeBotApi, answerer: FakeAnswerer, caplog: pytest.LogCaptureFixture
) -> None:
    """A question answered in a private chat, asked with /ask and by mention in a group, inline,
    too long, making the answerer fail, and rate limited."""
    debug_everywhere(caplog)
    failing = f"What did {MARKER} say about the budget?"
    answerer.answers[failing] = RuntimeError("the model fell over")
    settings = make_settings(api, user_rate_limit=2, max_question_chars=100)
    group = group_chat(-100_555)
    bohdan = {**BOHDAN, "language_code": "en"}  # (the replies below are in English)
    async with running_bot(api, settings, answerer, FakeCatalog(3)) as bot:
        bot.send(private_chat(ANN), ANN, f"How many drones did {MARKER} count?")
        await bot.replies(ANN["id"], 1)
        answer = await bot.inline_answer(bot.inline(ANN, f"Where is {MARKER}?"))
        assert answer["results"]
        asked = [
            (bohdan, f"/ask {failing}"),
            (bohdan, f"/ask Why did {MARKER} " + "really " * 20 + "leave?"),
            (CAROL, f"@NewsTestBot When did {MARKER} arrive?"),
            (CAROL, f"/ask Who is {MARKER}?"),
            (CAROL, f"/ask Who is {MARKER} now?"),  # the third in the window: refused
        ]
        for count, (user, text) in enumerate(asked, start=1):
            bot.send(group, user, text)
            await bot.replies(group["id"], count)
    texts = [m.plain for m in api.messages(group["id"])]
    assert texts[0] == t("error.internal", "en")
    assert texts[1] == t("error.question_too_long", "en", limit=100)
    assert texts[4].startswith("You are asking too fast")
    assert sum(MARKER in call for call in answerer.calls) == 5  # ANN x2, BOHDAN, CAROL x2
    assert_logged_at_debug_only(caplog)


def test_a_question_in_the_console_is_logged_at_debug_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The console chat (``newsbot ask`` answers through the same ``reply``) over the real
    pipeline: an answered, a declined, a too long and a failing question."""
    debug_everywhere(caplog)
    article = (
        f" date 2024-05-01\n title Drones over {MARKER}\n source Wire\n\n"
        f"Air defence forces over {MARKER} shot down 42 of 45 drones overnight, the army said.\n"
    )
    pipeline = answerer_over(tmp_path, article)
    questions = [
        f"How many drones were shot down over {MARKER}?",
        f"What is the budget of {MARKER} in 2030?",
        f"Why {MARKER} " + "really " * 200,
        f"boom {MARKER}",
    ]

    def read(prompt: str) -> str:
        if not questions:
            raise EOFError
        return questions.pop(0)

    class Failing:
        """The pipeline, failing on "boom" (a bug, logged with its traceback)."""

        def answer(self, question: str) -> Answer:
            if question.startswith("boom"):
                raise RuntimeError("the model fell over")
            return pipeline.answer(question)

        def warm(self) -> None:
            pipeline.warm()

    written: list[str] = []
    store = MemoryStore("fake", 8)
    assert run_console(Failing(), store, read=read, write=written.append) == 0
    assert any("42 of 45" in text for text in written)
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)
    assert_logged_at_debug_only(caplog)
