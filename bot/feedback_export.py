"""Users' votes as a question set in the JSON Lines format ``newsbot eval`` reads.

Votes are grouped by question (compared case-folded, spaces collapsed, trailing ``?!.``
dropped) and answer: one line per (question, answer), with the question as last asked and
the counts of users' current votes. The net count decides:

- more 👍 than 👎: the answer is an expected answer, ``{"q", "answers": [answer], "lang",
  "article_id", "date", "title", ...}``, its first quote's article as the gold article;
- otherwise (more 👎, or a tie): a question to review, ``{"q", "answers": [], "review": true,
  "rejected": [answer], ...}``. Nobody knows its right answer yet, so ``newsbot eval`` leaves
  it out until a person fills in ``answers`` (or keeps them empty for "must decline") and
  drops ``review``.

Every line also has ``"votes": {"up": n, "down": m}`` and the first quote's text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.feedback import StoredVote
from index.store.faiss_cache import atomic_write

_SPACES = re.compile(r"\s+")
_TRAILING = re.compile(r"[\s?!.…]+$")


@dataclass(slots=True)
class _Tally:
    latest: StoredVote
    up: int = 0
    down: int = 0


@dataclass(frozen=True, slots=True)
class Exported:
    """What an export wrote: lines with an expected answer, and lines to review."""

    expected: int
    review: int


def question_key(question: str) -> str:
    """Questions that differ only in case, spacing or trailing ``?!.`` are one question."""
    return _TRAILING.sub("", _SPACES.sub(" ", question).strip().casefold())


def _tallies(votes: Iterable[StoredVote]) -> list[_Tally]:
    tallies: dict[tuple[str, str], _Tally] = {}
    for vote in sorted(votes, key=lambda v: v.voted_at):
        key = (question_key(vote.question), vote.answer)
        tally = tallies.setdefault(key, _Tally(vote))
        tally.latest = vote
        tally.up += int(vote.vote > 0)
        tally.down += int(vote.vote < 0)
    return sorted(tallies.values(), key=lambda t: t.latest.voted_at)


def _line(tally: _Tally) -> dict[str, Any]:
    latest = tally.latest
    line: dict[str, Any] = {"q": latest.question}
    if tally.up > tally.down:
        line["answers"] = [latest.answer]
    else:
        line.update({"answers": [], "review": True, "rejected": [latest.answer]})
    line["lang"] = latest.lang
    if latest.quotes:
        first = latest.quotes[0]
        line.update(
            {
                "article_id": first.get("article_id"),
                "date": first.get("date"),
                "title": first.get("title"),
                "quote": first.get("text"),
            }
        )
    line["votes"] = {"up": tally.up, "down": tally.down}
    return line


def eval_lines(votes: Sequence[StoredVote]) -> list[dict[str, Any]]:
    """One question-set line per (question, answer), oldest last vote first."""
    return [_line(tally) for tally in _tallies(votes)]


def export_votes(votes: Sequence[StoredVote], path: Path) -> Exported:
    """Write ``votes`` as a question set to ``path``, atomically (readers never see a part)."""
    lines = eval_lines(votes)
    text = "".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(path, text.encode("utf-8"))
    review = sum(1 for line in lines if line.get("review"))
    return Exported(expected=len(lines) - review, review=review)
