"""The answering pipeline over the bundled sample: answers, verbatim quotes, declines, errors."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

import pytest

from answering.decline import DeclinePolicy
from answering.pipeline import AnswerPolicy, PipelineAnswerer
from answering.question import Question
from answering.readers.extractive import ExtractiveReader, Reading
from answering.scoring import Features
from bot.config.settings import Settings
from bot.policies import answer_policy
from index.errors import EmptyQuestionError, QuestionTooLongError
from index.lexical import LexicalIndex
from index.search import HybridSearcher
from index.types import Article, Passage, Span
from tests.answering.conftest import answerer_over
from tests.answering.fakes import FakeSpanReader
from tests.index.fakes import FakeEmbedder, MemoryStore

DRONES = "how many drones were intercepted?"


def pipeline(
    store: MemoryStore, embedder: FakeEmbedder, policy: AnswerPolicy | None = None
) -> PipelineAnswerer:
    """Wired as ``bot.factory.build_components`` wires it, over a memory store."""
    searcher = HybridSearcher(store, embedder, LexicalIndex(store))
    return PipelineAnswerer(searcher, ExtractiveReader(embedder), policy)


@pytest.fixture
def answerer(sample_store: MemoryStore, fake_embedder: FakeEmbedder) -> PipelineAnswerer:
    return pipeline(sample_store, fake_embedder)


def sample(store: MemoryStore) -> Article:
    (info,) = store.articles()
    return store.get_article(info.id)


def test_how_many_drones_were_intercepted(
    answerer: PipelineAnswerer, sample_store: MemoryStore
) -> None:
    answer = answerer.answer(DRONES)
    article = sample(sample_store)
    assert answer.answer is not None and "37" in answer.answer
    assert not answer.declined
    assert answer.lang == "en"
    assert answer.question == DRONES
    assert answer.quotes
    quote = answer.quotes[0]
    assert "37 of the 65 drones" in quote.text
    assert quote.text == article.text[quote.start : quote.end]
    assert quote.date == dt.date(2025, 2, 4)
    assert quote.article_id == article.id
    assert quote.source == "VOA / AP"
    assert quote.title == article.title
    assert quote.paragraph == article.text[quote.paragraph_start : quote.paragraph_end]
    assert quote.paragraph_start <= quote.start < quote.end <= quote.paragraph_end
    assert answer.answer in quote.text
    assert 0 < answer.confidence <= 1


def test_every_quote_and_further_passage_is_verbatim(
    answerer: PipelineAnswerer, sample_store: MemoryStore
) -> None:
    article = sample(sample_store)
    for question in (
        DRONES,
        "how many houses were damaged in Sumy?",
        "who is the governor of Cherkasy?",
    ):
        answer = answerer.answer(question)
        assert len(answer.quotes) <= AnswerPolicy().max_quotes
        assert len(answer.more) <= AnswerPolicy().more_passages
        for quote in (*answer.quotes, *answer.more):
            assert quote.text == article.text[quote.start : quote.end]
            assert quote.text == quote.text.strip() and quote.text
        shown = {(q.article_id, q.start) for q in answer.quotes}
        assert not shown & {(q.article_id, q.start) for q in answer.more}


def test_other_answers_from_the_sample(answerer: PipelineAnswerer) -> None:
    houses = answerer.answer("how many houses were damaged in Sumy?")
    assert houses.answer == "eight houses"
    governor = answerer.answer("who is the governor of Cherkasy?")
    assert governor.answer is not None and "Ihor Taburets" in governor.answer


def test_the_answer_reports_timings(answerer: PipelineAnswerer) -> None:
    answer = answerer.answer(DRONES)
    stages = {"embed_ms", "dense_ms", "lexical_ms", "fuse_ms", "search_ms", "read_ms"}
    assert stages <= set(answer.timings)
    assert answer.latency_ms >= answer.timings["search_ms"] + answer.timings["read_ms"]
    assert data_has_timings(answer.as_json(), stages)
    data = answer.as_json()
    assert data["answer"] == answer.answer
    assert isinstance(data["quotes"], list) and data["quotes"][0]["date"] == "2025-02-04"


def test_it_declines_below_the_evidence_threshold_and_names_the_closest_article(
    sample_store: MemoryStore, fake_embedder: FakeEmbedder
) -> None:
    strict = AnswerPolicy(decline=DeclinePolicy(min_evidence=1.01))
    answer = pipeline(sample_store, fake_embedder, strict).answer(DRONES)
    article = sample(sample_store)
    assert answer.answer is None
    assert answer.declined
    assert answer.quotes == ()
    assert answer.more == ()
    assert [ref.article_id for ref in answer.closest] == [article.id]
    assert answer.closest[0].title == article.title
    assert answer.closest[0].date == dt.date(2025, 2, 4)
    assert 0 < answer.confidence < 1.01


def test_an_empty_index_declines_with_nothing_close(
    memory_store: MemoryStore, fake_embedder: FakeEmbedder
) -> None:
    answer = pipeline(memory_store, fake_embedder).answer(DRONES)
    assert answer.declined
    assert answer.closest == ()
    assert answer.confidence == 0.0


@pytest.mark.parametrize("question", ["", "   ", "?!", "\x00\x01"])
def test_an_empty_question_raises(answerer: PipelineAnswerer, question: str) -> None:
    with pytest.raises(EmptyQuestionError):
        answerer.answer(question)


def test_an_over_long_question_raises_with_the_limit(
    sample_store: MemoryStore, fake_embedder: FakeEmbedder
) -> None:
    with pytest.raises(QuestionTooLongError) as info:
        pipeline(sample_store, fake_embedder).answer("drones " * 1500)
    assert info.value.params["limit"] == 500
    short = pipeline(sample_store, fake_embedder, AnswerPolicy(max_question_chars=20))
    with pytest.raises(QuestionTooLongError) as info:
        short.answer(DRONES)
    assert info.value.params["limit"] == 20


def test_the_language_hint_sets_the_reply_language(answerer: PipelineAnswerer) -> None:
    assert answerer.answer("Скільки дронів збили?").lang == "uk"
    assert answerer.answer("2025?", lang_hint="ru").lang == "ru"


def test_warm_warms_the_reader_and_answers_once(
    sample_store: MemoryStore, fake_embedder: FakeEmbedder
) -> None:

    spans = FakeSpanReader()
    searcher = HybridSearcher(sample_store, fake_embedder, LexicalIndex(sample_store))
    PipelineAnswerer(searcher, ExtractiveReader(fake_embedder), span_reader=spans).warm()
    assert fake_embedder.warmed
    assert "query" in [kind for kind, *_ in fake_embedder.history]
    assert spans.calls == 1  # the whole pipeline ran once, models included


class _ForgingReader:
    """A reader that cites a forged copy of the article (same id, altered text)."""

    def read(self, question: Question, passages: Sequence[Passage]) -> list[Reading]:
        passage = passages[0]
        real = passage.article
        forged = Article(
            id=real.id,
            text=real.text.replace("37 of the 65", "64 of the 65"),
            title=real.title,
            date=real.date,
        )
        start = forged.text.index("64 of the 65")
        sentence = Span(forged.text.rfind("\n", 0, start) + 1, forged.text.index(".", start) + 1)
        features = Features(
            dense=1.0, coverage=1.0, context=1.0, names=1.0, answer_type=1.0, retrieval=1.0
        )
        fake_passage = Passage(passage.chunk, forged, passage.score)
        return [Reading(fake_passage, sentence, Span(start, start + 2), 1.0, features)]

    def warm(self) -> None:
        return None


def test_a_forged_quote_never_reaches_the_answer(
    sample_store: MemoryStore, fake_embedder: FakeEmbedder
) -> None:
    searcher = HybridSearcher(sample_store, fake_embedder, LexicalIndex(sample_store))
    answer = PipelineAnswerer(searcher, _ForgingReader()).answer(DRONES)
    assert answer.declined
    assert answer.quotes == ()
    assert answer.closest and answer.closest[0].article_id == sample(sample_store).id


def data_has_timings(data: dict[str, object], stages: set[str]) -> bool:
    timings = data["timings_ms"]
    return isinstance(timings, dict) and stages <= set(timings)


def test_a_dated_question_answers_from_that_days_report_among_many_alike(
    tmp_path: Path,
) -> None:
    def night(date: str, shot: int, launched: int) -> str:
        return (
            f" title Overnight drone attack\n date {date}\n\n"
            f"Russia launched {launched} drones at Ukraine overnight. Ukraine's air force "
            f"said air defences shot down {shot} of the {launched} drones."
        )

    answerer = answerer_over(
        tmp_path,
        night("2025-02-04", 37, 65),
        night("2025-05-25", 95, 110),
        night("2025-07-10", 700, 728),
        today=lambda: dt.date(2025, 8, 1),
        policy=answer_policy(Settings(_env_file=None)),  # type: ignore[call-arg]
    )
    dated = answerer.answer("How many drones were shot down in the attack on 4 February 2025?")
    assert dated.answer is not None and "37" in dated.answer
    assert dated.quotes[0].date == dt.date(2025, 2, 4)
    undated = answerer.answer("How many drones were shot down?")
    assert undated.timeline
    assert [q.date for q in undated.quotes] == sorted(
        (q.date for q in undated.quotes if q.date), reverse=True
    )
    assert undated.quotes[0].date == dt.date(2025, 7, 10)  # the newest report first
