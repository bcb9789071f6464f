"""The shipped trained span reader (on by default) and reranker (opt-in), loaded from the
package with the packaged MiniLM, answering over the bundled article."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.config.answering import RerankSettings
from bot.config.settings import Settings
from bot.factory import Components
from tests.integration.bundled import over_bundled_article

pytestmark = [pytest.mark.integration, pytest.mark.trained]


@pytest.fixture(scope="module")
def components(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Components]:
    with over_bundled_article(
        tmp_path_factory.mktemp("data"), rerank=RerankSettings(kind="trained")
    ) as built:
        yield built


@pytest.fixture(scope="module")
def defaults(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Components]:
    """The default configuration: the span reader and its two bounds, no reranker."""
    with over_bundled_article(tmp_path_factory.mktemp("d"), warm=False) as built:
        yield built


def test_the_defaults_answer_and_decline_with_the_span_readers_bounds(
    defaults: Components,
) -> None:
    from bot.policies import decline_policy

    policy = decline_policy(defaults.settings)
    assert 0 < policy.sure_no_answer < policy.max_no_answer
    answer = defaults.answerer.answer("how many drones were intercepted?")
    assert answer.answer is not None and "37 of the 65 drones" in answer.answer
    # not vouched for (no-answer probability above sure_no_answer): the evidence score passed
    assert defaults.settings.answer.min_evidence <= answer.confidence <= 1.0
    assert "span_ms" in answer.timings and "rerank_ms" not in answer.timings
    for question in (
        "What is the weather forecast for Kyiv this week?",
        "How many Russian soldiers were captured?",
        "What is the current price of lithium?",
    ):
        declined = defaults.answerer.answer(question)
        assert declined.answer is None and declined.quotes == ()


def test_the_shipped_models_answer_the_founding_question(components: Components) -> None:
    answer = components.answerer.answer("how many drones were intercepted?")
    assert answer.answer is not None and "37" in answer.answer
    quote = answer.quotes[0]
    article = components.store.get_article(quote.article_id)
    assert article.text[quote.start : quote.end] == quote.text
    assert "37 of the 65 drones" in quote.text
    assert {"rerank_ms", "span_ms"} <= set(answer.timings)
    stages = ("search_ms", "read_ms", "rerank_ms", "span_ms", "compose_ms")
    assert answer.latency_ms >= sum(answer.timings[k] for k in stages)  # stages do not overlap


def test_the_span_reader_is_on_by_default_and_the_reranker_opt_in() -> None:
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.reader.span == "trained" and settings.rerank.kind == "none"


@pytest.mark.parametrize(
    "question",
    [
        "What is the weather forecast for Kyiv this week?",
        "How many Russian soldiers were captured?",
        "What is the current price of lithium?",
    ],
)
def test_the_shipped_models_decline_what_the_article_does_not_say(
    components: Components, question: str
) -> None:
    answer = components.answerer.answer(question)
    assert answer.answer is None and answer.quotes == ()
