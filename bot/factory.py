"""Builds newsbot's parts from ``Settings``: embedder, store, search, reader, answerer.

Called by ``bot/cli.py`` only; everything is passed down from here. Nothing loads a model
until it is first used or warmed.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from bot.answering.answerer import AnswerPolicy, PipelineAnswerer
from bot.answering.decline import DeclinePolicy
from bot.answering.reader import ExtractiveReader
from bot.settings import Settings
from index.embedding.base import Embedder
from index.embedding.factory import build_embedder
from index.errors import ConfigError
from index.ingest import IngestOptions, ingest_paths
from index.lexical import LexicalIndex
from index.search import HybridSearcher
from index.store.base import Store
from index.store.factory import open_store
from index.types import IngestReport

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Components:
    """The built pipeline, handed to the console or the Telegram app."""

    settings: Settings
    embedder: Embedder
    store: Store
    lexical: LexicalIndex
    answerer: PipelineAnswerer


def index_dir(data_dir: Path, model_name: str) -> Path:
    """One index per embedding model, so switching model (or profile) re-indexes instead of
    mixing vectors: ``data/indexes/<model slug>``."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model_name.strip("/")).strip("-")[-60:]
    digest = hashlib.sha256(model_name.encode()).hexdigest()[:8]
    return data_dir / "indexes" / f"{slug}-{digest}"


def configured_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for: an explicit model folder, else the profile's model."""
    model = settings.embedding.model
    if not model and settings.profile == "multilingual":
        from index.embedding.install import MULTILINGUAL, installed_model_path

        path = installed_model_path(MULTILINGUAL, settings.data_dir / "models")
        if path is None:
            raise ConfigError(
                "the multilingual model is not installed",
                user_message="The multilingual profile needs its model: run "
                "`newsbot models install multilingual` first.",
            )
        model = str(path)
    return build_embedder(
        model, batch_size=settings.embedding.batch_size, device=settings.embedding.device
    )


def ingest_options(settings: Settings, *, progress: bool | None = None) -> IngestOptions:
    return IngestOptions(
        max_file_bytes=settings.ingest.max_file_bytes,
        chunk_max_chars=settings.chunking.max_chars,
        chunk_overlap=settings.chunking.overlap_sentences,
        batch_chunks=max(settings.embedding.batch_size * 4, 64),
        progress=progress,
    )


def build_components(
    settings: Settings, *, embedder: Embedder | None = None, data_dir: Path | None = None
) -> Components:
    """Open the store (creating it if new) and build the answering pipeline over it."""
    embedder = embedder or configured_embedder(settings)
    directory = index_dir(data_dir or settings.data_dir, embedder.name)
    store = open_store(directory, embedder.name, embedder.dim)
    lexical = LexicalIndex(store)
    s = settings.search
    searcher = HybridSearcher(
        store, embedder, lexical, k=s.k, k_dense=s.k_dense, k_lexical=s.k_lexical, rrf_k=s.rrf_k
    )
    a = settings.answer
    policy = AnswerPolicy(
        decline=DeclinePolicy(
            min_evidence=a.min_evidence,
            min_coverage=a.min_coverage,
            strong_dense=a.strong_dense,
            min_names=a.min_names,
            min_answer_type=a.min_answer_type,
        ),
        max_quotes=settings.answer.max_quotes,
        more_passages=settings.answer.more_passages,
        max_question_chars=settings.telegram.max_question_chars,
    )
    answerer = PipelineAnswerer(searcher, ExtractiveReader(embedder), policy)
    return Components(settings, embedder, store, lexical, answerer)


@contextmanager
def bundled_corpus() -> Iterator[Path]:
    """The sample articles shipped inside the package, as a folder on disk."""
    with resources.as_file(resources.files("bot") / "corpus") as path:
        yield path


def ensure_corpus(components: Components, *, progress: bool | None = None) -> IngestReport | None:
    """Index the configured (or bundled) corpus when the store is empty; None if not needed."""
    if len(components.store) > 0:
        return None
    settings = components.settings
    options = ingest_options(settings, progress=progress)
    if settings.corpus_dir is not None:
        logger.info("index is empty: indexing %s", settings.corpus_dir)
        return ingest_paths(
            [settings.corpus_dir],
            store=components.store,
            embedder=components.embedder,
            options=options,
        )
    with bundled_corpus() as corpus:
        logger.info("index is empty: indexing the bundled sample articles")
        return ingest_paths(
            [corpus], store=components.store, embedder=components.embedder, options=options
        )
