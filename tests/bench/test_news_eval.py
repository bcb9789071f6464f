"""bench.news_eval: other systems' replies as answers, scored as newsbot's are."""

from __future__ import annotations

import datetime as dt

from bench.news_eval import peer_answer, score_all, squad_stem
from bench.news_eval_before import answer_of
from evaluation.runner import EvalItem
from evaluation.squad_eval import Attempt
from index.types import Article

ARTICLE = Article(
    id="a1", text="Intro. Air defences shot down 37 drones.", title="Drones", origin="x.txt"
)


def test_a_json_answer_becomes_an_answer_with_its_quotes() -> None:
    quote: dict[str, object] = {"article_id": "a1", "title": "Drones", "date": "2025-02-04"}
    quote |= {"text": "Air defences shot down 37 drones.", "start": 7, "end": 40, "answer": "37"}
    obj = {"answer": "37", "quotes": [quote], "latency_ms": 12.5, "confidence": 0.9}
    answer = answer_of("how many?", obj)
    assert (answer.answer, answer.latency_ms) == ("37", 12.5)
    [q] = answer.quotes
    assert (q.article_id, q.date, q.start, q.end) == ("a1", dt.date(2025, 2, 4), 7, 40)
    [result] = score_all(
        [EvalItem("how many?", ("37",), gold_id="a1")], [answer], {"a1": ARTICLE}.get
    )
    assert result.right_article and result.verbatim == 1


def test_json_declines_and_errors_are_declines() -> None:
    assert answer_of("q", {"answer": None, "quotes": [], "latency_ms": 3}).declined
    assert answer_of("q", {"error": "empty_question", "message": "..."}).declined


def test_the_peers_sentence_is_its_short_answer_and_quote() -> None:
    sentence = "Air defences shot down 37 drones."
    attempt = Attempt(sentence, sentence, 4.0, retrieved=("a1", "b2"), score=0.7)
    answer = peer_answer("how many?", attempt, {"a1": ARTICLE}.get)
    [q] = answer.quotes
    assert (answer.answer, q.article_id, q.title, q.start, q.end) == (
        sentence,
        "a1",
        "Drones",
        7,
        40,
    )
    [result] = score_all(
        [EvalItem("how many?", ("37",), gold_id="a1")], [answer], {"a1": ARTICLE}.get
    )
    assert result.right_article and result.verbatim == 1
    assert peer_answer("q", Attempt(None, None, 2.0), lambda _id: None).declined


def test_squad_paragraph_files_are_named_by_title_and_index() -> None:
    article = Article(
        id="p", text="t", title="Sky (United Kingdom)", origin="squad:Sky_(United_Kingdom)#3"
    )
    assert squad_stem(article) == "Sky_(United_Kingdom)-003"
