"""Builds newsbot's parts from ``Settings``: embedder, store, search, reader, answerer.

Called by ``bot/cli.py`` only; everything is passed down from here. Nothing loads a model
until it is first used or warmed.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from answering.pipeline import PipelineAnswerer
from answering.readers.extractive import ExtractiveReader, Reader
from answering.readers.span import SpanReader
from answering.rerankers.base import Reranker
from answering.sentence_vectors import SentenceVectors
from bot.config.settings import Settings
from bot.index_folders import index_dir as index_dir  # (its old home: re-exported)
from bot.index_folders import locate_index, unselected_indexes
from bot.policies import answer_policy, ingest_options, vector_index_policy
from index.embedding.base import Embedder
from index.embedding.factory import build_embedder
from index.embedding.query_cache import QueryCachingEmbedder
from index.embedding.sentence_transformer import SentenceTransformerEmbedder
from index.errors import ConfigError
from index.ingest import ingest_paths
from index.search import HybridSearcher, Searcher
from index.sentence_cache import SentenceCache
from index.store.base import Store
from index.store.factory import loading, open_lexical, open_sentence_cache, open_store
from index.store.relocate import read_summary
from index.traced import TRACED_DIR
from index.types import IngestReport

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Components:
    """The built pipeline, handed to the console or the Telegram app."""

    settings: Settings
    embedder: Embedder
    store: Store
    sentence_cache: SentenceCache
    searcher: HybridSearcher
    answerer: PipelineAnswerer


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity, which containers narrow), where
    torch's default counts the machine's."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # (not on every platform)
        return max(1, os.cpu_count() or 1)


def configured_embedder(settings: Settings) -> Embedder:
    """The embedder the settings ask for: an explicit model folder, else the profile's model."""
    import torch

    torch.set_num_threads(settings.embedding.threads or available_cores())
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
    e = settings.embedding
    int8 = e.int8 if e.int8 is not None else default_int8(settings, model)
    traced = traced_dir(settings) if e.traced else None
    return build_embedder(
        model, batch_size=e.batch_size, device=e.device, int8=int8, traced_dir=traced
    )


def traced_dir(settings: Settings) -> Path:
    """Where traced copies of the models are cached (``index.traced``)."""
    return settings.data_dir / "models" / TRACED_DIR


def default_int8(settings: Settings, model: str) -> bool:
    """int8 where it was measured to answer as fp32 does (the packaged English model, on CPU),
    unless that model's fp32 index already holds articles: switching would start an empty
    index."""
    if model or settings.embedding.device != "cpu":
        return False
    fp32 = build_embedder("").name
    summary = read_summary(index_dir(settings.data_dir, fp32))
    if summary is not None and summary.articles:
        logger.info(
            "embedding in fp32: the index %s holds %d articles embedded in fp32; set "
            "NEWSBOT_EMBEDDING__INT8=true and ingest them again to embed about twice as fast",
            index_dir(settings.data_dir, fp32).name,
            summary.articles,
        )
        return False
    return True


def build_reader(settings: Settings, embedder: Embedder, sentence_cache: SentenceCache) -> Reader:
    """The configured reader: feature-based by default, or a local QA model."""
    if settings.reader.kind == "qa":
        from answering.readers.qa_model import QAModelReader

        if not settings.reader.qa_model:
            raise ConfigError(
                "reader.kind is qa but no qa_model is set",
                user_message="Set NEWSBOT_READER__QA_MODEL to a QA model folder.",
            )
        return QAModelReader(
            settings.reader.qa_model,
            device=settings.embedding.device,
            null_margin=settings.reader.null_margin,
        )
    return ExtractiveReader(
        embedder,
        vectors=SentenceVectors(embedder, sentence_cache),
        refine=settings.answer.refine,
    )


def build_reranker(settings: Settings) -> Reranker | None:
    """The configured model reranker: the shipped trained cross-encoder by default."""
    r = settings.rerank
    if r.kind == "none":
        return None
    if r.kind == "trained":
        from answering.rerankers.trained import TrainedReranker

        folder = Path(r.model).expanduser() if r.model else None
        return TrainedReranker(folder, int8=r.int8, batch_size=r.batch_size)
    if not r.model:
        raise ConfigError(
            "rerank.kind is crossencoder but no model is set",
            user_message="Set NEWSBOT_RERANK__MODEL to a CrossEncoder model folder.",
        )
    from answering.rerankers.cross_encoder import CrossEncoderReranker

    return CrossEncoderReranker(
        r.model,
        batch_size=r.batch_size,
        device=settings.embedding.device,
        max_length=r.max_length,
    )


