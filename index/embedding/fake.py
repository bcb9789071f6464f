"""A small deterministic embedder for tests: hashed bag of lowercased word stems.

Texts that share words get similar vectors, so retrieval behaves sensibly in unit tests,
with no model to load. ``history`` records every call.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from index.embedding.base import EmbedKind

_WORD = re.compile(r"\w+", re.UNICODE)


class FakeEmbedder:
    """Deterministic hashed bag-of-words vectors (``dim`` buckets, L2-normalised)."""

    def __init__(self, dim: int = 64, name: str = "fake-embedder") -> None:
        self._dim = dim
        self._name = name
        self.history: list[tuple[EmbedKind, tuple[str, ...]]] = []
        self.warmed = False

    @property
    def name(self) -> str:
        return self._name

    @property
    def dim(self) -> int:
        return self._dim

    def warm(self) -> None:
        self.warmed = True

    def embed(
        self, texts: Sequence[str], *, kind: EmbedKind = "document"
    ) -> npt.NDArray[np.float32]:
        self.history.append((kind, tuple(texts)))
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                stem = word[:5]
                digest = hashlib.blake2b(stem.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self._dim] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm > 0:
                out[row] /= norm
            else:
                out[row, 0] = 1.0
        return out
