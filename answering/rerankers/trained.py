"""The trained ``Reranker``: the cross-encoder shipped in ``answering/weights/reranker``.

Trained by ``newsbot train reranker`` (see its model card). It reads the question with each
candidate sentence and its article's title and gives the probability that the sentence
answers the question. Loads lazily, once; scores are cached per (question, sentence)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from answering.model_files import ShippedModel, pair_text, shipped_dir
from answering.question import Question
from answering.rerankers.base import ScoreCache, SentenceCandidate, cached_rerank
from index.errors import ModelError

logger = logging.getLogger(__name__)


class TrainedReranker:
    """Scores (question, sentence) pairs with the shipped (or a given) trained cross-encoder,
    cut to ``max_length`` tokens (default: the length it was trained with)."""

    def __init__(
        self,
        folder: Path | None = None,
        *,
        int8: bool = False,
        max_length: int | None = None,
        batch_size: int = 32,
        cache_size: int = 4096,
        base_dir: Path | None = None,
    ) -> None:
        self._model = ShippedModel(
            folder or shipped_dir("rerank"), "rerank", int8=int8, base_dir=base_dir
        )
        self._max_length = max_length
        self._batch_size = max(1, batch_size)
        self.cache = ScoreCache(cache_size)

    @property
    def name(self) -> str:
        return str(self._model.folder)

    def warm(self) -> None:
        self._model.get()

    def _predict(self, question: str, candidates: Sequence[SentenceCandidate]) -> list[float]:
        import torch

        loaded = self._model.get()
        max_length = self._max_length or loaded.max_length
        texts = [
            pair_text(c.title, c.text, c.previous if loaded.reads_previous else "")
            for c in candidates
        ]
        out: list[float] = []
        for lo in range(0, len(texts), self._batch_size):
            part = texts[lo : lo + self._batch_size]
            enc = loaded.tokenizer(
                [question] * len(part),
                part,
                truncation="only_second",
                max_length=max_length,
                padding=True,
                return_tensors="pt",
            )
            try:
                (logits,) = loaded.logits(enc)
            except Exception as e:
                raise ModelError(f"reranker {self.name} failed: {e}") from e
            out += [float(p) for p in torch.sigmoid(logits.float())]
        return out

    def rerank(self, question: Question, candidates: Sequence[SentenceCandidate]) -> list[float]:
        return cached_rerank(self.cache, question, candidates, self._predict)
