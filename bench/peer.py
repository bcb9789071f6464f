"""A peer pipeline for comparison: off-the-shelf txtai hybrid retrieval + best-sentence answer.

Same embedder as newsbot (the packaged all-MiniLM-L6-v2, loaded by txtai through
sentence-transformers), same passages (``index.chunking.chunk_article`` with newsbot's chunking
settings) and the same indexed text per passage (title + chunk, ``index.ingest.embedding_text``).
txtai's defaults do the rest: ``hybrid=True`` is BM25 (normalised) + dense cosine, fused by a
convex combination. The answer is the sentence of the top passage most similar (cosine) to the
question; it is both the short answer and the quote. It declines only when nothing is found,
or, in the "peer@t" configuration, when that cosine is under a threshold ``t`` chosen by
``tune_threshold`` on the news dev sets (the sets newsbot's own decline bounds were
calibrated on).
"""

from __future__ import annotations

import importlib
import logging
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from evaluation import squad
from evaluation.squad_eval import Attempt, QualityResult
from index.chunking import chunk_article
from index.embedding.sentence_transformer import packaged_model_path
from index.ingest import embedding_text
from index.types import Article, Chunk

logger = logging.getLogger(__name__)


class PeerPipeline:
    """txtai ``Embeddings`` (hybrid, with content) over newsbot's passages."""

    name = "peer (txtai)"

    def __init__(
        self, embeddings: Any, passages: dict[str, tuple[Article, Chunk]], *, k: int = 8
    ) -> None:
        self._embeddings = embeddings
        self._passages = passages
        self._k = k

    @classmethod
    def build(
        cls,
        articles: Iterable[Article],
        cache_dir: Path,
        *,
        max_chars: int,
        overlap: int,
        k: int = 8,
        model: Path | None = None,
    ) -> PeerPipeline:
        """Index ``articles`` (or load the index saved in ``cache_dir`` by an earlier run)."""
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        # Imported by name: txtai is an optional (bench) dependency without type hints.
        Embeddings = importlib.import_module("txtai").Embeddings
        passages: dict[str, tuple[Article, Chunk]] = {}
        for article in articles:
            for chunk in chunk_article(article, max_chars=max_chars, overlap=overlap):
                passages[chunk.key] = (article, chunk)
        embeddings = Embeddings()
        if (cache_dir / "config.json").exists():
            embeddings.load(str(cache_dir))
            logger.info("peer: loaded %s (%d passages)", cache_dir, embeddings.count())
        else:
            started = time.perf_counter()
            embeddings = Embeddings(
                path=str(model or packaged_model_path()),
                method="sentence-transformers",
                content=True,
                hybrid=True,
            )
            embeddings.index(
                (key, embedding_text(article, chunk), None)
                for key, (article, chunk) in passages.items()
            )
            cache_dir.parent.mkdir(parents=True, exist_ok=True)
            embeddings.save(str(cache_dir))
            logger.info(
                "peer: indexed %d passages in %.1f s",
                len(passages),
                time.perf_counter() - started,
            )
        if embeddings.count() != len(passages):
            raise RuntimeError(f"{cache_dir}: {embeddings.count()} passages, {len(passages)} here")
        return cls(embeddings, passages, k=k)

    def warm(self) -> None:
        self.ask("warm up")

    def ask(self, question: str) -> Attempt:
        """Hybrid search, then the top passage's sentence closest to the question."""
        started = time.perf_counter()
        hits = [h for h in self._embeddings.search(question, self._k) if h["id"] in self._passages]
        if not hits:
            return Attempt(None, None, (time.perf_counter() - started) * 1000)
        article, chunk = self._passages[hits[0]["id"]]
        sentences = [span.slice(article.text) for span in chunk.sentences] or [chunk.text]
        vectors = np.asarray(self._embeddings.batchtransform([question, *sentences]))
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        cosines = vectors[1:] @ vectors[0]
        best = int(np.argmax(cosines))
        latency = (time.perf_counter() - started) * 1000
        retrieved = tuple(self._passages[h["id"]][0].id for h in hits)
        text = sentences[best]
        return Attempt(text, text, latency, retrieved, float(cosines[best]))


def declined_below(result: QualityResult, threshold: float) -> QualityResult:
    """The result had the system declined whenever its score is under ``threshold``."""
    if not result.answered or result.score >= threshold:
        return result
    answers = result.gold.item.answers
    return replace(
        result,
        answered=False,
        short=None,
        first_quote=None,
        em=squad.exact_match(None, answers),
        f1=squad.f1(None, answers),
        in_first_quote=False,
    )


def handled_right(results: Iterable[QualityResult]) -> int:
    """Answerable with a gold answer in the first quote, or unanswerable and declined."""
    return sum(int(r.in_first_quote if r.gold.item.answerable else not r.answered) for r in results)


def tune_threshold(results: Sequence[QualityResult]) -> float:
    """The decline threshold that handles the most ``results`` right (lowest on ties)."""
    candidates = sorted({0.0, *(r.score for r in results if r.answered)})
    best, best_right = 0.0, -1
    for threshold in candidates:
        right = handled_right(declined_below(r, threshold) for r in results)
        if right > best_right:
            best, best_right = threshold, right
    logger.info("peer threshold %.4f handles %d/%d right", best, best_right, len(results))
    return best
