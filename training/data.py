"""Training questions from the SQuAD training articles only (``shared/eval/squad/SPLIT.md``).

Answerable questions come from ``dev-v1.1.json``, unanswerable ones from ``dev-v2.0.json``
(SQuAD 2.0 dev holds the same answerable questions on fewer articles, so taking them from
v1.1 only avoids duplicates). The evaluation articles (``evaluation.squad.EVAL_ARTICLES``) are
refused here, whatever the caller asks: ``training_questions`` never yields one of their
paragraphs or questions.
"""

from __future__ import annotations

import json
import logging
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evaluation.squad import EVAL_ARTICLES
from index.chunking import split_sentences
from index.types import Span

logger = logging.getLogger(__name__)

V11 = "dev-v1.1.json"
V20 = "dev-v2.0.json"


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One SQuAD paragraph, split into sentences by the same splitter the index uses."""

    title: str  # the SQuAD title with spaces, as the open-corpus articles carry it
    index: int
    text: str
    sentences: tuple[Span, ...]

    @property
    def key(self) -> tuple[str, int]:
        return (self.title, self.index)


@dataclass(frozen=True, slots=True)
class TrainQuestion:
    """A training question on a paragraph: ``answer`` is the first gold answer's character
    span in the paragraph text, None for an unanswerable (SQuAD 2.0) question."""

    qid: str
    text: str
    paragraph: Paragraph
    answer: Span | None

    def answer_sentence(self) -> int | None:
        """Index of the sentence wholly holding the answer; None when there is none."""
        if self.answer is None:
            return None
        for i, s in enumerate(self.paragraph.sentences):
            if s.start <= self.answer.start and self.answer.end <= s.end:
                return i
        return None


def _paragraph(title: str, index: int, context: str) -> Paragraph:
    text = context.replace("\r\n", "\n").replace("\r", "\n")
    return Paragraph(title.replace("_", " "), index, text, tuple(split_sentences(text)))


def _read(path: Path) -> list[dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [e for e in data["data"] if str(e["title"]) not in EVAL_ARTICLES]


def _questions(path: Path, *, answerable: bool) -> list[TrainQuestion]:
    out: list[TrainQuestion] = []
    for entry in _read(path):
        title = str(entry["title"])
        for index, raw in enumerate(entry["paragraphs"]):
            paragraph = _paragraph(title, index, str(raw["context"]))
            for qa in raw["qas"]:
                impossible = bool(qa.get("is_impossible")) or not qa.get("answers")
                if impossible == answerable:
                    continue
                answer = None
                if answerable:
                    first = qa["answers"][0]
                    start = int(first["answer_start"])
                    answer = Span(start, start + len(str(first["text"])))
                    if paragraph.text[answer.start : answer.end] != str(first["text"]):
                        continue  # offsets that do not match the text (rare): skip
                out.append(
                    TrainQuestion(str(qa["id"]), str(qa["question"]).strip(), paragraph, answer)
                )
    return out


def training_questions(
    squad_dir: Path, *, limit: int | None = None, seed: int = 13
) -> list[TrainQuestion]:
    """Answerable (v1.1) and unanswerable (v2.0) questions of the training articles.

    ``limit`` keeps a seeded random sample of that many (for quick runs and tests).
    """
    answerable = _questions(squad_dir / V11, answerable=True)
    unanswerable = _questions(squad_dir / V20, answerable=False)
    questions = answerable + unanswerable
    leaked = {q.paragraph.title for q in questions} & {t.replace("_", " ") for t in EVAL_ARTICLES}
    if leaked:  # cannot happen (filtered above); a guard against a future edit
        raise AssertionError(f"evaluation articles in training data: {sorted(leaked)}")
    if limit is not None and limit < len(questions):
        questions = random.Random(seed).sample(questions, limit)
    logger.info(
        "training questions: %d (%d answerable, %d unanswerable)",
        len(questions),
        sum(1 for q in questions if q.answer is not None),
        sum(1 for q in questions if q.answer is None),
    )
    return questions


def all_training_paragraphs(squad_dir: Path) -> list[Paragraph]:
    """Every paragraph of the training articles in v1.1 (the pool for BM25 negatives)."""
    return [
        _paragraph(str(e["title"]), i, str(p["context"]))
        for e in _read(squad_dir / V11)
        for i, p in enumerate(e["paragraphs"])
    ]
