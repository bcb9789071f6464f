"""The loopback Bot API refuses what Telegram refuses, seen through python-telegram-bot's Bot."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from telegram import (
    Bot,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InlineQueryResultArticle,
    InputTextMessageContent,
)
from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter, TimedOut
from telegram.request import HTTPXRequest

from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import TOKEN

CHAT = 1001


@pytest_asyncio.fixture
async def tg(api: FakeBotApi) -> AsyncIterator[Bot]:
    request = HTTPXRequest(read_timeout=0.5, connect_timeout=1)
    async with Bot(TOKEN, base_url=api.base_url, request=request) as bot:
        yield bot


async def test_get_me_and_a_valid_message(tg: Bot, api: FakeBotApi) -> None:
    assert tg.username == "NewsTestBot"
    message = await tg.send_message(CHAT, "<b>hi</b> &amp; bye", parse_mode="HTML")
    assert message.text == "hi & bye"
    [stored] = api.messages(CHAT)
    assert (stored.text, stored.plain) == ("<b>hi</b> &amp; bye", "hi & bye")


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("x" * 4097, "message is too long"),
        ("🚀" * 2049, "message is too long"),
        ("<b>open", "can't parse entities"),
        ("fish & chips", "can't parse entities"),
        ("<div>x</div>", "can't parse entities"),
        ("<b> </b>", "message text is empty"),
    ],
)
async def test_bad_messages_are_refused(tg: Bot, api: FakeBotApi, text: str, error: str) -> None:
    with pytest.raises(BadRequest, match=f"(?i){error}"):
        await tg.send_message(CHAT, text, parse_mode="HTML")
    assert api.messages() == []
    assert api.calls("sendMessage")[0].status == 400


async def test_long_callback_data_is_refused(tg: Bot) -> None:
    button = InlineKeyboardButton("x", callback_data="d" * 65)
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await tg.send_message(CHAT, "hi", reply_markup=InlineKeyboardMarkup([[button]]))


async def test_more_than_50_inline_results_are_refused(tg: Bot) -> None:
    results = [
        InlineQueryResultArticle(str(i), "t", InputTextMessageContent("text")) for i in range(51)
    ]
    with pytest.raises(BadRequest, match=r"(?i)results_too_much"):
        await tg.answer_inline_query("q1", results)
    await tg.answer_inline_query("q2", results[:50])


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's RetryAfter
async def test_floods_failures_timeouts_and_wrong_tokens(tg: Bot, api: FakeBotApi) -> None:
    api.flood(1, retry_after=3)
    with pytest.raises(RetryAfter) as flood:
        await tg.send_message(CHAT, "hi")
    assert flood.value.retry_after == 3
    api.fail(1, status=503)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await tg.send_message(CHAT, "hi")
    api.hang(1)
    with pytest.raises(TimedOut):
        await tg.send_message(CHAT, "hi")
    await tg.send_message(CHAT, "hi")
    assert [call.status for call in api.calls("sendMessage")] == [429, 503, 0, 200]
    with pytest.raises(InvalidToken):
        await Bot("1:wrong", base_url=api.base_url).get_me()


@pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")  # PTB's RetryAfter
async def test_flood_control_limits_sends_per_second_in_all_and_per_chat(
    tg: Bot, api: FakeBotApi
) -> None:
    api.flood_control(per_second=4, per_chat_per_second=2)
    await tg.send_message(CHAT, "one")
    await tg.send_message(CHAT, "two")
    with pytest.raises(RetryAfter) as flood:
        await tg.send_message(CHAT, "three, too fast in this chat")
    assert flood.value.retry_after == 1
    await tg.send_message(CHAT + 1, "another chat")
    await tg.send_message(CHAT + 2, "and another")
    with pytest.raises(RetryAfter):
        await tg.send_message(CHAT + 3, "five, too fast in all")
    await tg.get_me()  # not a send: never limited
    assert [c.status for c in api.calls("sendMessage")] == [200, 200, 429, 200, 200, 429]
