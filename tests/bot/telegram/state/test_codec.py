"""The JSON the state keeps outside the process gives back equal values."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from answering.types import Answer, ArticleRef
from bot.telegram.state.callbacks import StoredAnswer
from bot.telegram.state.codec import dump_answer, dump_stored, load_answer, load_stored
from tests.bot.telegram.fakes import declined_answer, make_answer, make_quote

RICH = replace(
    make_answer("Скільки дронів?"),
    quotes=(replace(make_quote(), answer="42", author="Olena", paragraph="P", score=0.1 / 3),),
    closest=(ArticleRef("art9", "Budget", dt.date(2024, 4, 2), None, "https://e.com", "Ann"),),
    timings={"search": 12.345678, "read": 0.1},
    latency_ms=17.2,
    notice="english_only",
    disagree=True,
    timeline=True,
    excerpt_only=True,
    examples=("Why?", "When?"),
)


@pytest.mark.parametrize(
    "answer",
    [RICH, declined_answer("budget?"), Answer("hi", None, small_talk="greeting")],
    ids=["rich", "declined", "small-talk"],
)
def test_an_answer_comes_back_equal(answer: Answer) -> None:
    assert load_answer(dump_answer(answer)) == answer


def test_a_stored_answer_comes_back_equal_with_what_it_has_shown() -> None:
    item = StoredAnswer(RICH, "uk", "скільки дронів", {"m", "e1"}, ["<b>1</b>", "<b>2</b>"])
    assert load_stored(dump_stored(item)) == item
