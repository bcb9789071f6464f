"""Answerability: the probability that the best reading really answers the question.

No single score separates answerable from unanswerable questions (the reader's no-answer
probability and the feature score are each weak alone), so a small logistic model combines
them: the best reading's evidence features, the word checks' verdicts and the span reader's
no-answer probability. It is fitted by ``newsbot train answerability`` on held-out SQuAD
training titles (never the evaluation articles or the news sets) and shipped as JSON in
``answering/weights/answerability/``. It is opt-in (``answer.min_answerable`` above 0): out of
sample it declines no better than the span reader's two bounds, as
``python -m bench.calibrate_answerability`` prints. Pure functions: no
model runtime, microseconds a question.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from answering.readers.extractive import Reading
from index.errors import ModelError

FOLDER = "answerability"  # under answering/weights: model.json and its card, README.md
FILE = "model.json"

# The inputs, in order: what the pipeline knows about its best reading when it decides
# (the word checks of ``decline.word_check`` have passed: the counted thing and the
# question's terms are there). The last two are the bounds the model replaces, as 0/1 flags
# (a linear model cannot draw those cuts from the raw values itself).
FEATURES: tuple[str, ...] = (
    "score",
    "dense",
    "coverage",
    "context",
    "names",
    "answer_type",
    "null_logit",
    "weak_evidence",
    "names_absent",
)
_WEAK = 0.35  # the evidence bound behind the flag (``answer.min_evidence`` when fitted)


def _logit(p: float) -> float:
    p = min(1.0 - 1e-4, max(1e-4, p))
    return math.log(p / (1.0 - p))


def features_of(reading: Reading) -> list[float]:
    """``FEATURES`` of a reading the span reader has read (``no_answer`` set)."""
    f = reading.features
    null = reading.no_answer if reading.no_answer is not None else 0.5
    return [
        reading.score,
        f.dense,
        f.coverage,
        f.context,
        f.names,
        f.answer_type,
        _logit(null),
        float(reading.score < _WEAK),
        float(f.names < 1.0),
    ]


@dataclass(frozen=True, slots=True)
class AnswerabilityModel:
    """A standardised logistic model over ``features``; ``threshold`` is where it declines."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    bias: float
    threshold: float = 0.0  # below this probability the bot declines (0: never); a setting

    def __post_init__(self) -> None:
        n = len(self.features)
        if not (len(self.mean) == len(self.scale) == len(self.coef) == n):
            raise ModelError("answerability model: features, mean, scale and coef differ in size")
        if tuple(self.features) != FEATURES[:n] or n != len(FEATURES):
            raise ModelError(f"answerability model reads {self.features}, expected {FEATURES}")
        values = (*self.mean, *self.scale, *self.coef, self.bias, self.threshold)
        if not all(math.isfinite(v) for v in values) or min(self.scale) <= 0:
            raise ModelError("answerability model: non-finite values or a scale not above 0")

    def probability_of(self, values: Sequence[float]) -> float:
        z = self.bias + sum(
            c * (v - m) / s
            for c, v, m, s in zip(self.coef, values, self.mean, self.scale, strict=True)
        )
        return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))

    def probability(self, reading: Reading) -> float:
        """P(the question is answerable, given this best reading)."""
        return self.probability_of(features_of(reading))

    def to_json(self, **extra: Any) -> str:
        """The fitted model (without the threshold, which is a setting) and ``extra``."""
        data = asdict(self)
        del data["threshold"]
        return json.dumps({**data, **extra}, indent=1)


def shipped_answerability() -> Path:
    """The folder of the shipped answerability model inside the installed package."""
    return Path(str(resources.files("answering") / "weights" / FOLDER))


def load_answerability(path: Path | None = None, *, threshold: float = 0.0) -> AnswerabilityModel:
    """The model in ``path`` (default: the shipped one) declining below ``threshold``;
    ``ModelError`` when unreadable."""
    path = path or shipped_answerability() / FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return AnswerabilityModel(
            features=tuple(data["features"]),
            mean=tuple(float(x) for x in data["mean"]),
            scale=tuple(float(x) for x in data["scale"]),
            coef=tuple(float(x) for x in data["coef"]),
            bias=float(data["bias"]),
            threshold=threshold,
        )
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise ModelError(f"answerability model {path} is unreadable: {e}") from e
