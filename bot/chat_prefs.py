"""Each chat's choices from /settings: the interface language and the answer length, kept in a
SQLite file in the data directory (``ChatPrefsStore``) or, shared by several workers, in Redis
(``bot/chat_prefs_redis.py``), both behind ``ChatChoices``.

Every chat's row is read once, when the store opens, and kept in memory: handlers ask for a
chat's choices on every message, and a row is a few bytes. A change is written in one
transaction before memory changes, so the event loop may call ``choose`` from a worker
thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal, Protocol, get_args

from index.sqlite_file import SqliteFile

#: The choices' file in the data directory.
PREFS_FILE = "chats.sqlite3"

Length = Literal["full", "short"]
#: "auto" follows each user's Telegram language (and the question's script).
LANG_CHOICES = ("auto", "en", "uk", "ru")
LENGTHS: tuple[Length, ...] = get_args(Length)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chats (
    chat_id INTEGER PRIMARY KEY,
    lang TEXT NOT NULL,
    length TEXT NOT NULL,
    updated_at TEXT NOT NULL
)
"""


def prefs_path(data_dir: Path) -> Path:
    """Where the chats' choices of the bot with data directory ``data_dir`` are kept."""
    return data_dir / PREFS_FILE


@dataclass(frozen=True, slots=True)
class ChatPrefs:
    """A chat's choices: ``lang`` is "auto" or a language code; ``length`` "full" (the answer,
    its quotes and the buttons) or "short" (the answer and one quote)."""

    lang: str = "auto"
    length: Length = "full"

    def __post_init__(self) -> None:
        if self.lang not in LANG_CHOICES:
            raise ValueError(f"unknown interface language {self.lang!r}")
        if self.length not in LENGTHS:
            raise ValueError(f"unknown answer length {self.length!r}")

    @property
    def fixed_lang(self) -> str | None:
        """The language chosen for the chat, or None to follow each user's."""
        return None if self.lang == "auto" else self.lang


DEFAULT_PREFS = ChatPrefs()


class ChatChoices(Protocol):
    """The chats' choices, as the bot reads and changes them."""

    def get(self, chat_id: int) -> ChatPrefs:
        """The chat's choices (the defaults for a chat that made none); from memory, so the
        event loop may call it."""
        ...

    def choose(
        self, chat_id: int, *, lang: str | None = None, length: str | None = None
    ) -> ChatPrefs:
        """Change the chat's language and/or answer length; returns its choices now. Raises
        ``ValueError`` for a value that is not a choice. Blocking: call it off the event loop."""
        ...

    def __len__(self) -> int:
        """How many chats made a choice."""
        ...

    def close(self) -> None: ...


class ChatPrefsStore:
    """The chats' choices, in ``prefs_path(data_dir)``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db = SqliteFile(path, _SCHEMA, what="chat settings")
        rows = self._db.read("SELECT chat_id, lang, length FROM chats")
        self._prefs = {int(chat): stored_prefs(lang, length) for chat, lang, length in rows}

    def get(self, chat_id: int) -> ChatPrefs:
        """The chat's choices (the defaults for a chat that made none)."""
        return self._prefs.get(chat_id, DEFAULT_PREFS)

    def choose(
        self, chat_id: int, *, lang: str | None = None, length: str | None = None
    ) -> ChatPrefs:
        """Change the chat's language and/or answer length; returns its choices now.
        Raises ``ValueError`` for a value that is not a choice."""
        with self._db.transaction() as conn:
            current = self.get(chat_id)
            chosen = replace(
                current,
                lang=current.lang if lang is None else lang,
                length=current.length if length is None else as_length(length),
            )
            conn.execute(
                "INSERT INTO chats (chat_id, lang, length, updated_at) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (chat_id) DO UPDATE SET lang = excluded.lang,"
                " length = excluded.length, updated_at = excluded.updated_at",
                (chat_id, chosen.lang, chosen.length, dt.datetime.now(dt.UTC).isoformat()),
            )
            self._prefs[chat_id] = chosen
            return chosen

    def __len__(self) -> int:
        return len(self._prefs)

    def close(self) -> None:
        self._db.close()


def as_length(value: str) -> Length:
    """``value`` as an answer length; ``ValueError`` when it is none."""
    for length in LENGTHS:
        if value == length:
            return length
    raise ValueError(f"unknown answer length {value!r}")


def stored_prefs(lang: str, length: str) -> ChatPrefs:
    """A stored row's choices; a value no longer offered falls back to its default."""
    return ChatPrefs(
        lang if lang in LANG_CHOICES else DEFAULT_PREFS.lang,
        as_length(length) if length in LENGTHS else DEFAULT_PREFS.length,
    )
