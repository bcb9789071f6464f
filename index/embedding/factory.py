"""Builds the configured embedder."""

from __future__ import annotations

from pathlib import Path

from index.embedding.base import Embedder
from index.embedding.sentence_transformer import SentenceTransformerEmbedder


def build_embedder(
    model: str = "",
    *,
    batch_size: int = 64,
    device: str = "cpu",
    int8: bool = False,
    traced_dir: Path | None = None,
) -> Embedder:
    """The sentence-transformers embedder for ``model`` (empty: the packaged MiniLM); with
    ``traced_dir``, a mean-pooling model runs as a traced copy cached there."""
    return SentenceTransformerEmbedder(
        model, batch_size=batch_size, device=device, int8=int8, traced_dir=traced_dir
    )
