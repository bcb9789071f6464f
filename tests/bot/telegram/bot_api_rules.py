"""What the real Bot API rejects, written independently of the bot's own HTML code.

``parse_html`` follows https://core.telegram.org/bots/api#html-style: the supported tags, proper
nesting, only ``&lt; &gt; &amp; &quot;`` and numeric entities, and no bare ``&`` or ``<``.
Lengths are counted on the parsed text in UTF-16 code units, as Telegram does.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

MAX_TEXT_UNITS = 4096
MAX_CALLBACK_DATA_BYTES = 64
MAX_INLINE_RESULTS = 50
MAX_CALLBACK_ANSWER_CHARS = 200

_TAGS = {
    "b",
    "strong",
    "i",
    "em",
    "u",
    "ins",
    "s",
    "strike",
    "del",
    "span",
    "tg-spoiler",
    "a",
    "code",
    "pre",
    "blockquote",
    "tg-emoji",
}
_NO_SELF_NESTING = {"a", "blockquote", "pre", "code"}
_TAG = re.compile(
    r"<(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)"
    r"(?P<attrs>(?:\s+[a-zA-Z-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s\"'>]+))?)*)\s*>"
)
_ATTR = re.compile(r"([a-zA-Z-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s\"'>]+)))?")
_ENTITY = re.compile(r"&(?:(lt|gt|amp|quot)|#([0-9]{1,8})|#[xX]([0-9a-fA-F]{1,7}));")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class BotApiError(Exception):
    """A request the Bot API answers with 400 ``Bad Request: <description>``."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = f"Bad Request: {description}"


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _entity_char(match: re.Match[str]) -> str:
    named, dec, hexa = match.groups()
    if named:
        return _NAMED[named]
    code = int(dec) if dec else int(hexa, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        raise BotApiError("can't parse entities: invalid numeric entity")
    return chr(code)


def _check_attrs(name: str, attrs: str) -> None:
    found = {
        m.group(1).lower(): next((g for g in m.groups()[1:] if g is not None), None)
        for m in _ATTR.finditer(attrs)
    }
    allowed: dict[str, set[str]] = {
        "a": {"href"},
        "span": {"class"},
        "blockquote": {"expandable"},
        "tg-emoji": {"emoji-id"},
        "code": {"class"},
    }
    unknown = set(found) - allowed.get(name, set())
    if unknown:
        raise BotApiError(f"can't parse entities: unsupported attribute {sorted(unknown)[0]!r}")
    if name == "a" and not found.get("href"):
        raise BotApiError("can't parse entities: <a> needs an href")
    if name == "span" and found.get("class") != "tg-spoiler":
        raise BotApiError("can't parse entities: unsupported span class")


def parse_html(text: str) -> str:
    """The visible text of Telegram HTML ``text``; raises ``BotApiError`` like Telegram."""
    out: list[str] = []
    stack: list[str] = []
    pos = 0
    while pos < len(text):
        char = text[pos]
        if char == "<":
            match = _TAG.match(text, pos)
            if match is None:
                raise BotApiError(f"can't parse entities: unexpected '<' at offset {pos}")
            name = match.group("name").lower()
            if match.group("close"):
                if not stack or stack[-1] != name:
                    raise BotApiError(f"can't parse entities: unmatched end tag {name!r}")
                stack.pop()
            else:
                if name not in _TAGS:
                    raise BotApiError(f"can't parse entities: unsupported start tag {name!r}")
                if name in _NO_SELF_NESTING and name in stack:
                    raise BotApiError(f"can't parse entities: nested {name!r}")
                _check_attrs(name, match.group("attrs"))
                stack.append(name)
            pos = match.end()
        elif char == "&":
            match = _ENTITY.match(text, pos)
            if match is None:
                raise BotApiError(f"can't parse entities: unexpected '&' at offset {pos}")
            out.append(_entity_char(match))
            pos = match.end()
        else:
            out.append(char)
            pos += 1
    if stack:
        raise BotApiError(f"can't parse entities: can't find end tag for {stack[-1]!r}")
    return "".join(out)


def check_text(text: object, parse_mode: object) -> str:
    """The visible text of a message; raises ``BotApiError`` when Telegram would refuse it."""
    if not isinstance(text, str):
        raise BotApiError("message text is empty")
    plain = parse_html(text) if str(parse_mode).upper() == "HTML" else text
    if not plain.strip():
        raise BotApiError("message text is empty")
    if utf16_units(plain) > MAX_TEXT_UNITS:
        raise BotApiError("message is too long")
    return plain


def check_reply_markup(markup: object) -> None:
    """Inline keyboards: every button has text and one action; callback data <= 64 bytes."""
    if markup is None:
        return
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        raise BotApiError("can't parse reply keyboard markup JSON object")
    for row in markup["inline_keyboard"]:
        for button in row:
            if not isinstance(button, dict) or not button.get("text"):
                raise BotApiError("BUTTON_TEXT_EMPTY")
            data = button.get("callback_data")
            actions = {
                "callback_data",
                "url",
                "switch_inline_query",
                "switch_inline_query_current_chat",
            }
            if len(actions & set(button)) != 1:
                raise BotApiError("BUTTON_TYPE_INVALID")
            if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
                raise BotApiError("BUTTON_DATA_INVALID")
            if "url" in button and not _valid_button_url(button["url"]):
                raise BotApiError("BUTTON_URL_INVALID")


def _valid_button_url(url: object) -> bool:
    """What Telegram takes as a button's link: http(s) with a host, or tg://."""
    if not isinstance(url, str) or not url or any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if parts.scheme == "tg":
        return True
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def check_inline_results(results: object) -> None:
    """At most 50 results with unique ids, each with valid message content and keyboard."""
    if not isinstance(results, list):
        raise BotApiError("can't parse inline query results JSON object")
    if len(results) > MAX_INLINE_RESULTS:
        raise BotApiError("RESULTS_TOO_MUCH")
    ids = [str(result.get("id", "")) for result in results]
    if len(set(ids)) != len(ids) or any(not 1 <= len(i.encode()) <= 64 for i in ids):
        raise BotApiError("RESULT_ID_INVALID")
    for result in results:
        content: dict[str, Any] = result.get("input_message_content") or {}
        check_text(content.get("message_text"), content.get("parse_mode"))
        check_reply_markup(result.get("reply_markup"))


def check_commands(commands: object) -> None:
    """setMyCommands: 1-32 chars of a-z, 0-9 and _, descriptions of 1-256 characters."""
    if not isinstance(commands, list) or len(commands) > 100:
        raise BotApiError("commands must be a list of at most 100 commands")
    for command in commands:
        if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
            raise BotApiError("BOT_COMMAND_INVALID")
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise BotApiError("BOT_COMMAND_DESCRIPTION_INVALID")


_SCOPES_WITH_CHAT = {"chat", "chat_administrators", "chat_member"}
_SCOPES = {"default", "all_private_chats", "all_group_chats", "all_chat_administrators"}


def check_command_scope(scope: object) -> None:
    """A BotCommandScope: a known type; the chat scopes name their chat (and chat_member a
    user)."""
    if scope is None:
        return
    kind = scope.get("type") if isinstance(scope, dict) else None
    if kind not in _SCOPES | _SCOPES_WITH_CHAT:
        raise BotApiError("can't parse BotCommandScope")
    assert isinstance(scope, dict)
    if kind in _SCOPES_WITH_CHAT and not isinstance(scope.get("chat_id"), int | str):
        raise BotApiError("chat_id is empty")
    if kind == "chat_member" and not isinstance(scope.get("user_id"), int):
        raise BotApiError("user_id is empty")


#: The rights an administrator's ChatMember carries (all required by the Bot API object).
ADMIN_RIGHTS = (
    "can_manage_chat",
    "can_delete_messages",
    "can_manage_video_chats",
    "can_restrict_members",
    "can_promote_members",
    "can_change_info",
    "can_invite_users",
    "can_post_stories",
    "can_edit_stories",
    "can_delete_stories",
)
