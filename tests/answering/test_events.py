""" "How many were killed" is not answered by the injured; intercepted ~ shot down ~ destroyed."""

from __future__ import annotations

import pytest

from answering.events import event_agrees
from answering.question import analyze_question


@pytest.mark.parametrize(
    ("question", "evidence", "agrees"),
    [
        ("How many people were killed in Izyum?", "20 people were injured in Izyum.", False),
        ("How many people were killed in Izyum?", "Three people died and 20 were hurt.", True),
        ("How many drones were intercepted?", "Air defence destroyed 37 of the 65 drones.", True),
        ("How many drones were shot down?", "37 of the 65 drones were intercepted.", True),
        ("How many drones did Russia launch?", "Air defence destroyed 37 drones.", False),
        ("How many drones did Russia launch?", "Russia launched 65 drones overnight.", True),
        ("How many houses were damaged?", "Eight houses were damaged.", True),
        ("How many were killed in the fire?", "Five were injured in the fire.", False),
        ("How many drones did Russia launch?", "30 drones were neutralized.", False),
        # casualties are never implied: the evidence must name them
        ("How many people were killed?", "Seven people were trapped under the rubble.", False),
        ("How many houses are in the village?", "Eight houses were damaged.", True),  # none asked
    ],
)
def test_the_happening_counted_must_agree(question: str, evidence: str, agrees: bool) -> None:
    assert event_agrees(analyze_question(question), evidence) is agrees
