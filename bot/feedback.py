"""Users' 👍 / 👎 votes on answers, kept in a SQLite file in the data directory.

One vote per user and answer (the answer's button key): voting again replaces the vote, so a
tap repeated or a burst of taps leaves one row. Each row keeps what the answer was (the
question as asked, the short answer, its quotes as JSON and the language), so the votes can be
turned into a question set after the answer itself is gone (see ``bot.feedback_export``).

The class locks its connection, so the event loop can call it from worker threads; every
write is one transaction.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from answering.types import Quote
from index.sqlite_file import SqliteFile

logger = logging.getLogger(__name__)

#: The votes' file in the data directory.
FEEDBACK_FILE = "feedback.sqlite3"
UP = 1
DOWN = -1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS votes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    answer_key TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    quotes TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    lang TEXT NOT NULL,
    voted_at TEXT NOT NULL,
    UNIQUE (user_id, answer_key)
)
"""


def feedback_path(data_dir: Path) -> Path:
    """Where the votes of the bot with data directory ``data_dir`` are kept."""
    return data_dir / FEEDBACK_FILE


class Recorded(enum.Enum):
    """What a vote did: a first vote, a changed one, or the same vote again (nothing)."""

    NEW = "new"
    CHANGED = "changed"
    KEPT = "kept"


@dataclass(frozen=True, slots=True)
class Ballot:
    """One user's vote on one answer, with what the answer was."""

    user_id: int
    answer_key: str
    question: str
    answer: str
    quotes: tuple[Quote, ...]
    vote: int  # UP or DOWN
    lang: str


@dataclass(frozen=True, slots=True)
class StoredVote:
    """A vote as stored: quotes as plain dicts (article_id, title, date, text, start, end)."""

    user_id: int
    answer_key: str
    question: str
    answer: str
    quotes: tuple[dict[str, Any], ...]
    vote: int
    lang: str
    voted_at: dt.datetime


@dataclass(frozen=True, slots=True)
class VoteCounts:
    """Users' current votes: 👍, 👎, and the answers voted on."""

    up: int
    down: int
    answers: int


QUOTE_KEPT = ("article_id", "title", "date", "text", "start", "end")


def quote_json(quote: Quote) -> dict[str, Any]:
    """What a vote keeps of a quote (of ``Quote.as_json``: where it is, not who wrote it)."""
    return {key: value for key, value in quote.as_json().items() if key in QUOTE_KEPT}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class FeedbackStore:
    """The votes, in ``feedback_path(data_dir)``."""

    def __init__(self, path: Path, *, clock: Callable[[], dt.datetime] = _now) -> None:
        self.path = path
        self._clock = clock
        self._db = SqliteFile(path, _SCHEMA, what="feedback")

    def close(self) -> None:
        self._db.close()

    def vote(self, ballot: Ballot) -> Recorded:
        """Record ``ballot``, replacing the user's earlier vote on the same answer."""
        if ballot.vote not in (UP, DOWN):
            raise ValueError(f"a vote is {UP} or {DOWN}, not {ballot.vote}")
        quotes = json.dumps([quote_json(q) for q in ballot.quotes], ensure_ascii=False)
        with self._db.transaction() as conn:
            row = conn.execute(
                "SELECT vote FROM votes WHERE user_id = ? AND answer_key = ?",
                (ballot.user_id, ballot.answer_key),
            ).fetchone()
            if row is not None and row[0] == ballot.vote:
                return Recorded.KEPT
            conn.execute(
                "INSERT INTO votes (user_id, answer_key, question, answer, quotes, vote, lang,"
                " voted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
                " ON CONFLICT (user_id, answer_key) DO UPDATE SET"
                " vote = excluded.vote, voted_at = excluded.voted_at",
                (
                    ballot.user_id,
                    ballot.answer_key,
                    ballot.question,
                    ballot.answer,
                    quotes,
                    ballot.vote,
                    ballot.lang,
                    self._clock().isoformat(),
                ),
            )
        return Recorded.NEW if row is None else Recorded.CHANGED

    def counts(self) -> VoteCounts:
        """How many 👍 and 👎 users gave now, and on how many answers."""
        [(up, down, answers)] = self._db.read(
            "SELECT COALESCE(SUM(vote = 1), 0), COALESCE(SUM(vote = -1), 0),"
            " COUNT(DISTINCT answer_key) FROM votes"
        )
        return VoteCounts(int(up), int(down), int(answers))

    def votes(self) -> list[StoredVote]:
        """Every vote, oldest first."""
        rows = self._db.read(
            "SELECT user_id, answer_key, question, answer, quotes, vote, lang, voted_at"
            " FROM votes ORDER BY voted_at, id"
        )
        return [
            StoredVote(
                user_id,
                key,
                question,
                answer,
                tuple(json.loads(quotes)),
                vote,
                lang,
                dt.datetime.fromisoformat(voted_at),
            )
            for user_id, key, question, answer, quotes, vote, lang, voted_at in rows
        ]
