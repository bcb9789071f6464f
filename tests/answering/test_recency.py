"""Recent news first when the question asks for it; every quote keeps its date."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import cast

import pytest

from answering.readers.extractive import Reading
from answering.recency import Recency, freshness, prefer_recent, recency_of
from tests.answering.conftest import answerer_over
from tests.answering.fakes import FakeSpanReader
from tests.answering.test_timeline import FEB, MAY

FIRST = """ date 2025-03-01
 title Drone attack on Kyiv
 source Early Wire

Air defences shot down 20 drones over Kyiv overnight, the air force said on Saturday.
"""
SECOND = """ date 2025-03-02
 title Drone attack on Kyiv: new figures
 source Late Wire

Air defences shot down 25 drones over Kyiv overnight, the air force said on Sunday.
"""
QUESTION = "How many drones were shot down over Kyiv"


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What is the latest death toll?", Recency.LATEST),
        ("How many people are missing now?", Recency.LATEST),
        ("What happened today in Kyiv?", Recency.TODAY),
        ("How many drones were shot down last night?", Recency.YESTERDAY),
        ("Who won yesterday?", Recency.YESTERDAY),
        ("How many drones were intercepted?", Recency.NONE),
        ("Who knows the answer?", Recency.NONE),  # "now" inside "knows" is not a cue
    ],
)
def test_the_questions_time_cue_is_read(question: str, expected: Recency) -> None:
    assert recency_of(question) is expected


def test_freshness_halves_with_age_and_favours_the_day_asked_for() -> None:
    newest, today = dt.date(2025, 3, 10), dt.date(2025, 3, 10)
    assert freshness(newest, newest, Recency.LATEST, today) == 1.0
    older = freshness(dt.date(2025, 3, 7), newest, Recency.LATEST, today)
    assert older == pytest.approx(0.5)
    assert freshness(None, newest, Recency.LATEST, today) == 0.0
    yesterday = dt.date(2025, 3, 9)
    assert freshness(yesterday, newest, Recency.YESTERDAY, today) == 1.0
    assert freshness(newest, newest, Recency.YESTERDAY, today) < 1.0


@pytest.mark.parametrize("order", [(FIRST, SECOND), (SECOND, FIRST)])
def test_latest_answers_from_the_newest_article(tmp_path: Path, order: tuple[str, str]) -> None:
    answerer = answerer_over(tmp_path, *order, today=lambda: dt.date(2025, 3, 2))
    answer = answerer.answer(f"{QUESTION} in the latest figures?")
    assert answer.answer is not None and "25" in answer.answer
    assert answer.quotes[0].source == "Late Wire"
    assert all(q.date is not None for q in answer.quotes)  # every quote shows its date


@pytest.mark.parametrize(
    ("today", "figure", "source"),
    [(dt.date(2025, 3, 2), "20", "Early Wire"), (dt.date(2025, 3, 3), "25", "Late Wire")],
)
def test_yesterday_answers_from_the_article_of_that_day(
    tmp_path: Path, today: dt.date, figure: str, source: str
) -> None:
    answerer = answerer_over(tmp_path, SECOND, FIRST, today=lambda: today)
    answer = answerer.answer(f"{QUESTION} yesterday?")
    assert answer.answer is not None and figure in answer.answer
    assert answer.quotes[0].source == source


def _reading(score: float, day: int) -> Reading:
    article = SimpleNamespace(date=dt.date(2025, 3, day))
    return cast(Reading, SimpleNamespace(score=score, article=article))


def test_only_readings_that_would_be_answered_move_ahead() -> None:
    old, new = _reading(0.40, 1), _reading(0.36, 5)
    today = dt.date(2025, 3, 5)
    assert prefer_recent([old, new], Recency.LATEST, today=today) == [new, old]
    declined = prefer_recent([old, new], Recency.LATEST, today=today, answers=lambda r: False)
    assert declined == [old, new]  # the newer one would be declined: the answer stays
    assert prefer_recent([old, new], Recency.NONE, today=today) == [old, new]
    far = _reading(0.2, 5)  # outside the margin: never promoted
    assert prefer_recent([old, far], Recency.TODAY, today=today) == [old, far]


WORDS = SECOND.replace("25 drones", "twenty-five drones").replace(": new figures", "")


def test_a_time_cue_never_turns_an_answer_into_a_decline(tmp_path: Path) -> None:
    """The span reader reads after the time cue has moved the newer report ahead; when the
    span reader's no-answer bound then declines it, the older report's answer stands."""
    from answering.decline import DeclinePolicy
    from answering.pipeline import AnswerPolicy

    # The fake span reader finds digits only: "twenty-five" reads as no answer (0.9).
    policy = AnswerPolicy(decline=DeclinePolicy(max_no_answer=0.5))
    today = lambda: dt.date(2025, 3, 2)  # noqa: E731
    plain = answerer_over(tmp_path, FIRST, WORDS, today=today, policy=policy)
    assert "twenty-five" in (plain.answer(f"{QUESTION} now?").answer or "")  # moved ahead
    answerer = answerer_over(
        tmp_path, FIRST, WORDS, today=today, policy=policy, span_reader=FakeSpanReader()
    )
    answer = answerer.answer(f"{QUESTION} now?")
    assert answer.answer is not None and "20" in answer.answer
    assert "Early Wire" in {q.source for q in answer.quotes}


def test_latest_means_the_newest_report_that_answers_not_the_best_scoring() -> None:
    older_but_stronger = replace_score(FEB, 0.9)
    newer = replace_score(MAY, 0.82)
    ranked = prefer_recent([older_but_stronger, newer], Recency.LATEST, today=dt.date(2025, 8, 1))
    assert ranked[0] is newer


def replace_score(reading: Reading, score: float) -> Reading:
    return replace(reading, score=score)
