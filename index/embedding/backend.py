"""What ``SentenceTransformerEmbedder`` needs from the library that runs its model.

Two backends: sentence-transformers itself (any model folder), and plain transformers for the
common case of a model that only mean-pools its tokens (the packaged MiniLM): the same vectors
without importing sentence-transformers, which takes seconds of a cold start.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from index.embedding.base import EmbedKind


@dataclass(frozen=True, slots=True)
class RunOptions:
    """How a backend runs its model: where, on inputs cut at how many tokens, how many texts
    a forward pass, and whether its linear layers run in int8."""

    device: str = "cpu"
    max_seq_length: int = 512
    batch_size: int = 64
    int8: bool = False


@dataclass(frozen=True, slots=True)
class TokenStates:
    """One encoded text: a vector per token, each token's character offsets into the text as
    encoded (``shift`` characters of prompt first), and whether the model cut the text."""

    tokens: npt.NDArray[np.float32]
    offsets: Sequence[tuple[int, int]]
    shift: int
    truncated: bool


class Backend(Protocol):
    @property
    def dim(self) -> int: ...

    @property
    def poolable(self) -> bool:
        """Whether embeddings are means of token vectors (then ``token_states`` and
        ``finish`` give the same vectors as ``embed``)."""
        ...

    def embed(self, texts: Sequence[str], kind: EmbedKind) -> npt.NDArray[np.float32]:
        """L2-normalised embeddings."""
        ...

    def token_states(self, texts: Sequence[str], kind: EmbedKind) -> list[TokenStates | None]:
        """Each text's token vectors; None where the tokenisation cannot be matched."""
        ...

    def finish(self, means: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Mean token vectors made into L2-normalised embeddings."""
        ...

    def count_tokens(self, texts: Sequence[str]) -> list[int]: ...


def normalized(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)
