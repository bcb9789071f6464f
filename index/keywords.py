"""Words as the keyword index sees them: lower-cased, English stop words dropped and the rest
Snowball-stemmed ("drones" and "drone" are one word), through bm25s's tokenizer.

One stemmer per thread: PyStemmer objects must not be shared between threads.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

_LANGUAGE = "english"
_STOPWORDS = "en"


class KeywordTokenizer:
    """Texts to their keyword stems, in order (repeats kept)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def tokenize(self, texts: Sequence[str]) -> list[list[str]]:
        import bm25s

        tokens = bm25s.tokenize(
            list(texts),
            stopwords=_STOPWORDS,
            stemmer=self._stemmer(),
            return_ids=False,
            show_progress=False,
        )
        return [list(words) for words in tokens]

    def _stemmer(self) -> Any:
        stemmer = getattr(self._local, "stemmer", None)
        if stemmer is None:
            import Stemmer

            stemmer = Stemmer.Stemmer(_LANGUAGE)
            self._local.stemmer = stemmer
        return stemmer
