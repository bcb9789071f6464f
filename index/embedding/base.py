"""The contract every embedding backend fulfils."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from index.embedding.pooling import Pool, TokenSums

EmbedKind = Literal["query", "document"]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension.

    ``name`` identifies the model for the index (an index built with one model refuses to open
    with another). It says what the model is, never where it lies, so that an index still opens
    after its data directory moves. Implementations load their model lazily, once, and are
    thread-safe for concurrent ``embed`` calls.
    """

    @property
    def name(self) -> str: ...

    @property
    def dim(self) -> int: ...

    def embed(
        self, texts: Sequence[str], *, kind: EmbedKind = "document"
    ) -> npt.NDArray[np.float32]:
        """Return an array of shape ``(len(texts), dim)``, rows L2-normalised."""
        ...

    def warm(self) -> None:
        """Load the model now (start-up), so the first question is not slow."""
        ...


@runtime_checkable
class PoolingEmbedder(Embedder, Protocol):
    """An embedder whose vectors are means of token vectors, and which hands out those means
    for ranges of a text (``index.embedding.pooling``): ingest then runs the model once per
    sentence and pools chunk and clause vectors from the sentences' tokens."""

    def token_sums(
        self, texts: Sequence[str], pools: Sequence[Sequence[Pool]], *, kind: EmbedKind
    ) -> list[TokenSums]:
        """For each text, the sum and count of the token vectors of each of its pools (one
        encoding per text); ``complete`` is False for a pool the model's truncation cut, and
        everywhere for a model that does not pool by the mean."""
        ...

    def finish(self, means: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        """Mean token vectors made into embeddings, as the model does after its pooling (any
        dense layers), L2-normalised: rows of the same space as ``embed``."""
        ...
