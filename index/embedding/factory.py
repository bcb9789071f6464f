"""Builds the configured embedder."""

from __future__ import annotations

from index.embedding.base import Embedder
from index.embedding.sentence_transformer import SentenceTransformerEmbedder


def build_embedder(
    model: str = "", *, batch_size: int = 64, device: str = "cpu", int8: bool = False
) -> Embedder:
    """The sentence-transformers embedder for ``model`` (empty: the packaged MiniLM)."""
    return SentenceTransformerEmbedder(model, batch_size=batch_size, device=device, int8=int8)
