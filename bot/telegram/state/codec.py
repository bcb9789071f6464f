"""JSON for the state kept outside the process: answers and the answers behind buttons.

``Answer.as_json`` is the public view (it leaves fields out); these codecs keep every field,
so a value read back equals the one written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from typing import Any

from answering.types import Answer, ArticleRef, Quote
from bot.telegram.state.callbacks import StoredAnswer


def _default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _quote(data: dict[str, Any]) -> Quote:
    return Quote(**{**data, "date": _date(data["date"])})


def _article_ref(data: dict[str, Any]) -> ArticleRef:
    return ArticleRef(**{**data, "date": _date(data["date"])})


def answer_from_dict(data: dict[str, Any]) -> Answer:
    """The ``Answer`` that ``dataclasses.asdict`` made ``data`` of (dates as ISO strings)."""
    return Answer(
        **{
            **data,
            "quotes": tuple(_quote(q) for q in data["quotes"]),
            "closest": tuple(_article_ref(r) for r in data["closest"]),
            "more": tuple(_quote(q) for q in data["more"]),
            "examples": tuple(data["examples"]),
        }
    )


def dump_answer(answer: Answer) -> str:
    """``answer`` as JSON, every field kept."""
    return json.dumps(dataclasses.asdict(answer), default=_default, ensure_ascii=False)


def load_answer(text: str) -> Answer:
    """The ``Answer`` that ``dump_answer`` wrote."""
    return answer_from_dict(json.loads(text))


def dump_stored(item: StoredAnswer) -> str:
    """An answer kept for its buttons, as JSON (``shown`` sorted, so equal sets dump equal)."""
    data = {
        "answer": dataclasses.asdict(item.answer),
        "lang": item.lang,
        "question": item.question,
        "shown": sorted(item.shown),
        "inline_views": item.inline_views,
    }
    return json.dumps(data, default=_default, ensure_ascii=False)


def load_stored(text: str) -> StoredAnswer:
    """The ``StoredAnswer`` that ``dump_stored`` wrote."""
    data = json.loads(text)
    return StoredAnswer(
        answer_from_dict(data["answer"]),
        data["lang"],
        data["question"],
        set(data["shown"]),
        list(data["inline_views"]),
    )
