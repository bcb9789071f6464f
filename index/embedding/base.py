"""The contract every embedding backend fulfils."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

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
