"""Ingest: article files -> parsed, chunked, embedded, stored; with a report of what happened.

Articles are embedded and written in batches; each batch is one atomic store write, so a crash
mid-ingest leaves every earlier batch indexed and nothing half-written.
"""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from tqdm import tqdm

from index.chunking import ChunkingOptions, chunk_article, split_sentences
from index.clauses import dense_pieces, piece_key
from index.documents.parse import iter_article_files, read_article_file
from index.documents.text import ParsedArticle
from index.embedding.base import Embedder, PoolingEmbedder
from index.errors import ArticleError
from index.pooled_vectors import plan_batch, run_plan
from index.prefetch import prefetched
from index.sentence_cache import SentenceCache
from index.store.base import Store
from index.store.recipe import INDEX_FORMAT as INDEX_FORMAT
from index.store.rows import is_revision
from index.types import Article, Chunk, IngestReport, header_text

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """Limits and chunking for an ingest (from Settings)."""

    max_file_bytes: int = 5_000_000
    chunk_max_chars: int = 700
    chunk_overlap: int = 1
    batch_chunks: int = 256
    progress: bool | None = None  # None: a bar only on an interactive terminal
    embed_pieces: bool = True  # also the clause pieces the reader scores (faster answers)
    pool_vectors: bool = True  # encode each sentence once; pool chunk and clause vectors

    @property
    def chunking(self) -> ChunkingOptions:
        """The chunking the store must have been built with."""
        return ChunkingOptions(self.chunk_max_chars, self.chunk_overlap)


def ingest_paths(
    paths: Sequence[Path],
    *,
    store: Store,
    embedder: Embedder,
    options: IngestOptions,
    sentence_cache: SentenceCache | None = None,
) -> IngestReport:
    """Index the article files in ``paths`` (files or folders). Idempotent."""
    report = IngestReport()
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            report.rejected.append((str(path), "no such file or folder"))
            continue
        found = iter_article_files(path)
        if not found and path.is_dir():
            report.rejected.append(
                (str(path), "no article files (.txt, .md, .html, .htm, .pdf) in this folder")
            )
        files.extend(found)
    # Files are parsed in a thread while the model encodes the batch before.
    parsed = prefetched(_parse_all(files, options, report))
    ingest_articles(
        parsed,
        store=store,
        embedder=embedder,
        options=options,
        report=report,
        sentence_cache=sentence_cache,
    )
    return report


def _parse_all(
    files: Sequence[Path], options: IngestOptions, report: IngestReport
) -> Iterable[tuple[str, ParsedArticle]]:
    show = sys.stderr.isatty() if options.progress is None else options.progress
    # (no tqdm object at all when hidden: even a disabled one starts tqdm's monitor thread)
    listed = tqdm(files, desc="indexing", unit="file", leave=False) if show else files
    for path in listed:
        try:
            yield str(path), read_article_file(path, max_bytes=options.max_file_bytes)
        except ArticleError as e:
            logger.warning("rejected %s: %s", path, e)
            report.rejected.append((str(path), e.user_message))
        except OSError as e:
            logger.warning("cannot read %s: %s", path, e)
            report.rejected.append((str(path), f"cannot read the file ({e.strerror})"))


def ingest_articles(
    parsed: Iterable[tuple[str, ParsedArticle]],
    *,
    store: Store,
    embedder: Embedder,
    options: IngestOptions,
    report: IngestReport,
    sentence_cache: SentenceCache | None = None,
) -> IngestReport:
    """Chunk, embed and store already-parsed articles, in atomic batches; with a
    ``sentence_cache``, also embed every sentence so questions need not."""
    batch: list[tuple[str, Article, list[Chunk]]] = []
    seen: dict[str, str] = {}
    pending = 0
    flush = functools.partial(
        _flush,
        store=store,
        embedder=embedder,
        report=report,
        cache=sentence_cache,
        pieces=options.embed_pieces,
        pooled=options.pool_vectors,
    )
    for name, item in parsed:
        article = item.article
        report.warnings.extend((name, w) for w in item.warnings)
        if article.id in seen:
            report.skipped.append((name, f"same content as {seen[article.id]}"))
            continue
        seen[article.id] = name
        if store.has_content(article.id) and not is_revision(
            store.get_article(article.id), article
        ):
            # Nothing to embed; the store still drops an older version from this origin.
            batch.append((name, article, []))
            continue
        chunks = chunk_article(
            article, max_chars=options.chunk_max_chars, overlap=options.chunk_overlap
        )
        batch.append((name, article, chunks))
        pending += len(chunks)
        if pending >= options.batch_chunks:
            flush(batch)
            batch, pending = [], 0
    if batch:
        flush(batch)
    store.flush()
    return report


