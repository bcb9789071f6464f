"""Ingest's plan for one forward pass per text: every sentence is encoded once, and the other
vectors are pooled from the sentences' token vectors (``index.embedding.pooling``).

- A sentence's vector is its own encoding: the same vector a question-time encoding gives.
- The piece that reads a pronoun with the sentence before pools both sentences' tokens.
- With ``pieces``, a clause piece's vector is the mean of its tokens within its sentence's
  encoding; without, clause pieces are left to question time, which embeds them for the few
  sentences it reads (docs/PERFORMANCE.md compares the two on the dev sets: the same answers
  in all, a first answer about 35 ms slower without).
- A chunk's vector pools its article header's tokens (title and date, encoded once per article)
  and its sentences' tokens: the overlap between chunks and the header are encoded once
  instead of once per chunk.

Whatever cannot be pooled (a range past the model's truncation, a model that does not pool
by the mean) is embedded on its own, as text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from index.clauses import dense_pieces, piece_key, piece_ranges
from index.embedding.base import PoolingEmbedder
from index.embedding.pooling import Pool, TokenSums
from index.types import Article, Chunk, Span

Part = tuple[int, int]  # (text, pool of that text)


@dataclass(slots=True)
class Target:
    """One vector to make: the pools it combines, and the text to embed when it cannot."""

    parts: list[Part]
    fallback: str


@dataclass(slots=True)
class Plan:
    """What to encode for a batch of articles and how to combine it."""

    texts: list[str] = field(default_factory=list)
    pools: list[list[Pool]] = field(default_factory=list)
    chunks: list[list[Target]] = field(default_factory=list)  # per article, by chunk ordinal
    pieces: dict[str, Target] = field(default_factory=dict)  # by sentence-cache key

    def encode(self, text: str) -> int:
        """Add ``text`` with its whole-text pool (pool 0); its index."""
        self.texts.append(text)
        self.pools.append([Pool(((0, len(text)),), whole=True)])
        return len(self.texts) - 1

    def pool(self, text: int, ranges: tuple[tuple[int, int], ...]) -> Part:
        self.pools[text].append(Pool(ranges))
        return (text, len(self.pools[text]) - 1)


def plan_batch(items: Sequence[tuple[Article, Sequence[Chunk], str]], *, pieces: bool) -> Plan:
    """The plan for ``(article, chunks, header)`` items; ``pieces``: also the clause pieces."""
    plan = Plan()
    for article, chunks, header in items:
        head = [(plan.encode(header), 0)] if header else []
        sentences = sorted({s for chunk in chunks for s in chunk.sentences}, key=lambda s: s.start)
        index = {span: plan.encode(span.slice(article.text)) for span in sentences}
        for i, span in enumerate(sentences):
            previous = sentences[i - 1] if i > 0 else None
            _plan_pieces(plan, article, span, previous, index, pieces=pieces)
        plan.chunks.append(
            [
                Target(head + [(index[s], 0) for s in chunk.sentences], _chunk_text(header, chunk))
                for chunk in chunks
            ]
        )
    return plan


def _chunk_text(header: str, chunk: Chunk) -> str:
    return f"{header}\n{chunk.text}" if header else chunk.text


def _plan_pieces(
    plan: Plan,
    article: Article,
    span: Span,
    previous: Span | None,
    index: dict[Span, int],
    *,
    pieces: bool,
) -> None:
    """The sentence's pieces, keyed and ordered as ``dense_pieces`` makes them (clause pieces
    only with ``pieces``)."""
    text = span.slice(article.text)
    before = previous.slice(article.text) if previous is not None else ""
    ranges = piece_ranges(text, with_previous=previous is not None)
    texts = dense_pieces(text, before)
    own = index[span]
    for j, (piece, fallback) in enumerate(zip(ranges, texts, strict=True)):
        if j > 0 and piece is not None and not pieces:
            continue
        if j == 0:
            parts = [(own, 0)]
        elif piece is None:
            assert previous is not None
            parts = [(index[previous], 0), (own, 0)]
        else:
            parts = [plan.pool(own, (piece,))]
        plan.pieces[piece_key(article.id, span.start, span.end, j)] = Target(parts, fallback)


def run_plan(
    plan: Plan, embedder: PoolingEmbedder
) -> tuple[list[npt.NDArray[np.float32]], list[tuple[str, npt.NDArray[np.float32]]]]:
    """Each article's chunk vectors, and the pieces' vectors by sentence-cache key."""
    sums = embedder.token_sums(plan.texts, plan.pools, kind="document")
    targets = [t for per_article in plan.chunks for t in per_article] + list(plan.pieces.values())
    vectors = _combine(targets, sums, embedder)
    out: list[npt.NDArray[np.float32]] = []
    at = 0
    for per_article in plan.chunks:
        out.append(vectors[at : at + len(per_article)])
        at += len(per_article)
    return out, list(zip(plan.pieces, vectors[at:], strict=True))


def _combine(
    targets: Sequence[Target], sums: Sequence[TokenSums], embedder: PoolingEmbedder
) -> npt.NDArray[np.float32]:
    """One vector per target: the mean over its parts' tokens, finished as the model does;
    embedded from its fallback text where a part is incomplete."""
    means: list[npt.NDArray[np.float32]] = []
    pooled: list[int] = []
    unpooled: list[int] = []
    for i, target in enumerate(targets):
        if all(sums[t].complete[p] for t, p in target.parts):
            total = np.sum([sums[t].sums[p] for t, p in target.parts], axis=0)
            count = sum(float(sums[t].counts[p]) for t, p in target.parts)
            means.append(np.asarray(total / max(count, 1.0), dtype=np.float32))
            pooled.append(i)
        else:
            unpooled.append(i)
    out = np.zeros((len(targets), embedder.dim), dtype=np.float32)
    if pooled:
        out[pooled] = embedder.finish(np.stack(means))
    if unpooled:
        out[unpooled] = embedder.embed([targets[i].fallback for i in unpooled], kind="document")
    return out
