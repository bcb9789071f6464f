"""The index groups of ``Settings``: the embedding model, chunking, search and ingest."""

from __future__ import annotations

from pydantic import Field

from bot.config.group import Group


class EmbeddingSettings(Group):
    model: str = Field(
        default="",
        description="A local sentence-transformers model folder; overrides the profile. Empty: "
        "the profile's model (english: the packaged all-MiniLM-L6-v2, loaded offline).",
    )
    batch_size: int = Field(default=64, ge=1, le=4096, description="Texts per encode batch.")
    device: str = Field(default="cpu", description="Torch device for the embedder.")
    int8: bool | None = Field(
        default=None,
        description="Run the embedder with int8 linear layers (torch dynamic quantisation, CPU; "
        "its vectors differ, so it has its own index). Unset: int8 for the packaged English "
        "model unless an index built in fp32 with it holds articles (docs/PERFORMANCE.md).",
    )
    traced: bool = Field(
        default=True,
        description="Run a mean-pooling embedder (the English profile's) as a TorchScript copy "
        "cached under DATA_DIR/models/traced: same vectors, a start seconds faster.",
    )
    threads: int = Field(
        default=0,
        ge=0,
        le=256,
        description="Torch CPU threads per operation (0: the cores this process may use). 1 avoids "
        "oversubscription when several answer workers share few cores.",
    )


class ChunkingSettings(Group):
    max_chars: int = Field(
        default=700, ge=100, le=20000, description="Longest chunk, in characters (whole sentences)."
    )
    overlap_sentences: int = Field(
        default=1, ge=0, le=10, description="Sentences shared by consecutive chunks."
    )


class SearchSettings(Group):
    k: int = Field(default=8, ge=1, le=200, description="Passages kept after fusion.")
    k_dense: int = Field(default=30, ge=1, le=1000, description="Candidates from FAISS.")
    k_lexical: int = Field(default=30, ge=1, le=1000, description="Candidates from BM25.")
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal rank fusion constant.")
    ivf_threshold: int = Field(
        default=100_000,
        ge=1000,
        description="Vectors from which FAISS uses an IVF index with 8-bit scalar quantisation "
        "instead of exact flat search (see docs/PERFORMANCE.md for recall and speed).",
    )
    nprobe: int = Field(
        default=48, ge=1, le=65536, description="Lists the IVF index searches per question."
    )
    topic_min_score: float = Field(
        default=0.6,
        ge=-1.0,
        le=1.0,
        description="Cosine similarity to a topic at which /latest TOPIC lists a passage's "
        "article (one with every word of the topic is listed anyway). Chosen by "
        "bench.calibrate_topics: uanews_dev questions and titles list their article 89.4%, "
        "none of the BBC articles 89.4% (all-MiniLM-L6-v2).",
    )


class IngestSettings(Group):
    max_file_bytes: int = Field(
        default=5_000_000, ge=1000, description="Largest article file accepted, in bytes."
    )
    embed_pieces: bool = Field(
        default=True,
        description="Also store each sentence's clause pieces at ingest (pooled when "
        "pool_vectors is on), so a first question need not embed them for what it reads.",
    )
    pool_vectors: bool = Field(
        default=True,
        description="Encode each sentence once and pool chunk and clause vectors from its "
        "tokens, instead of encoding each chunk and clause on its own (docs/PERFORMANCE.md).",
    )
