"""The Bot API methods of the loopback server, and the state they act on.

``BotApiMethods`` is mixed into ``FakeBotApi``, which calls ``_m_<method>`` with the decoded
parameters while holding its lock; a method raises ``BotApiError`` for a 400 answer.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from tests.bot.telegram import bot_api_rules as rules

_STRING_FIELDS = {
    "text",
    "parse_mode",
    "action",
    "inline_message_id",
    "callback_query_id",
    "inline_query_id",
    "language_code",
    "url",
    "secret_token",
    "next_offset",
    "description",
}


@dataclass
class ApiCall:
    """One request the server received and the HTTP status it answered."""

    method: str
    params: dict[str, Any]
    status: int = 200


@dataclass
class BotMessage:
    """A message the bot sent (or an inline message sent via the bot), as it is now."""

    chat_id: int | None
    message_id: int | None
    text: str
    plain: str
    reply_markup: dict[str, Any] | None = None
    reply_to: int | None = None
    inline_message_id: str | None = None
    edits: int = 0
    #: When the server took it (``time.monotonic``), for reply latencies.
    sent_at: float = field(default_factory=time.monotonic)


@dataclass
class Fault:
    kind: str
    remaining: int
    methods: frozenset[str]
    retry_after: int = 1
    status: int = 500
    chat_id: str | None = None  # only calls to this chat (None: any)


@dataclass
class State:
    updates: list[dict[str, Any]] = field(default_factory=list)
    calls: list[ApiCall] = field(default_factory=list)
    messages: list[BotMessage] = field(default_factory=list)
    chats: dict[int, dict[str, Any]] = field(default_factory=dict)
    callback_queries: dict[str, dict[str, Any] | None] = field(default_factory=dict)
    inline_answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: When each inline query was answered (``time.monotonic``).
    inline_answered_at: dict[str, float] = field(default_factory=dict)
    faults: list[Fault] = field(default_factory=list)
    acked: int = 0
    #: Members' status by (chat id, user id) for getChatMember ("member" when not set).
    member_status: dict[tuple[int, int], str] = field(default_factory=dict)


class BotApiMethods:
    """getMe, sendMessage, editMessageText, answerCallbackQuery, answerInlineQuery and more."""

    state: State
    bot_user: dict[str, Any]
    _ids: Iterator[int]

    def next_id(self) -> int:
        """A fresh positive number (for update, message, query and inline message ids)."""
        return next(self._ids)

    def _chat(self, chat_id: Any) -> dict[str, Any]:
        if chat_id is None:
            raise rules.BotApiError("chat_id is empty")
        chat_id = int(chat_id)
        return self.state.chats.get(chat_id) or {
            "id": chat_id,
            "type": "private" if chat_id > 0 else "supergroup",
        }

    def _m_getMe(self, params: dict[str, Any]) -> Any:
        return self.bot_user

    def _m_deleteWebhook(self, params: dict[str, Any]) -> Any:
        return True

    _m_setWebhook = _m_deleteWebhook

    def _m_setMyCommands(self, params: dict[str, Any]) -> Any:
        rules.check_commands(params.get("commands"))
        scope = params.get("scope")
        rules.check_command_scope(scope)
        # Telegram knows only the chats that have written to the bot
        if (
            isinstance(scope, dict)
            and "chat_id" in scope
            and scope["chat_id"] not in self.state.chats
        ):
            raise rules.BotApiError("chat not found")
        return True

    def _m_getChatMember(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id"))
        user_id = int(params.get("user_id") or 0)
        if user_id <= 0:
            raise rules.BotApiError("PARTICIPANT_ID_INVALID")
        status = self.state.member_status.get((chat["id"], user_id), "member")
        user = {"id": user_id, "is_bot": False, "first_name": f"User {user_id}"}
        member: dict[str, Any] = {"status": status, "user": user}
        if status == "administrator":
            member.update({"can_be_edited": False, "is_anonymous": False})
            member.update(dict.fromkeys(rules.ADMIN_RIGHTS, False))
        elif status == "creator":
            member["is_anonymous"] = False
        return member

    def _m_sendChatAction(self, params: dict[str, Any]) -> Any:
        self._chat(params.get("chat_id"))
        if params.get("action") not in {"typing", "upload_document", "upload_photo"}:
            raise rules.BotApiError("wrong type of chat action")
        return True

    def _m_sendMessage(self, params: dict[str, Any]) -> Any:
        chat = self._chat(params.get("chat_id"))
        plain = rules.check_text(params.get("text"), params.get("parse_mode"))
        rules.check_reply_markup(params.get("reply_markup"))
        reply = (params.get("reply_parameters") or {}).get("message_id")
        message = BotMessage(
            chat["id"],
            self.next_id(),
            params["text"],
            plain,
            params.get("reply_markup"),
            reply_to=reply,
        )
        self.state.messages.append(message)
        return self._message_json(message, chat)

    def _message_json(self, message: BotMessage, chat: dict[str, Any]) -> dict[str, Any]:
        payload: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": self.bot_user,
            "text": message.plain,
        }
        if message.reply_markup:
            payload["reply_markup"] = message.reply_markup
        return payload

    def _to_edit(self, params: dict[str, Any]) -> BotMessage:
        inline_id = params.get("inline_message_id")
        if inline_id:
            found = [m for m in self.state.messages if m.inline_message_id == inline_id]
        else:
            chat_id, message_id = int(params.get("chat_id", 0)), int(params.get("message_id", 0))
            found = [
                m
                for m in self.state.messages
                if m.chat_id == chat_id and m.message_id == message_id
            ]
        if not found:
            raise rules.BotApiError("message to edit not found")
        return found[0]

    def _edited(self, message: BotMessage, params: dict[str, Any]) -> Any:
        message.edits += 1
        if params.get("inline_message_id"):
            return True
        return self._message_json(message, self._chat(message.chat_id))

    def _m_editMessageText(self, params: dict[str, Any]) -> Any:
        message = self._to_edit(params)
        plain = rules.check_text(params.get("text"), params.get("parse_mode"))
        rules.check_reply_markup(params.get("reply_markup"))
        if message.text == params["text"] and message.reply_markup == params.get("reply_markup"):
            raise rules.BotApiError("message is not modified")
        message.text, message.plain = params["text"], plain
        message.reply_markup = params.get("reply_markup")
        return self._edited(message, params)

    def _m_editMessageReplyMarkup(self, params: dict[str, Any]) -> Any:
        message = self._to_edit(params)
        markup = params.get("reply_markup") or None
        rules.check_reply_markup(markup)
        if message.reply_markup == markup:
            raise rules.BotApiError("message is not modified")
        message.reply_markup = markup
        return self._edited(message, params)

    def _m_answerCallbackQuery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self.state.callback_queries or self.state.callback_queries[query_id]:
            raise rules.BotApiError(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(params.get("text") or "")) > rules.MAX_CALLBACK_ANSWER_CHARS:
            raise rules.BotApiError("MESSAGE_TOO_LONG")
        self.state.callback_queries[query_id] = params
        return True

    def _m_answerInlineQuery(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("inline_query_id"))
        if query_id in self.state.inline_answers:
            raise rules.BotApiError(
                "query is too old and response timeout expired or query ID is invalid"
            )
        rules.check_inline_results(params.get("results"))
        self.state.inline_answers[query_id] = params
        self.state.inline_answered_at[query_id] = time.monotonic()
        return True


def decode_params(body: bytes, content_type: str) -> dict[str, Any]:
    """Request parameters: python-telegram-bot posts form fields with JSON-encoded values."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        loaded: dict[str, Any] = json.loads(body)
        return loaded
    params: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        if key in _STRING_FIELDS:
            params[key] = value
            continue
        try:
            params[key] = json.loads(value)
        except ValueError:
            params[key] = value
    return params
