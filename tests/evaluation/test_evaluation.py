"""``newsbot eval``: correctness, summaries, latency percentiles, question files."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from answering.types import Answer, Quote
from evaluation.runner import (
    EvalItem,
    ItemResult,
    Summary,
    doc_ids,
    failures,
    format_summary,
    gold_ids,
    is_correct,
    load_items,
    run_item,
    score_answer,
    summarize,
)
from index.documents.text import content_id
from index.errors import EmptyQuestionError
from index.types import Article
from tests.quotes import quote_of

ARTICLE = Article(id="a1", text="Air defenses shot down 37 of the 65 drones.", title="Drones")


def quote(text: str = "Air defenses shot down 37 of the 65 drones.", start: int = 0) -> Quote:
    return quote_of(text, start)


def answered(short: str, *quotes: Quote, latency: float = 10.0) -> Answer:
    return Answer("q", short, quotes=quotes or (quote(),), latency_ms=latency)


def declined(latency: float = 5.0) -> Answer:
    return Answer("q", None, latency_ms=latency)


def result(item: EvalItem, *, answered: bool, correct: bool, latency: float = 1.0) -> ItemResult:
    return ItemResult(item, answered, correct, quotes=1, verbatim=1, latency_ms=latency)


# --- is_correct -----------------------------------------------------------------------------------


def test_an_expected_answer_in_the_short_answer_is_correct() -> None:
    item = EvalItem("how many drones?", ("37",))
    assert is_correct(item, answered("37 of the 65 drones"))


def test_an_expected_answer_in_the_first_quote_is_correct() -> None:
    item = EvalItem("how many drones?", ("65 drones",))
    assert is_correct(item, answered("37"))


def test_matching_ignores_case_and_any_answer_counts() -> None:
    item = EvalItem("who?", ("Ihor Taburets", "TABURETS"))
    assert is_correct(item, answered("governor ihor taburets", quote("x")))


def test_a_wrong_answer_is_not_correct() -> None:
    item = EvalItem("how many drones?", ("40",))
    assert not is_correct(item, answered("37", quote("37 drones")))


def test_only_the_first_quote_is_searched() -> None:
    item = EvalItem("how many drones?", ("65",))
    assert not is_correct(item, answered("37", quote("37 drones"), quote("65 drones")))


def test_declining_an_answerable_question_is_wrong() -> None:
    assert not is_correct(EvalItem("how many drones?", ("37",)), declined())


def test_declining_an_unanswerable_question_is_right_and_answering_it_wrong() -> None:
    item = EvalItem("what is the capital of France?", ())
    assert not item.answerable
    assert is_correct(item, declined())
    assert not is_correct(item, answered("Paris"))


# --- run_item -------------------------------------------------------------------------------------


class _Fixed:
    def __init__(self, answer: Answer | Exception) -> None:
        self._answer = answer

    def answer(self, question: str) -> Answer:
        if isinstance(self._answer, Exception):
            raise self._answer
        return self._answer

    def warm(self) -> None:
        return None


def test_run_item_counts_verbatim_quotes() -> None:
    good = quote()
    forged = quote("Air defenses shot down 47 of the 65 drones.")
    answer = answered("37", good, forged, latency=12.5)
    res = run_item(EvalItem("how many?", ("37",)), _Fixed(answer), {"a1": ARTICLE}.get)
    assert res.answered and res.correct
    assert (res.quotes, res.verbatim) == (2, 1)
    assert res.latency_ms == 12.5
    assert res.short == "37"
    assert res.first_quote == good.text


def test_run_item_treats_an_input_error_as_a_decline() -> None:
    res = run_item(EvalItem("?", ()), _Fixed(EmptyQuestionError("empty")), {"a1": ARTICLE}.get)
    assert not res.answered
    assert res.correct
    assert res.quotes == 0 and res.first_quote is None


def test_run_item_counts_quotes_of_unknown_articles_as_not_verbatim() -> None:
    res = run_item(EvalItem("q", ("37",)), _Fixed(answered("37")), lambda _id: None)
    assert (res.quotes, res.verbatim) == (1, 0)


# --- summarize ------------------------------------------------------------------------------------


def test_summarize_counts_accuracy_declines_and_groups() -> None:
    en = EvalItem("q1", ("a",), "en", "count")
    uk = EvalItem("q2", ("b",), "uk", "person")
    en2 = EvalItem("q3", ("c",), "en", "count")
    none1 = EvalItem("q4", (), "en")
    none2 = EvalItem("q5", (), "ru")
    results = [
        result(en, answered=True, correct=True, latency=10),
        result(uk, answered=False, correct=False, latency=20),
        result(en2, answered=True, correct=False, latency=30),
        result(none1, answered=False, correct=True, latency=40),
        result(none2, answered=True, correct=False, latency=50),
    ]
    s = summarize(results)
    assert (s.total, s.answerable, s.unanswerable, s.correct) == (5, 3, 2, 1)
    assert s.accuracy == pytest.approx(1 / 3)
    assert s.by_lang == {"en": (1, 2), "uk": (0, 1)}
    assert s.by_kind == {"count": (1, 2), "person": (0, 1)}
    assert (s.declined_right, s.declined_wrong) == (1, 1)
    assert s.decline_precision == pytest.approx(0.5)
    assert s.decline_recall == pytest.approx(0.5)
    assert (s.quotes, s.verbatim) == (5, 5)
    assert s.verbatim_share == 1.0
    assert s.latencies == [10, 20, 30, 40, 50]


def test_an_empty_summary_has_safe_ratios() -> None:
    s = summarize([])
    assert s.total == 0
    assert s.accuracy == 0.0
    assert s.decline_precision == 1.0
    assert s.decline_recall == 1.0
    assert s.verbatim_share == 1.0
    assert s.percentile(50) == 0.0


# --- percentiles ----------------------------------------------------------------------------------


def test_a_summary_gives_the_percentiles_of_its_latencies() -> None:
    s = Summary(latencies=[40.0, 10.0, 30.0, 20.0])
    assert s.percentile(50) == pytest.approx(25.0)
    assert s.percentile(95) == pytest.approx(38.5)


# --- load_items -----------------------------------------------------------------------------------


def test_load_items_reads_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    rows = [
        {"q": "how many drones?", "answers": ["37", "thirty-seven"], "lang": "en", "kind": "count"},
        {"q": "Скільки дронів збили?", "answers": ["37"], "lang": "uk"},
        {"q": "what is the capital of France?", "answers": []},
        {"q": "no answers key"},
    ]
    lines = [json.dumps(row, ensure_ascii=False) for row in rows]
    path.write_text("\n".join([lines[0], "", "   ", *lines[1:]]) + "\n", encoding="utf-8")
    items = load_items(path)
    assert items == [
        EvalItem("how many drones?", ("37", "thirty-seven"), "en", "count"),
        EvalItem("Скільки дронів збили?", ("37",), "uk", None),
        EvalItem("what is the capital of France?", (), "en", None),
        EvalItem("no answers key", (), "en", None),
    ]
    assert [item.answerable for item in items] == [True, True, False, False]


def test_load_items_reads_the_gold_doc_and_date(tmp_path: Path) -> None:
    path = tmp_path / "questions.jsonl"
    row = {"q": "how many?", "answers": ["37"], "doc": "2025-02-04-drones", "date": "2025-02-04"}
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    [item] = load_items(path)
    assert (item.doc, item.date, item.gold_id) == ("2025-02-04-drones", "2025-02-04", None)


def test_load_items_of_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("", encoding="utf-8")
    assert load_items(path) == []


def test_load_items_rejects_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"q": "ok"}\n{not json}\n', encoding="utf-8")
    with pytest.raises(json.JSONDecodeError):
        load_items(path)


# --- reports --------------------------------------------------------------------------------------


def test_format_summary_prints_every_figure() -> None:
    en = EvalItem("q1", ("a",), "en", "count")
    none = EvalItem("q2", (), "en")
    s = summarize(
        [
            result(en, answered=True, correct=True, latency=10),
            result(none, answered=False, correct=True, latency=30),
        ]
    )
    text = format_summary(s, title="dev.jsonl")
    assert text.splitlines()[0] == "== dev.jsonl"
    assert "questions: 2 (1 answerable, 1 unanswerable)" in text
    assert "answerable accuracy: 1/1 = 100.0%" in text
    assert "  en: 1/1 = 100.0%" in text
    assert "  count: 1/1 = 100.0%" in text
    assert "decline precision: 1/1 = 100.0%" in text
    assert "verbatim quotes: 2/2 = 100.0%" in text
    assert "latency ms: p50 20.0" in text
    assert format_summary(Summary()).startswith("== eval")


def test_failures_lists_only_wrong_items() -> None:
    right = result(EvalItem("ok?", ("a",)), answered=True, correct=True)
    wrong = ItemResult(
        EvalItem("how many?", ("37", "65")), True, False, 1, 1, 1.0, short="40", article_title="T"
    )
    missed = result(EvalItem("none?", ()), answered=True, correct=False)
    gave_up = result(
        EvalItem("who?", ("Taburets",), "uk", "lexical"), answered=False, correct=False
    )
    declined_right = result(EvalItem("none?", ()), answered=False, correct=True)
    lines = failures([right, wrong, missed, gave_up, declined_right])
    assert lines == [
        "  x [en] 'how many?': want 37|65; got '40' from 'T'",
        "  x [en] 'none?': want (decline); got None from None",
        "  x [lexical/uk] 'who?': want Taburets; got (declined)",
    ]


def test_failures_name_the_gold_doc_and_list_answers_from_another_article() -> None:
    item = EvalItem("how many?", ("37",), doc="drones-doc", gold_id="a1")
    elsewhere = ItemResult(
        item, True, True, 1, 1, 1.0, short="37", article_id="a2", article_title="Other"
    )
    there = ItemResult(item, True, False, 1, 1, 1.0, short="40", article_id="a1")
    assert failures([elsewhere, there]) == [
        "  x [en] 'how many?': want 37 in drones-doc; got '37' from 'Other'"
    ]
    assert failures([elsewhere], {"a2": "other-doc"}.get) == [
        "  x [en] 'how many?': want 37 in drones-doc; got '37' from other-doc 'Other'"
    ]


# --- the gold article -----------------------------------------------------------------------------


def test_right_article_is_the_first_quotes_article_when_the_gold_is_known() -> None:
    item = EvalItem("how many?", ("37",), gold_id="a1")
    assert ItemResult(item, True, False, 1, 1, 1.0, article_id="a1").right_article
    assert not ItemResult(item, True, True, 1, 1, 1.0, article_id="a2").right_article
    assert not ItemResult(item, False, False, 0, 0, 1.0).right_article


def test_right_article_falls_back_to_correct_without_a_gold_article() -> None:
    item = EvalItem("how many?", ("37",))
    assert ItemResult(item, True, True, 1, 1, 1.0, article_id="zz").right_article
    assert not ItemResult(item, True, False, 1, 1, 1.0, article_id="zz").right_article
    unanswerable = EvalItem("none?", (), gold_id="a1")
    assert not ItemResult(unanswerable, True, False, 1, 1, 1.0, article_id="a1").right_article


def test_score_answer_records_the_first_quotes_article() -> None:
    res = score_answer(EvalItem("q", ("37",)), answered("37"), {"a1": ARTICLE}.get)
    assert (res.article_id, res.article_title, res.short) == ("a1", "Drones", "37")


def test_the_answers_article_is_that_of_the_quote_giving_it_when_quotes_disagree() -> None:
    newer = replace(quote("Air defenses shot down 40 drones."), article_id="a2", answer="40")
    older = replace(quote(), answer="37")
    answer = Answer("q", "37", quotes=(newer, older), disagree=True)
    res = score_answer(EvalItem("q", ("37",)), answer, {"a1": ARTICLE}.get)
    assert res.article_id == "a1"
    assert res.first_quote == newer.text
    plain = Answer("q", "37", quotes=(replace(quote(), article_id="a2"), quote()))
    assert score_answer(EvalItem("q", ("37",)), plain, {"a1": ARTICLE}.get).article_id == "a2"


def test_doc_ids_give_the_id_ingest_gives_each_file(tmp_path: Path) -> None:
    (tmp_path / "one.txt").write_text(" title One\n\nDrones were shot down.\n", encoding="utf-8")
    (tmp_path / "copy.txt").write_text(" title Copy\nDrones were shot down.", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "other.txt").write_text("Another story.", encoding="utf-8")
    ids = doc_ids(tmp_path, ["one", "copy", "empty", "absent"], max_bytes=10_000)
    assert set(ids) == {"one", "copy"}
    assert ids["one"] == ids["copy"] == content_id("Drones were shot down.")


def test_gold_ids_set_known_docs_only() -> None:
    items = [EvalItem("a", ("1",), doc="one"), EvalItem("b", ("2",), doc="gone"), EvalItem("c", ())]
    assert [i.gold_id for i in gold_ids(items, {"one": "id1"})] == ["id1", None, None]
