"""Running the real Application against the loopback Bot API, and talking to it as users do.

``running_bot`` builds the Application with ``build_application`` (``base_url`` pointing at the
loopback server) and runs it with polling as ``run_polling`` would, in the test's event loop.
The ``Harness`` feeds updates and waits, with a bound, for their effects.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, NamedTuple, TypedDict, Unpack

from pydantic import SecretStr
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import TypeHandler

from answering.types import Answerer
from bot.chat_prefs import ChatChoices
from bot.config.settings import Settings
from bot.config.telegram import TelegramSettings
from bot.feedback import FeedbackStore
from bot.follows import Follows
from bot.library.base import Library
from bot.telegram import context as ctx
from bot.telegram.app import build_application
from bot.telegram.context import CustomContext, NewsBotApplication, SourceCatalog, TopicSearch
from bot.telegram.journal import UpdateJournal
from tests.bot.telegram.fake_bot_api import BotMessage, FakeBotApi
from tests.bot.telegram.fakes import ANN, TOKEN, FakeAnswerer, FakeCatalog


def private_chat(user: dict[str, Any]) -> dict[str, Any]:
    return {"id": user["id"], "type": "private", "first_name": user["first_name"]}


def group_chat(chat_id: int) -> dict[str, Any]:
    return {"id": chat_id, "type": "supergroup", "title": "News fans"}


def make_settings(api: FakeBotApi, token: str = TOKEN, **telegram: Any) -> Settings:
    values: dict[str, Any] = {
        "token": SecretStr(token),
        "base_url": api.base_url,
        "connect_timeout_s": 2.0,
        "read_timeout_s": 1.0,
        "answer_workers": 2,
        **telegram,
    }
    return Settings(_env_file=None, telegram=TelegramSettings(**values))  # type: ignore[call-arg]


class Sent(NamedTuple):
    update_id: int
    message_id: int


class Inline(NamedTuple):
    query_id: str
    update_id: int


class Harness:
    """The running bot, its loopback Bot API and helpers to talk to it as users do."""

    def __init__(self, app: NewsBotApplication, api: FakeBotApi, answerer: FakeAnswerer) -> None:
        self.app, self.api, self.answerer = app, api, answerer
        self._done: dict[int, asyncio.Event] = {}

    async def mark_processed(self, update: Update, context: CustomContext) -> None:
        self._done.setdefault(update.update_id, asyncio.Event()).set()

    async def processed(self, update_id: int, timeout: float = 5.0) -> None:
        """Wait until every handler group has run for ``update_id``."""
        event = self._done.setdefault(update_id, asyncio.Event())
        await asyncio.wait_for(event.wait(), timeout)

    def send(
        self,
        chat: dict[str, Any],
        user: dict[str, Any],
        text: str | None = None,
        reply_to: BotMessage | None = None,
        **extra: Any,
    ) -> Sent:
        """A user's message; commands and @mentions get their entities (UTF-16 offsets)."""
        message_id = self.api.next_id()
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            **extra,
        }
        if text is not None:
            message["text"] = text
            message["entities"] = _entities(text)
        if reply_to is not None:
            message["reply_to_message"] = self.bot_message_json(reply_to)
        return Sent(self.api.push_update({"message": message}), message_id)

    def bot_message_json(self, message: BotMessage) -> dict[str, Any]:
        chat = self.api.snapshot(lambda s: s.chats.get(message.chat_id or 0))
        return {
            "message_id": message.message_id,
            "date": int(time.time()),
            "text": message.plain,
            "chat": chat or private_chat(ANN),
            "from": self.api.bot_user,
        }

    def press(self, message: BotMessage, data: str, user: dict[str, Any]) -> int:
        """Tap the inline button with ``data`` under ``message``; returns the update id."""
        query: dict[str, Any] = {
            "id": str(self.api.next_id()),
            "from": user,
            "chat_instance": "42",
            "data": data,
        }
        if message.inline_message_id:
            query["inline_message_id"] = message.inline_message_id
        else:
            query["message"] = self.bot_message_json(message)
        return self.api.push_update({"callback_query": query})

    def inline(self, user: dict[str, Any], text: str) -> str:
        """``user`` typing ``@bot text``; returns the inline query id."""
        return self.inline_query(user, text).query_id

    def inline_query(self, user: dict[str, Any], text: str) -> Inline:
        """``user`` typing ``@bot text``; returns the query id and the update id."""
        query_id = str(self.api.next_id())
        update_id = self.api.push_update(
            {"inline_query": {"id": query_id, "from": user, "query": text, "offset": ""}}
        )
        return Inline(query_id, update_id)

    async def inline_answer(self, query_id: str, timeout: float = 5.0) -> dict[str, Any]:
        """Wait for the bot's answer to the inline query ``query_id``; its parameters."""
        return await self.api.wait_for(lambda s: s.inline_answers.get(query_id), timeout)

    async def until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """Wait (bounded) until ``predicate()`` about the bot's own state holds."""
        async with asyncio.timeout(timeout):
            while not predicate():
                await asyncio.sleep(0.01)

    async def say(
        self, user: dict[str, Any], text: str, count: int = 1, timeout: float = 5.0
    ) -> list[BotMessage]:
        """``user`` says ``text`` in their private chat; every message there, once ``count`` are."""
        self.send(private_chat(user), user, text)
        return await self.replies(user["id"], count, timeout)

    async def replies(self, chat_id: int, count: int = 1, timeout: float = 5.0) -> list[BotMessage]:
        """Wait for at least ``count`` messages in ``chat_id``; all of them."""

        def found(state: Any) -> list[BotMessage] | None:
            messages = [m for m in state.messages if m.chat_id == chat_id]
            return messages if len(messages) >= count else None

        return await self.api.wait_for(found, timeout)


