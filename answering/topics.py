"""Articles about a topic, for /latest TOPIC: hybrid retrieval with a bound on relevance.

The searcher's candidates (dense and BM25, fused) are kept only where the passage is about
the topic: its cosine similarity to the topic reaches ``min_score``, or it holds every word
of the topic (as the lexical index stems them: "drone" finds "drones"). Fused ranks say which
passages are best, not whether any is about the topic at all, and a topic the articles do
not cover must list nothing. Short topics ("drones") are far from whole passages in the
embedding space even when the passage is about them, hence the words. The bound is chosen
on the news dev sets by ``bench.calibrate_topics``.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

from index.search import Searcher
from index.types import Passage

logger = logging.getLogger(__name__)

#: Passages searched per topic (a topic's articles are many; a question's are few).
TOPIC_PASSAGES = 60
_WORD = re.compile(r"\w+")
_STEMMERS = threading.local()  # (PyStemmer objects must not be shared between threads)


def _stems(text: str) -> set[str]:
    stemmer: Any = getattr(_STEMMERS, "english", None)
    if stemmer is None:
        import Stemmer

        stemmer = _STEMMERS.english = Stemmer.Stemmer("english")
    return set(stemmer.stemWords(_WORD.findall(text.casefold())))


def words_in(topic: str, text: str) -> bool:
    """Whether every word of ``topic`` is in ``text``, as the English Snowball stemmer (the
    lexical index's) reduces them; case ignored."""
    wanted = _stems(topic)
    return bool(wanted) and wanted <= _stems(text)


class TopicFinder:
    """``TopicSearch`` over a ``Searcher``: the articles of the passages about the topic."""

    def __init__(
        self, searcher: Searcher, *, min_score: float, passages: int = TOPIC_PASSAGES
    ) -> None:
        self._searcher = searcher
        self._min_score = min_score
        self._passages = passages

    def articles_about(self, topic: str) -> list[str]:
        """The IDs of the articles with a passage about ``topic``, best passage first."""
        found: dict[str, None] = {}
        passages = self._searcher.search(topic, self._passages)
        for passage in passages:
            if self._about(topic, passage):
                found.setdefault(passage.article.id)
        logger.debug("topic search: %d passages, %d articles", len(passages), len(found))
        return list(found)

    def _about(self, topic: str, passage: Passage) -> bool:
        dense = passage.dense_score
        return (dense is not None and dense >= self._min_score) or words_in(
            topic, passage.chunk.text
        )
