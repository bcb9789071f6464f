"""A tiny SQuAD file (three paragraphs of two articles, in version 1.1 or 2.0) for the tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

NORMANS = "The Normans were the people who gave their name to Normandy, a region in France."
OXYGEN = "Oxygen is a chemical element with symbol O and atomic number 8."
STEAM = "A steam engine is a heat engine that performs mechanical work using steam."


def squad_json(version: str) -> dict[str, Any]:
    v2 = version == "v2.0"
    impossible = {"is_impossible": False} if v2 else {}
    data: list[dict[str, Any]] = [
        {
            "title": "Normans",
            "paragraphs": [
                {
                    "context": NORMANS,
                    "qas": [
                        {
                            "id": "q1",
                            "question": "  In what country is Normandy located? ",
                            "answers": [
                                {"text": "France", "answer_start": 75},
                                {"text": "France", "answer_start": 75},
                                {"text": "in France", "answer_start": 72},
                            ],
                            **impossible,
                        }
                    ],
                },
                {
                    "context": OXYGEN,
                    "qas": [
                        {
                            "id": "q2",
                            "question": "What is the atomic number of oxygen?",
                            "answers": [{"text": "8", "answer_start": 61}],
                            **impossible,
                        }
                    ],
                },
            ],
        },
        {
            "title": "Steam_engine",
            "paragraphs": [{"context": STEAM, "qas": []}],
        },
    ]
    if v2:
        data[0]["paragraphs"][0]["qas"].append(
            {
                "id": "q3",
                "question": "Who named Normandy in the year 3000?",
                "answers": [],
                "plausible_answers": [{"text": "The Normans", "answer_start": 0}],
                "is_impossible": True,
            }
        )
    return {"version": version, "data": data}


def write(tmp_path: Path, version: str) -> Path:
    path = tmp_path / f"dev-{version}.json"
    path.write_text(json.dumps(squad_json(version)), encoding="utf-8")
    return path
