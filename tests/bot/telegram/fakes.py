"""Fakes for the Telegram tests: a scriptable answerer, a catalog, a clock moved by hand."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

from answering.types import Answer, ArticleRef, Quote
from index.types import Article, ArticleInfo

TOKEN = "123456789:AAHtestTOKENnotREAL-abcdefghijklmnop"

ANN: dict[str, Any] = {"id": 1001, "is_bot": False, "first_name": "Ann", "language_code": "en"}
BOHDAN: dict[str, Any] = {
    "id": 1002,
    "is_bot": False,
    "first_name": "Bohdan",
    "language_code": "uk",
}
CAROL: dict[str, Any] = {"id": 1003, "is_bot": False, "first_name": "Carol", "language_code": "de"}
PARAGRAPH = (
    "The attack began at night. Air defence forces shot down 42 of 45 drones overnight, "
    "the air force said. Debris damaged two houses."
)
QUOTE_TEXT = "Air defence forces shot down 42 of 45 drones overnight, the air force said."
NEXT_PARAGRAPH = "Regional officials said repairs would start on Monday."
#: The text of the quoted articles: the paragraph, then another one.
ARTICLE_TEXT = f"{PARAGRAPH}\n\n{NEXT_PARAGRAPH}"


def make_quote(
    text: str = QUOTE_TEXT, *, title: str = "Drones <repelled> & more", n: int = 1
) -> Quote:
    start = PARAGRAPH.find(text)
    return Quote(
        article_id=f"art{n}",
        title=title,
        date=dt.date(2024, 5, n),
        source="Kyiv Daily",
        url=f"https://example.com/news?id={n}&lang=en",
        text=text,
        start=max(start, 0),
        end=max(start, 0) + len(text),
        score=0.9,
        paragraph=PARAGRAPH if start >= 0 else text,
        paragraph_start=0,
        paragraph_end=len(PARAGRAPH),
    )


def make_answer(question: str) -> Answer:
    """A typical answer: short answer, one quote, two more passages."""
    more = (
        make_quote("Debris damaged two houses.", title="Night of drones", n=2),
        make_quote("The attack began at night.", title="Morning report", n=3),
    )
    return Answer(question, "42 of 45 drones were shot down.", (make_quote(),), 0.8, "en", (), more)


def declined_answer(question: str) -> Answer:
    closest = (ArticleRef("art9", "Budget talks", dt.date(2024, 4, 2), "Reuters", None),)
    return Answer(question, None, lang="en", closest=closest)


class FakeAnswerer:
    """An ``Answerer`` that records questions; ``block`` makes matching questions wait."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.warm_calls = 0
        self.answers: dict[str, Answer | BaseException] = {}
        self._lock = threading.Lock()
        self._gates: dict[str, threading.Event] = {}
        self.entered: dict[str, threading.Event] = {}

    def block(self, needle: str) -> None:
        """Questions containing ``needle`` wait until ``release_all`` (at most 10 s)."""
        self._gates[needle] = threading.Event()
        self.entered[needle] = threading.Event()

    def release_all(self) -> None:
        for gate in self._gates.values():
            gate.set()

    def answer(self, question: str) -> Answer:
        with self._lock:
            self.calls.append(question)
        for needle, gate in self._gates.items():
            if needle in question:
                self.entered[needle].set()
                gate.wait(10)
        result = self.answers.get(question) or make_answer(question)
        if isinstance(result, BaseException):
            raise result
        return result

    def warm(self) -> None:
        self.warm_calls += 1


def article_text(i: int, paragraphs: int = 3) -> str:
    """The body of the fake catalog's article ``i``: ``paragraphs`` numbered paragraphs."""
    return "\n\n".join(
        f"Paragraph {n} of article {i} <{i}> & more: the council met on day {n}."
        for n in range(1, paragraphs + 1)
    )


class FakeCatalog:
    """``count`` articles (``id1``...; odd ones have a web URL), newest first; each article's
    text is ``article_text(i)`` unless ``texts`` holds another. ``articles_about`` (the
    ``TopicSearch``) finds the articles whose title or text holds every word of the topic."""

    def __init__(self, count: int = 0) -> None:
        first = dt.date(2024, 1, 1)
        added = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
        self.items = [
            ArticleInfo(
                f"id{i}",
                f"Article {i} <{i}>",
                first + dt.timedelta(days=count - i),
                "Wire",
                f"https://example.com/{i}" if i % 2 else None,
                f"/corpus/{i}.txt",
                3,
                added,
            )
            for i in range(1, count + 1)
        ]
        self.texts: dict[str, str] = {
            info.id: article_text(n) for n, info in enumerate(self.items, start=1)
        }
        self.topic_calls: list[str] = []
        #: The store generation (the answer cache's keys hold it); a test may bump it.
        self.generation = 1
        #: The articles the fake answers quote (``art1``...), for views of their text.
        self.quoted = {
            f"art{n}": Article(f"art{n}", ARTICLE_TEXT, f"Article {n}", url=None) for n in (1, 2, 3)
        }

    def articles(self) -> list[ArticleInfo]:
        return list(self.items)

    def get_article(self, article_id: str) -> Article:
        if article_id in self.quoted:
            return self.quoted[article_id]
        found = [item for item in self.items if item.id == article_id]
        if not found:
            raise KeyError(article_id)
        info = found[0]
        text = self.texts[info.id]
        where = (info.date, info.source, info.url, info.origin)
        return Article(info.id, text, info.title, *where, author=info.author)

    def remove(self, article_id: str) -> None:
        self.items = [item for item in self.items if item.id != article_id]

    def articles_about(self, topic: str) -> list[str]:
        self.topic_calls.append(topic)
        words = topic.casefold().split()
        return [
            item.id
            for item in reversed(self.items)  # (best match first: any order but newest)
            if all(w in f"{item.title} {self.texts[item.id]}".casefold() for w in words)
        ]


class ManualClock:
    """A clock that stands still at ``now`` until a test moves it."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now