def _entities(text: str) -> list[dict[str, Any]]:
    entities = []
    words = text.split(" ")
    offset = 0
    for index, word in enumerate(words):
        units = len(word.encode("utf-16-le")) // 2
        if index == 0 and word.startswith("/"):
            entities.append({"type": "bot_command", "offset": offset, "length": units})
        elif word.startswith("@") and len(word) > 1:
            entities.append({"type": "mention", "offset": offset, "length": units})
        offset += units + 1
    return entities


def buttons(message: BotMessage) -> list[tuple[str, str]]:
    """(text, callback_data or link) of every button under ``message``."""
    rows = (message.reply_markup or {}).get("inline_keyboard", [])
    return [(b["text"], b.get("callback_data") or b.get("url", "")) for row in rows for b in row]


class BotParts(TypedDict, total=False):
    """What ``build_application`` may take besides the settings, answerer, catalog and library."""

    journal: UpdateJournal | None
    feedback: FeedbackStore | None
    chat_prefs: ChatChoices | None
    topics: TopicSearch | None
    follows: Follows | None


@contextlib.asynccontextmanager
async def running_bot(
    api: FakeBotApi,
    settings: Settings,
    answerer: FakeAnswerer | Answerer,
    catalog: FakeCatalog | SourceCatalog,
    library: Library | None = None,
    **parts: Unpack[BotParts],
) -> AsyncIterator[Harness]:
    """Build the Application and run it like ``run_polling`` does, inside this event loop
    (with a real answerer and ``library`` too: ``harness.answerer`` is then that answerer).
    ``topics`` defaults to a fake ``catalog`` (which finds articles by their words)."""
    if parts.get("topics") is None and isinstance(catalog, FakeCatalog):
        parts["topics"] = catalog
    app = build_application(settings, answerer, catalog, library, **parts)
    harness = Harness(app, api, answerer)  # type: ignore[arg-type]
    app.add_handler(TypeHandler(Update, harness.mark_processed), group=100)
    updater = app.updater
    assert updater is not None
    async with app:
        assert app.post_init is not None
        await app.post_init(app)
        await app.bot_data[ctx.WARMING]  # (the tests start from a warm bot)

        def polling_error(exc: TelegramError) -> None:  # as run_polling does
            app.create_task(app.process_error(None, exc))

        await updater.start_polling(poll_interval=0, timeout=1, error_callback=polling_error)
        await app.start()
        try:
            yield harness
        finally:
            if isinstance(answerer, FakeAnswerer):
                answerer.release_all()
            await updater.stop()
            await app.stop()
            if app.post_stop is not None:
                await app.post_stop(app)
    assert app.post_shutdown is not None
    await app.post_shutdown(app)
