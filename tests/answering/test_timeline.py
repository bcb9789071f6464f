"""Same-beat archives: the reports of a date first, a timeline of events, same-event differences."""

from __future__ import annotations

import datetime as dt

from answering.question import analyze_question
from answering.readers.extractive import Reading
from answering.recency import pin_to_dates
from answering.scoring import Features
from answering.timeline import Layout, arrange, newest_first
from index.chunking import chunk_article
from index.types import Article, Passage, Span

FEATURES = Features(dense=0.8, coverage=1, context=1, names=1, answer_type=1, retrieval=1)
TODAY = dt.date(2025, 8, 1)


def report(id_: str, date: dt.date | None, text: str, answer: str, score: float = 0.8) -> Reading:
    article = Article(id=id_, title=id_, text=text, date=date)
    chunk = chunk_article(article, max_chars=2000)[0]
    start = text.index(answer)
    return Reading(
        Passage(chunk, article, 1.0),
        chunk.sentences[0],
        Span(start, start + len(answer)),
        score,
        FEATURES,
    )


FEB = report(
    "feb", dt.date(2025, 2, 4), "Air defence shot down 37 of the 65 drones.", "37 of the 65"
)
MAY = report("may", dt.date(2025, 5, 25), "Air defence shot down 95 drones overnight.", "95")
MAY_TOO = report("may2", dt.date(2025, 5, 25), "Officials said 90 drones were shot down.", "90")
FLYBY = report(
    "flyby",
    dt.date(2023, 3, 17),
    "The jet made two fly-bys, one of which dumped fuel on the drone.",
    "two",
)


def test_an_undated_figure_question_gets_a_timeline_of_other_events() -> None:
    q = analyze_question("How many drones were shot down?", today=TODAY)
    layout, shown = arrange(q, FEB, [MAY])
    assert layout is Layout.TIMELINE
    assert shown == [FEB, MAY]


def test_reports_of_the_same_event_that_differ_are_sources_that_differ() -> None:
    q = analyze_question("How many drones were shot down?", today=TODAY)
    layout, shown = arrange(q, MAY, [MAY_TOO])
    assert layout is Layout.DISAGREE
    assert shown == [MAY, MAY_TOO]


def test_a_dated_question_gets_no_timeline() -> None:
    q = analyze_question("How many drones were shot down on 4 February 2025?", today=TODAY)
    layout, shown = arrange(q, FEB, [MAY])
    assert layout is Layout.SINGLE and shown == [FEB]


def test_a_timeline_entry_must_count_the_thing_asked_about() -> None:
    q = analyze_question("How many drones were shot down?", today=TODAY)
    layout, shown = arrange(q, FEB, [FLYBY])
    assert layout is Layout.SINGLE and shown == [FEB]  # "two fly-bys" counts no drones


def test_newest_first_keeps_undated_last() -> None:
    dates = [dt.date(2023, 1, 1), None, dt.date(2025, 1, 1)]
    assert newest_first(dates) == [2, 0, 1]


def test_the_reports_of_the_questions_dates_come_first() -> None:
    q = analyze_question("How many drones were shot down on 4 February 2025?", today=TODAY)
    assert pin_to_dates([MAY, FLYBY, FEB], q.dates) == [FEB, MAY, FLYBY]


def test_without_a_fitting_report_the_order_stands() -> None:
    q = analyze_question("How many drones were shot down on 4 March 2024?", today=TODAY)
    assert pin_to_dates([MAY, FEB], q.dates) == [MAY, FEB]
    assert pin_to_dates([MAY, FEB], None) == [MAY, FEB]


def test_a_relative_day_is_read_against_the_newest_report_when_none_fits_today() -> None:
    q = analyze_question("How many drones were shot down on Tuesday?", today=TODAY)
    # 4 Feb 2025 was a Tuesday; today (1 Aug 2025) the latest Tuesday is 29 July: no report.
    assert pin_to_dates([MAY, FEB], q.dates) == [MAY, FEB]  # May 25 is the newest: a Sunday
    newer_tuesday = report("tue", dt.date(2025, 5, 27), "Air defence shot down 12 drones.", "12")
    assert pin_to_dates([FEB, newer_tuesday], q.dates) == [newer_tuesday, FEB]
