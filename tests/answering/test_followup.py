"""Resolving follow-up questions (pure)."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from answering.followup import Turn, follow_up, is_follow_up, resolve


@pytest.mark.parametrize(
    ("previous", "current", "expected"),
    [
        (
            "how many drones were intercepted?",
            "and how many were launched?",
            "how many drones were launched?",
        ),
        (
            "How many houses were damaged in the Sumy region?",
            "what about Cherkasy?",
            "How many houses were damaged in the Cherkasy region?",
        ),
        ("Who is the governor of Cherkasy?", "and of Kharkiv?", "Who is the governor of Kharkiv?"),
        (
            "Скільки будинків пошкоджено на Сумщині?",
            "а на Черкащині?",
            "Скільки будинків пошкоджено на Черкащині?",
        ),
    ],
)
def test_resolve(previous: str, current: str, expected: str) -> None:
    assert resolve(previous, current) == expected


def test_a_new_wh_question_carries_the_previous_subject() -> None:
    resolved = resolve("how many drones were intercepted?", "and where?")
    assert resolved.startswith("where") and "drones" in resolved


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("and how many were launched?", True),
        ("What about Kyiv?", True),
        ("а де?", True),
        ("How many drones were launched?", False),
        ("Andrew said what?", False),
        ("and", False),
    ],
)
def test_is_follow_up(text: str, expected: bool) -> None:
    assert is_follow_up(text) is expected


def test_follow_up_expires() -> None:
    turn = Turn("how many drones were intercepted?", at=100.0)
    assert follow_up(turn, "and how many were launched?", now=150.0, ttl_s=60) == (
        "how many drones were launched?"
    )
    assert follow_up(turn, "and how many were launched?", now=161.0, ttl_s=60) == (
        "and how many were launched?"
    )
    assert follow_up(None, "and how many?", now=0.0, ttl_s=60) == "and how many?"
    assert follow_up(turn, "Who is Zelenskyy?", now=101.0, ttl_s=60) == "Who is Zelenskyy?"


def test_a_follow_up_keeps_the_previous_answers_date_unless_it_names_its_own() -> None:
    turn = Turn("how many drones were intercepted?", at=0.0, date=dt.date(2025, 7, 10))
    ask = functools.partial(follow_up, turn, now=1.0, ttl_s=60)
    assert ask("and how many were launched?") == "how many drones were launched (10 July 2025)?"
    assert ask("and how many on 9 July 2025?") == "how many on 9 July 2025 (drones intercepted)?"
    assert ask("what about Cherkasy?") == "what about Cherkasy?".replace(
        "what about Cherkasy?", resolve(turn.question, "what about Cherkasy?")
    )
    assert "July" not in ask("what about missiles?")  # another subject: no date carried over
    pinned = Turn(ask("and how many were launched?"), at=0.0, date=turn.date)
    assert follow_up(pinned, "and how many were shot down?", now=1.0, ttl_s=60) == (
        "how many drones were shot down (10 July 2025)?"
    )
    # a reply leans on the answer replied to, with or without "and"
    assert follow_up(turn, "how many were launched?", now=1.0, ttl_s=60, replied=True) == (
        "how many drones were launched (10 July 2025)?"
    )
    assert follow_up(turn, "how many were launched?", now=1.0, ttl_s=60) == (
        "how many were launched?"
    )
    # a reply that asks a question of its own is left as it is
    for own in ("Who is the mayor of Odesa?", "What did Zelensky say about sanctions?"):
        assert follow_up(turn, own, now=1.0, ttl_s=60, replied=True) == own
