"""The dates a question pins its event to."""

from __future__ import annotations

import datetime as dt

import pytest

from answering.time_cues import date_cue

TODAY = dt.date(2025, 2, 6)  # a Thursday


@pytest.mark.parametrize(
    ("question", "first", "last"),
    [
        ("How many drones were shot down on 18 June 2025?", dt.date(2025, 6, 18), None),
        ("What happened on June 18, 2025?", dt.date(2025, 6, 18), None),
        (
            "How many drones did Russia launch in June 2025?",
            dt.date(2025, 6, 1),
            dt.date(2025, 6, 30),
        ),
        ("What did the August 2025 strike hit?", dt.date(2025, 8, 1), dt.date(2025, 8, 31)),
        ("Who was killed in 2023?", dt.date(2023, 1, 1), dt.date(2023, 12, 31)),
        ("What did Biden announce in mid-June 2022?", dt.date(2022, 6, 8), dt.date(2022, 6, 23)),
        ("How many died in late July 2022?", dt.date(2022, 7, 18), dt.date(2022, 7, 31)),
        ("What was hit on Tuesday?", dt.date(2025, 2, 4), None),
        ("What was hit last night?", dt.date(2025, 2, 5), None),
        ("What was hit today?", TODAY, None),
        ("What was hit last Thursday?", dt.date(2025, 1, 30), None),  # not today, a Thursday
        ("What was hit on Thursday?", TODAY, None),
        ("How many were killed since January 2025?", dt.date(2025, 1, 1), TODAY),
        ("How many were killed since 2023?", dt.date(2023, 1, 1), TODAY),
    ],
)
def test_dates_are_read(question: str, first: dt.date, last: dt.date | None) -> None:
    cue = date_cue(question, TODAY)
    assert cue is not None
    assert (cue.first, cue.last) == (first, last or first)


def test_a_question_without_a_date_has_no_cue() -> None:
    assert date_cue("How many drones were intercepted?", TODAY) is None
    assert date_cue("How much did the 12-mile bridge cost?", TODAY) is None


def test_a_weekday_beside_a_date_only_repeats_it_and_its_words_are_the_cue() -> None:
    cue = date_cue("How many drones were intercepted over Moscow on Sunday, 30 July 2023?", TODAY)
    assert cue is not None
    assert cue.first == cue.last == dt.date(2023, 7, 30)
    assert {"sunday", "30", "july", "2023"} <= cue.words


def test_a_report_may_be_dated_a_day_or_two_after_its_event() -> None:
    cue = date_cue("What happened on 4 February 2025?", TODAY)
    assert cue is not None
    assert cue.fits(dt.date(2025, 2, 4)) and cue.fits(dt.date(2025, 2, 6))
    assert not cue.fits(dt.date(2025, 2, 3)) and not cue.fits(dt.date(2025, 2, 7))
    assert not cue.fits(None)