def build_span_reader(settings: Settings) -> SpanReader | None:
    """The trained span reader for the short answer, unless the rule-based one is chosen."""
    r = settings.reader
    if r.span == "features":
        return None
    from answering.readers.span import TrainedSpanReader

    folder = Path(r.span_model).expanduser() if r.span_model else None
    traced = traced_dir(settings) if r.span_traced else None
    return TrainedSpanReader(folder, int8=r.span_int8, traced_dir=traced)


def build_answerer(settings: Settings, searcher: Searcher, reader: Reader) -> PipelineAnswerer:
    """The answerer the settings describe (policy, reranker, span reader) over a searcher and
    a reader (so one index can serve several configurations, e.g. in benchmarks)."""
    return PipelineAnswerer(
        searcher,
        reader,
        answer_policy(settings),
        reranker=build_reranker(settings),
        span_reader=build_span_reader(settings),
    )


def build_components(
    settings: Settings,
    *,
    embedder: Embedder | None = None,
    data_dir: Path | None = None,
    sentence_cache: SentenceCache | None = None,
) -> Components:
    """Open the store (creating it if new) and build the answering pipeline over it (with
    ``sentence_cache`` in place of the index's own, when given)."""
    embedder = embedder or configured_embedder(settings)
    root = data_dir or settings.data_dir
    legacy = embedder.legacy_name if isinstance(embedder, SentenceTransformerEmbedder) else None
    directory = locate_index(root, embedder.name, legacy_name=legacy)
    unselected_indexes(root, directory)
    policy = vector_index_policy(settings)
    chunking = ingest_options(settings).chunking
    url = settings.store.url.get_secret_value() if settings.store.url else ""
    store = open_store(
        directory,
        embedder.name,
        embedder.dim,
        policy,
        chunking=chunking,
        url=url,
        ef_search=settings.store.hnsw_ef_search,
    )
    lexical = open_lexical(store, settings.search.lexical, None if url else directory)
    s = settings.search
    # The search and the reader both need the question's vector: embed it once.
    questions = QueryCachingEmbedder(embedder)
    searcher = HybridSearcher(
        store, questions, lexical, k=s.k, k_dense=s.k_dense, k_lexical=s.k_lexical, rrf_k=s.rrf_k
    )
    if sentence_cache is None:
        sentence_cache = open_sentence_cache(store, directory)
    reader = build_reader(settings, questions, sentence_cache)
    answerer = build_answerer(settings, searcher, reader)
    return Components(settings, embedder, store, sentence_cache, searcher, answerer)


@contextmanager
def bundled_corpus() -> Iterator[Path]:
    """The sample articles shipped inside the package, as a folder on disk."""
    with resources.as_file(resources.files("bot") / "corpus") as path:
        yield path


def ingest(
    components: Components, paths: Sequence[Path], *, progress: bool | None = None
) -> IngestReport:
    """Ingest article files or folders into the components' store and sentence cache, and
    index the new state's words (saved with the store, so a start loads them)."""
    report = ingest_paths(
        paths,
        store=components.store,
        embedder=components.embedder,
        options=ingest_options(components.settings, progress=progress),
        sentence_cache=components.sentence_cache,
    )
    if report.changed:
        components.searcher.warm()
    return report


def ensure_corpus(components: Components, *, progress: bool | None = None) -> IngestReport | None:
    """Index the configured (or bundled) corpus when the store is empty; None if not needed
    (also when another process sharing the store loaded it meanwhile)."""
    with loading(components.store):
        if len(components.store) > 0:
            return None
        corpus_dir = components.settings.corpus_dir
        if corpus_dir is not None:
            logger.info("index is empty: indexing %s", corpus_dir)
            return ingest(components, [corpus_dir], progress=progress)
        with bundled_corpus() as corpus:
            logger.info("index is empty: indexing the bundled sample articles")
            return ingest(components, [corpus], progress=progress)
