"""A ``Reranker`` over a local sentence-transformers ``CrossEncoder`` model folder.

No cross-encoder is packaged here (``shared/MODELS.md``), so this loads whatever folder the
operator configures (for example one fine-tuned from the packaged MiniLM), offline, lazily and
once. Scores are made comparable across models: the model's raw logits are always requested
(the folder's own activation is bypassed) and mapped to [0, 1] by ``normalise_logits``.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from answering.question import Question
from answering.rerankers.base import ScoreCache, SentenceCandidate, cached_rerank
from index.errors import ModelError

if TYPE_CHECKING:
    from sentence_transformers import CrossEncoder

logger = logging.getLogger(__name__)


def normalise_logits(raw: npt.ArrayLike) -> list[float]:
    """Map a cross-encoder's raw outputs to relevance probabilities in [0, 1].

    One logit per pair (``(n,)`` or ``(n, 1)``, the usual reranker head, unbounded): the
    sigmoid. Several per pair (``(n, k)``, a classification head such as
    ``[irrelevant, relevant]``): the softmax probability of the last class.
    """
    logits = np.asarray(raw, dtype=np.float64)
    if logits.ndim == 2 and logits.shape[1] == 1:
        logits = logits[:, 0]
    if logits.ndim == 1:
        probs = 0.5 * (1.0 + np.tanh(0.5 * logits))  # the sigmoid, without overflow
    elif logits.ndim == 2:
        shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
        probs = shifted[:, -1] / shifted.sum(axis=1)
    else:
        raise ModelError(f"cross-encoder returned scores of shape {logits.shape}")
    return [float(p) for p in probs]


def check_model_folder(model_path: str, what: str) -> Path:
    """The model folder as a ``Path``; ``ModelError`` when it is not a model folder."""
    if not model_path:
        raise ModelError(f"no {what} model folder is configured")
    path = Path(model_path).expanduser()
    if not path.is_dir():
        raise ModelError(f"{what} model folder {model_path!r} does not exist")
    if not (path / "config.json").is_file():
        raise ModelError(f"{what} model folder {model_path!r} has no config.json")
    return path


class CrossEncoderReranker:
    """Scores (question, sentence) pairs with a local cross-encoder, in batches, cached.

    The model loads on first use or on ``warm()``, once, under a lock; loading never touches
    the network. Scores are cached by ``(question text, candidate key)`` in a small LRU.
    With ``use_context`` the sentence is followed by its context (title and neighbours).
    """

    def __init__(
        self,
        model_path: str,
        *,
        batch_size: int = 32,
        device: str = "cpu",
        max_length: int = 256,
        cache_size: int = 4096,
        use_context: bool = False,
    ) -> None:
        self._model_path = model_path
        self._batch_size = max(1, batch_size)
        self._device = device
        self._max_length = max_length
        self._use_context = use_context
        self._model: CrossEncoder | None = None
        self._lock = threading.Lock()
        self.cache = ScoreCache(cache_size)

    @property
    def name(self) -> str:
        return self._model_path

    def warm(self) -> None:
        self._load()

    def _load(self) -> CrossEncoder:
        with self._lock:
            if self._model is not None:
                return self._model
            path = check_model_folder(self._model_path, "cross-encoder")
            logger.info("loading cross-encoder %s", path)
            try:
                from sentence_transformers import CrossEncoder
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
                model: CrossEncoder = CrossEncoder(
                    str(path),
                    device=self._device,
                    max_length=self._max_length,
                    local_files_only=True,
                )
            except Exception as e:
                raise ModelError(f"cannot load cross-encoder {self._model_path!r}: {e}") from e
            self._model = model
            return model

    def _pair_text(self, candidate: SentenceCandidate) -> str:
        if self._use_context and candidate.context:
            return f"{candidate.text} {candidate.context}"
        return candidate.text

    def _predict(self, question: str, candidates: Sequence[SentenceCandidate]) -> list[float]:
        import torch

        model = self._load()
        pairs = [(question, self._pair_text(c)) for c in candidates]
        try:
            raw = model.predict(
                pairs,
                batch_size=self._batch_size,
                activation_fn=torch.nn.Identity(),
                show_progress_bar=False,
                convert_to_numpy=True,
            )
        except Exception as e:
            raise ModelError(f"cross-encoder {self._model_path!r} failed: {e}") from e
        return normalise_logits(raw)

    def rerank(self, question: Question, candidates: Sequence[SentenceCandidate]) -> list[float]:
        return cached_rerank(self.cache, question, candidates, self._predict)
