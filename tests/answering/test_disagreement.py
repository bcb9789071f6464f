"""Sources that disagree are shown side by side, with dates, newest first."""

from __future__ import annotations

from pathlib import Path

from answering.disagreement import normalize_answer
from bot.plain_text import render_answer
from bot.telegram.render.answers import answer_html
from tests.answering.conftest import answerer_over
from tests.bot.telegram import bot_api_rules

EARLY = """ date 2025-03-01
 title Drone attack on Kyiv
 source Early Wire

Air defences shot down 20 drones over Kyiv overnight, the air force said.
"""
LATE = """ date 2025-03-02
 title Drone attack on Kyiv, updated
 source Late Wire

Air defences shot down 25 drones over Kyiv overnight, the air force said.
"""
AGREE = """ date 2025-03-03
 title Drone attack on Kyiv, again
 source Third Wire

Air defences shot down twenty drones over Kyiv overnight, the air force said.
"""


def test_different_numbers_on_different_days_are_a_timeline_newest_first(
    tmp_path: Path,
) -> None:
    """Reports a day apart are different nights' events, not sources that differ."""
    answer = answerer_over(tmp_path, EARLY, LATE).answer(
        "How many drones were shot down over Kyiv?"
    )
    assert answer.timeline and not answer.disagree
    assert [q.source for q in answer.quotes] == ["Late Wire", "Early Wire"]
    assert [q.answer for q in answer.quotes] == ["25 drones", "20 drones"]
    text = render_answer(answer)
    assert "Reports by date, newest first:" in text
    assert text.index("25 drones — 2025-03-02") < text.index("20 drones — 2025-03-01")
    html = answer_html(answer, "en")
    bot_api_rules.check_text(html, "HTML")  # valid for Telegram
    assert "<b>25 drones</b> — 2 Mar 2025 · Late Wire" in html


def test_sources_that_agree_are_not_a_disagreement(tmp_path: Path) -> None:
    answer = answerer_over(tmp_path, EARLY, AGREE).answer(
        "How many drones were shot down over Kyiv?"
    )
    assert not answer.disagree
    assert answer.answer is not None and "20" in normalize_answer(answer.answer)


def test_number_words_compare_as_digits() -> None:
    assert normalize_answer("eight houses") == "8 houses"
    assert normalize_answer("Twenty drones") == "20 drones"
    assert normalize_answer("twenty-five of the sixty drones") == "25 of 60 drones"
    assert normalize_answer("twenty five drones") == "25 drones"
    assert normalize_answer("3,000 firms") == "3000 firms"
