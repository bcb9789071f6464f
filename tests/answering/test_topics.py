"""Articles about a topic: hybrid candidates kept above the similarity bound or when they
hold every word of the topic, each article once, best first."""

from __future__ import annotations

from answering.topics import TopicFinder, words_in
from index.types import Article, Chunk, Passage


class CannedSearcher:
    """A ``Searcher`` that returns the same passages for any query, recording the calls."""

    def __init__(self, passages: list[Passage]) -> None:
        self.passages = passages
        self.calls: list[tuple[str, int | None]] = []

    def search(
        self, query: str, k: int | None = None, *, timings: dict[str, float] | None = None
    ) -> list[Passage]:
        self.calls.append((query, k))
        return list(self.passages)


def passage(article_id: str, text: str, dense: float | None) -> Passage:
    article = Article(id=article_id, text=text, title=article_id)
    chunk = Chunk(article_id, 0, 0, len(text), text, ())
    return Passage(chunk=chunk, article=article, score=0.01, dense_score=dense)


def test_words_of_the_topic_start_words_of_the_text() -> None:
    assert words_in("Drone attacks", "Two drones attacked the port; attacks go on.")
    assert not words_in("drone attacks", "Two drones hit the port.")
    assert not words_in("war", "The police warned drivers.")  # a word, not its start
    assert words_in("Київ", "Зранку над КИЇВ і областю")
    assert not words_in("  ", "anything")


def test_articles_above_the_bound_or_with_the_words_best_first_once() -> None:
    searcher = CannedSearcher(
        [
            passage("b", "Storm floods the valley.", 0.71),
            passage("a", "Rain again.", 0.65),
            passage("b", "More on the floods.", 0.9),
            passage("c", "Fishing boats return.", 0.2),  # unrelated
            passage("d", "The flood barrier held.", 0.1),  # a lexical hit with the word
            passage("e", "A flood of letters.", None),  # lexical only, with the word
            passage("f", "Nothing to see.", None),
        ]
    )
    finder = TopicFinder(searcher, min_score=0.6, passages=40)
    assert finder.articles_about("flood") == ["b", "a", "d", "e"]
    assert searcher.calls == [("flood", 40)]
    assert TopicFinder(searcher, min_score=0.95).articles_about("volcano") == []
