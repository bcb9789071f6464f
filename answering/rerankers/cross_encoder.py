"""A ``Reranker`` over a local sentence-transformers ``CrossEncoder`` model folder.

No cross-encoder is packaged here (``shared/MODELS.md``), so this loads whatever folder the
operator configures (for example one fine-tuned from the packaged MiniLM), offline, lazily and
once. Scores are made comparable across models: the model's raw logits are always requested
(the folder's own activation is bypassed) and mapped to [0, 1] by ``normalise_logits``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from answering.local_models import Once, load_folder
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
        self._model = Once(self._load)
        self.cache = ScoreCache(cache_size)

    @property
    def name(self) -> str:
        return self._model_path

    def warm(self) -> None:
        self._model.get()

    def _load(self) -> CrossEncoder:
        def cross_encoder(path: Path) -> CrossEncoder:
            from sentence_transformers import CrossEncoder

            model: CrossEncoder = CrossEncoder(
                str(path), device=self._device, max_length=self._max_length, local_files_only=True
            )
            return model

        return load_folder(self._model_path, "cross-encoder", "cross-encoder", cross_encoder)

    def _pair_text(self, candidate: SentenceCandidate) -> str:
        if self._use_context and candidate.context:
            return f"{candidate.text} {candidate.context}"
        return candidate.text

    def _predict(self, question: str, candidates: Sequence[SentenceCandidate]) -> list[float]:
        import torch

        model = self._model.get()
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
