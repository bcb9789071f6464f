"""The index groups of ``Settings``: the embedding model, chunking, search and ingest."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from bot.config.group import Group
from index.ingest import IngestOptions
from index.store.vector_index import VectorIndexPolicy

_INGEST = IngestOptions()
_VECTORS = VectorIndexPolicy()


class EmbeddingSettings(Group):
    model: str = ""
    """A local sentence-transformers model folder; overrides the profile. Empty: the profile's model
    (english: the packaged all-MiniLM-L6-v2, loaded offline)."""
    batch_size: int = Field(default=64, ge=1, le=4096)
    """Texts per encode batch."""
    device: str = "cpu"
    """Torch device for the embedder."""
    int8: bool | None = None
    """Run the embedder with int8 linear layers (torch dynamic quantisation, CPU; its vectors
    differ, so it has its own index). Unset: int8 for the packaged English model unless an index
    built in fp32 with it holds articles."""
    traced: bool = True
    """Run a mean-pooling embedder (the English profile's) as a TorchScript copy cached under
    DATA_DIR/models/traced: same vectors, a start seconds faster."""
    threads: int = Field(default=0, ge=0, le=256)
    """Torch CPU threads per operation (0: the cores this process may use)."""


class ChunkingSettings(Group):
    max_chars: int = Field(default=_INGEST.chunk_max_chars, ge=100, le=20000)
    """Longest chunk, in characters (whole sentences)."""
    overlap_sentences: int = Field(default=_INGEST.chunk_overlap, ge=0, le=10)
    """Sentences shared by consecutive chunks."""


class SearchSettings(Group):
    k: int = Field(default=8, ge=1, le=200)
    """Passages kept after fusion."""
    k_dense: int = Field(default=30, ge=1, le=1000)
    """Candidates from FAISS."""
    k_lexical: int = Field(default=30, ge=1, le=1000)
    """Candidates from the keyword search."""
    lexical: Literal["bm25", "postgres"] = "bm25"
    """Keyword search: BM25 in process, or PostgreSQL full-text search (needs store.url)."""
    rrf_k: int = Field(default=60, ge=1)
    """Reciprocal rank fusion constant."""
    ivf_threshold: int = Field(default=_VECTORS.ivf_threshold, ge=1000)
    """Vectors from which FAISS uses an IVF index with 8-bit scalar quantisation instead of exact
    flat search."""
    nprobe: int = Field(default=_VECTORS.nprobe, ge=1, le=65536)
    """Lists the IVF index searches per question."""
    topic_min_score: float = Field(default=0.6, ge=-1.0, le=1.0)
    """Cosine similarity to a topic at which /latest TOPIC lists a passage's article (one with every
    word of the topic is listed anyway)."""


class IngestSettings(Group):
    max_file_bytes: int = Field(default=_INGEST.max_file_bytes, ge=1000)
    """Largest article file accepted, in bytes."""
    embed_pieces: bool = _INGEST.embed_pieces
    """Also store each sentence's clause pieces at ingest (pooled when pool_vectors is on), so a
    first question need not embed them for what it reads."""
    pool_vectors: bool = _INGEST.pool_vectors
    """Encode each sentence once and pool chunk and clause vectors from its tokens, instead of
    encoding each chunk and clause on its own."""
