"""Resolving follow-up questions (pure)."""

from __future__ import annotations

import datetime as dt
import functools

import pytest

from answering.followup import Turn, follow_up, is_follow_up, resolve
from bot.telegram.handlers.questions import forget_stale_turns


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


def test_stale_turns_are_forgotten() -> None:
    chats: dict[int, dict[object, object]] = {
        1: {"previous_question": Turn("q", at=0.0), "other": 1},
        2: {"previous_question": Turn("q", at=95.0)},
    }
    assert forget_stale_turns(chats, now=100.0, ttl_s=10.0) == 1
    assert chats[1] == {"other": 1} and "previous_question" in chats[2]
    day = 24 * 3600.0
    answered: dict[object, object] = {1: Turn("q", at=0.0), 2: Turn("q", at=day)}
    chats = {3: {"answered_messages": answered}}
    forget_stale_turns(chats, now=day + 10.0, ttl_s=10.0)
    assert list(answered) == [2]  # an answer's question is kept while its buttons work
    forget_stale_turns(chats, now=3 * day, ttl_s=10.0)
    assert chats[3] == {}