def _flush(
    batch: Sequence[tuple[str, Article, list[Chunk]]],
    *,
    store: Store,
    embedder: Embedder,
    report: IngestReport,
    cache: SentenceCache | None,
    pieces: bool = True,
    pooled: bool = False,
) -> None:
    fresh = [(article, chunks) for _, article, chunks in batch if chunks]
    if pooled and isinstance(embedder, PoolingEmbedder):
        chunk_vectors, piece_vectors = pooled_vectors(fresh, embedder=embedder, pieces=pieces)
    else:
        chunk_vectors, piece_vectors = encoded_vectors(fresh, embedder=embedder), None
    vectors = iter(chunk_vectors)
    items: list[tuple[Article, Sequence[Chunk], npt.NDArray[np.float32]]] = [
        (article, chunks, next(vectors) if chunks else _no_vectors(embedder))
        for _, article, chunks in batch
    ]
    outcomes = store.upsert_many(items)
    for (name, article, _), outcome in zip(batch, outcomes, strict=True):
        if outcome == "added":
            report.added.append(name)
            report.added_ids.append(article.id)
        elif outcome == "updated":
            report.updated.append(name)
        else:
            report.skipped.append((name, "already indexed"))
    logger.info("stored %d articles (%d chunks)", len(batch), sum(len(c) for _, c in fresh))
    if cache is None:
        return
    if piece_vectors is not None:
        cache.put_many(piece_vectors)
    # Unchanged articles too: a crash between the store's write and the cache's would
    # otherwise leave an indexed article whose sentences are never cached (only the missing
    # ones are embedded).
    rest = [a for _, a, chunks in batch if piece_vectors is None or not chunks]
    embed_sentences(rest, embedder=embedder, cache=cache, pieces=pieces)


def _no_vectors(embedder: Embedder) -> npt.NDArray[np.float32]:
    return np.zeros((0, embedder.dim), dtype=np.float32)


def encoded_vectors(
    items: Sequence[tuple[Article, Sequence[Chunk]]], *, embedder: Embedder
) -> list[npt.NDArray[np.float32]]:
    """Each article's chunk vectors, each chunk encoded on its own."""
    texts = [embedding_text(a, c) for a, chunks in items for c in chunks]
    vectors = embedder.embed(texts, kind="document") if texts else _no_vectors(embedder)
    out: list[npt.NDArray[np.float32]] = []
    row = 0
    for _, chunks in items:
        out.append(vectors[row : row + len(chunks)])
        row += len(chunks)
    return out


def pooled_vectors(
    items: Sequence[tuple[Article, Sequence[Chunk]]],
    *,
    embedder: PoolingEmbedder,
    pieces: bool,
) -> tuple[list[npt.NDArray[np.float32]], list[tuple[str, npt.NDArray[np.float32]]]]:
    """Each article's chunk vectors and its sentence pieces' vectors (keyed for the sentence
    cache), from one encoding per sentence and header (``index.pooled_vectors``)."""
    plan = plan_batch([(a, chunks, embedding_header(a)) for a, chunks in items], pieces=pieces)
    return run_plan(plan, embedder)


def embed_sentences(
    articles: Sequence[Article],
    *,
    embedder: Embedder,
    cache: SentenceCache,
    pieces: bool = True,
) -> int:
    """Store the vectors of every sentence not cached yet: the whole sentence (piece 0) and,
    with ``pieces``, the clause pieces the reader scores for its best sentences (the same keys
    and texts, so a question finds them instead of embedding them)."""
    keys: list[str] = []
    texts: list[str] = []
    for article in articles:
        spans = split_sentences(article.text)
        for i, span in enumerate(spans):
            text = span.slice(article.text)
            previous = spans[i - 1].slice(article.text) if i > 0 else ""
            for j, piece in enumerate(dense_pieces(text, previous) if pieces else [text]):
                keys.append(piece_key(article.id, span.start, span.end, j))
                texts.append(piece)
    known = cache.get_many(keys)
    todo = [i for i, key in enumerate(keys) if key not in known]
    if todo:
        vectors = embedder.embed([texts[i] for i in todo], kind="document")
        cache.put_many((keys[i], vectors[row]) for row, i in enumerate(todo))
    return len(todo)


def embedding_header(article: Article) -> str:
    """The line embedded before each chunk: the title and date give the passage its event and
    day (a title made up from the text adds nothing, so only the date)."""
    if article.title_derived or not article.title:
        return header_text("", article.date).strip()
    return header_text(article.title, article.date)


def embedding_text(article: Article, chunk: Chunk) -> str:
    """What is embedded for a chunk: its header line, then its text."""
    header = embedding_header(article)
    return f"{header}\n{chunk.text}" if header else chunk.text
