"""BM25 over chunk texts (``bm25s``, English stopwords, Snowball stemmer).

Each chunk is indexed with its article's title and date (``header_text``), so a question that
names an event or a day finds the right article among many similar ones.

The index is built from ``store.all_chunks()`` on first use and rebuilt whenever the store's
generation has moved on. Built states are immutable, so searches run concurrently. With a
``directory``, each built state is saved there (``index.lexical_files``), and a start whose
store has not changed since loads it instead of building it.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

import numpy as np

from index import lexical_files
from index.keywords import KeywordTokenizer
from index.lexical_files import SavedBm25
from index.store.base import Store
from index.types import header_text

logger = logging.getLogger(__name__)


class LexicalIndex:
    """Keyword search over a store's chunks; ``search`` returns ``(chunk key, BM25 score)``."""

    def __init__(self, store: Store, directory: Path | None = None) -> None:
        self._store = store
        self._directory = directory
        self._state: SavedBm25 | None = None
        self._lock = threading.Lock()
        self._keywords = KeywordTokenizer()

    @property
    def generation(self) -> int | None:
        """The store generation the current index was built from (None before the first)."""
        state = self._state
        return state.generation if state is not None else None

    def refresh(self) -> None:
        """Build the index now if the store changed (e.g. at start-up, off the hot path)."""
        self._current()

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """The ``k`` best chunks containing query terms, best first; [] when none match."""
        if k <= 0 or not query.strip():
            return []
        state = self._current()
        if state.retriever is None:
            return []
        vocab = state.retriever.vocab_dict
        tokens = [
            token for token in self._keywords.tokenize([query])[0] if token and token in vocab
        ]
        if not tokens:
            return []
        scores = np.asarray(state.retriever.get_scores(tokens), dtype=np.float32)
        order = np.argsort(-scores, kind="stable")[:k]
        return [(state.keys[i], float(scores[i])) for i in order if scores[i] > 0]

    def _current(self) -> SavedBm25:
        state = self._state
        if state is not None and state.generation == self._store.generation:
            return state
        with self._lock:
            state = self._state
            generation = self._store.generation
            if state is None or state.generation != generation:
                state = self._load(generation) or self._build(generation)
                self._state = state
            return state

    def _build(self, generation: int) -> SavedBm25:
        """Index every chunk. ``generation`` is read before the chunks, so a write racing with
        the build at worst causes one more rebuild."""
        import bm25s

        chunks = self._store.all_chunks()
        headers = {a.id: header_text(a.title, a.date) for a in self._store.articles()}
        keys = tuple(chunk.key for chunk in chunks)
        corpus = self._keywords.tokenize(
            [f"{headers.get(c.article_id, '')}\n{c.text}" for c in chunks]
        )
        retriever = None
        if any(corpus):
            retriever = bm25s.BM25()
            retriever.index(corpus, show_progress=False)
        logger.info("built the BM25 index: %d chunks, generation %d", len(keys), generation)
        state = SavedBm25(generation, keys, retriever)
        if self._directory is not None:
            lexical_files.save(self._directory, state)
        return state

    def _load(self, generation: int) -> SavedBm25 | None:
        if self._directory is None:
            return None
        state = lexical_files.load(self._directory, generation)
        if state is not None:
            logger.info(
                "loaded the BM25 index: %d chunks, generation %d", len(state.keys), generation
            )
        return state
