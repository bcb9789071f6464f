"""A deterministic ``PoolingEmbedder`` for tests: the hashed bag of words of ``FakeEmbedder``,
seen as the mean of one-hot word vectors, so a pooled vector equals the vector of the pooled
words' text, exactly. ``max_words`` truncates like a model's token limit."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from index.embedding.base import EmbedKind
from index.embedding.pooling import Pool, TokenSums, sum_pools
from tests.index.fakes import FakeEmbedder

_WORD = re.compile(r"\w+", re.UNICODE)


class FakePoolingEmbedder(FakeEmbedder):
    def __init__(self, dim: int = 64, *, max_words: int = 10_000) -> None:
        super().__init__(dim, name="fake-pooling-embedder")
        self.max_words = max_words
        self.pooled_calls: list[tuple[str, ...]] = []

    def token_sums(
        self, texts: Sequence[str], pools: Sequence[Sequence[Pool]], *, kind: EmbedKind
    ) -> list[TokenSums]:
        self.pooled_calls.append(tuple(texts))
        out: list[TokenSums] = []
        for text, row in zip(texts, pools, strict=True):
            found = list(_WORD.finditer(text))
            words = found[: self.max_words]
            offsets = [(m.start(), m.end()) for m in words]
            tokens = np.stack(
                [self._one_hot(m.group()) for m in words] or [np.zeros(self.dim, dtype=np.float32)]
            )
            cut = len(found) > self.max_words
            sums = sum_pools(
                tokens.astype(np.float32), offsets or [(0, 0)], row, shift=0, truncated=cut
            )
            out.append(sums)
        return out

    def finish(self, means: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        norms = np.linalg.norm(means, axis=1, keepdims=True)
        return np.asarray(means / np.maximum(norms, 1e-12), dtype=np.float32)

    def _one_hot(self, word: str) -> npt.NDArray[np.float32]:
        vector = self.embed([word])[0]
        self.history.pop()  # (not a call of the code under test)
        return np.asarray(vector, dtype=np.float32)
