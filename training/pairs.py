"""(question, sentence, label) pairs for the cross-encoder reranker.

Each sentence is read with its article's title and the sentence before it, as at run time.
Per answerable question: the sentence that holds the answer (label 1), other sentences of its
paragraph (hard negatives, label 0) and sentences of the BM25-best paragraphs of *other*
articles (the distractors open-corpus retrieval brings). An unanswerable question gives
negatives only: the sentences of its own paragraph that share most words with it.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass

from answering.model_files import pair_text
from training.data import Paragraph, TrainQuestion

logger = logging.getLogger(__name__)

_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Pair:
    question: str
    text: str  # ``reranker_text``: what the reranker reads at run time
    label: float


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) > 2}


def _by_overlap(question: str, paragraph: Paragraph, skip: int | None) -> list[int]:
    """Indices of the paragraph's sentences (except ``skip``), most words shared with the
    question first."""
    asked = _words(question)
    texts = {i: s.slice(paragraph.text) for i, s in enumerate(paragraph.sentences) if i != skip}
    return sorted(texts, key=lambda i: -len(asked & _words(texts[i])))


def reranker_text(paragraph: Paragraph, i: int) -> str:
    """Sentence ``i`` as the reranker reads it: with the title and the sentence before it."""
    sentences = paragraph.sentences
    previous = sentences[i - 1].slice(paragraph.text) if i > 0 else ""
    return pair_text(paragraph.title, sentences[i].slice(paragraph.text), previous)


class ParagraphRetriever:
    """BM25 (bm25s) over the training paragraphs, for negatives from other articles."""

    def __init__(self, paragraphs: Sequence[Paragraph]) -> None:
        import bm25s

        self._paragraphs = list(paragraphs)
        self._retriever = bm25s.BM25()
        tokens = bm25s.tokenize(
            [p.text for p in self._paragraphs], stopwords="en", show_progress=False
        )
        self._retriever.index(tokens, show_progress=False)

    def others(self, question: TrainQuestion, k: int) -> list[Paragraph]:
        """The ``k`` best paragraphs for the question from articles other than its own."""
        import bm25s

        if k <= 0:
            return []
        tokens = bm25s.tokenize([question.text], stopwords="en", show_progress=False)
        if not tokens.vocab:
            return []
        n = min(len(self._paragraphs), k + 40)
        docs, _ = self._retriever.retrieve(tokens, k=n, show_progress=False)
        out = [
            self._paragraphs[int(i)]
            for i in docs[0]
            if self._paragraphs[int(i)].title != question.paragraph.title
        ]
        return out[:k]


def reranker_pairs(
    questions: Sequence[TrainQuestion],
    retriever: ParagraphRetriever,
    *,
    paragraph_negatives: int = 2,
    retrieved_negatives: int = 2,
    unanswerable_negatives: int = 2,
    seed: int = 13,
) -> list[Pair]:
    """The training pairs, shuffled with ``seed``."""
    pairs: list[Pair] = []
    for q in questions:
        gold = q.answer_sentence()
        if q.answer is not None and gold is None:
            continue  # the answer spans two sentences: no clean positive
        if gold is not None:
            pairs.append(Pair(q.text, reranker_text(q.paragraph, gold), 1.0))
            negatives = _by_overlap(q.text, q.paragraph, gold)[:paragraph_negatives]
        else:
            negatives = _by_overlap(q.text, q.paragraph, None)[:unanswerable_negatives]
        pairs += [Pair(q.text, reranker_text(q.paragraph, i), 0.0) for i in negatives]
        if gold is not None:
            for other in retriever.others(q, retrieved_negatives):
                best = _by_overlap(q.text, other, None)[:1]
                pairs += [Pair(q.text, reranker_text(other, i), 0.0) for i in best]
    random.Random(seed).shuffle(pairs)
    logger.info(
        "reranker pairs: %d (%d positive)", len(pairs), sum(1 for p in pairs if p.label > 0)
    )
    return pairs
