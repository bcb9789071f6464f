"""Embedders: the ``Embedder`` protocol, one module per backend, and a factory."""

from index.embedding.base import Embedder, EmbedKind

__all__ = ["EmbedKind", "Embedder"]
