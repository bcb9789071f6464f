"""The ``newsbot eval`` report: right article, wrong answers, false declines, by group."""

from __future__ import annotations

from evaluation.report import (
    compare,
    format_report,
    group_stats,
    groups,
    kind_failures,
    kind_line,
    wrong_kind,
)
from evaluation.runner import EvalItem, ItemResult


def res(
    item: EvalItem,
    short: str | None,
    *,
    article: str | None = "gold",
    correct: bool = False,
    quote: str = "A longer quote holding the answer.",
    latency: float = 10.0,
) -> ItemResult:
    answered = short is not None
    return ItemResult(
        item,
        answered=answered,
        correct=correct,
        quotes=int(answered),
        verbatim=int(answered),
        latency_ms=latency,
        short=short,
        first_quote=quote if answered else None,
        article_id=article if answered else None,
    )


COUNT = EvalItem("How many drones?", ("37", "37 drones"), "en", "lexical", "d1", gold_id="gold")
WHO = EvalItem("Who spoke?", ("Ihor Taburets",), "en", "paraphrase", "d2", gold_id="gold")
WHO_UK = EvalItem("Хто говорив?", ("Taburets",), "uk", "lexical", "d3", gold_id="gold")
NONE = EvalItem("How many tanks?", (), "en", "unanswerable", "d4", gold_id="gold")


def test_group_stats_split_answered_questions_into_right_and_wrong() -> None:
    results = [
        res(COUNT, "37 drones", correct=True, latency=10),  # right article, exact
        res(WHO, "Actor", article="other", latency=20),  # wrong article, wrong kind
        res(WHO_UK, None, latency=30),  # false decline
        res(NONE, None, latency=40),  # declined, as it should
        res(NONE, "five", latency=50),  # answered an unanswerable question
    ]
    s = group_stats(results)
    assert (s.total, s.answerable, s.unanswerable) == (5, 3, 2)
    assert (s.right, s.wrong, s.false_declines, s.declined) == (1, 1, 1, 1)
    assert (s.correct, s.exact) == (1, 1)
    assert (s.judged, s.wrong_kind) == (3, 1)
    assert s.latencies == [10, 20, 30, 40, 50]


def test_right_article_without_the_answer_string_still_counts_as_right() -> None:
    s = group_stats([res(COUNT, "65", article="gold")])
    assert (s.right, s.wrong, s.correct, s.exact) == (1, 0, 0, 0)


def test_without_a_gold_article_right_means_the_answer_was_found() -> None:
    item = EvalItem("How many drones?", ("37",))
    s = group_stats([res(item, "37", article="x", correct=True), res(item, "40", article="x")])
    assert (s.right, s.wrong) == (1, 1)


def test_exact_match_normalises_like_squad() -> None:
    item = EvalItem("Who spoke?", ("Ihor Taburets",), gold_id="gold")
    assert group_stats([res(item, "the Ihor Taburets.")]).exact == 1
    assert group_stats([res(item, "governor Ihor Taburets")]).exact == 0


def test_wrong_kind_judges_only_answered_spans() -> None:
    assert wrong_kind(res(WHO, "Pakistanis")) is True
    assert wrong_kind(res(WHO, "Ihor Taburets")) is False
    assert wrong_kind(res(WHO, None)) is None
    whole = "Ihor Taburets spoke."
    assert wrong_kind(res(WHO, whole, quote=whole)) is None
    assert wrong_kind(res(EvalItem("What happened in Kharkiv?", ("a strike",)), "x")) is None


def test_groups_are_kinds_then_languages_then_all() -> None:
    results = [res(WHO_UK, None), res(COUNT, "37"), res(WHO, "Ihor Taburets"), res(NONE, None)]
    names = [(name, len(rs)) for name, rs in groups(results)]
    assert names == [
        ("lexical", 2),
        ("paraphrase", 1),
        ("unanswerable", 1),
        ("English", 3),
        ("uk", 1),
        ("all", 4),
    ]


def test_one_kind_and_one_language_give_the_all_row_only() -> None:
    item = EvalItem("How many drones?", ("37",))
    assert [name for name, _ in groups([res(item, "37")])] == ["all"]


def test_format_report_prints_a_row_per_group_and_the_kind_count() -> None:
    results = [res(COUNT, "37", correct=True), res(WHO, "Actor", article="x"), res(NONE, None)]
    text = format_report(results)
    lines = text.splitlines()
    assert lines[0].startswith("| questions | n | right article | wrong | false declines |")
    lexical = next(line for line in lines if line.startswith("| lexical |"))
    assert lexical == (
        "| lexical | 1 | 1/1 (100%) | 0/1 (0%) | 0/1 (0%) | – | 1/1 (100%) | 1/1 (100%) "
        "| 0/1 (0%) | 10 | 10 |"
    )
    assert "| unanswerable | 1 | – | – | – | 1/1 (100%) |" in text
    assert lines[-1] == "short answers of another kind than asked: 1 of 2"


def test_kind_failures_list_the_wrong_kind_answers() -> None:
    results = [res(COUNT, "37"), res(WHO, "Actor")]
    assert kind_failures(results) == ["  ~ [paraphrase/en] 'Who spoke?': got 'Actor'"]
    assert kind_line(results) == "short answers of another kind than asked: 1 of 2"


def test_compare_puts_the_systems_side_by_side_per_group() -> None:
    mine = [res(COUNT, "37"), res(WHO, "Ihor Taburets")]
    peer = [res(COUNT, None), res(WHO, "Actor", article="x")]
    lines = compare([("newsbot", mine), ("peer", peer)]).splitlines()
    assert lines[0].startswith("| questions | system | n |")
    assert [line.split(" | ")[:3] for line in lines[2:]] == [
        ["| lexical", "newsbot", "1"],
        ["| lexical", "peer", "1"],
        ["| paraphrase", "newsbot", "1"],
        ["| paraphrase", "peer", "1"],
        ["| all", "newsbot", "2"],
        ["| all", "peer", "2"],
    ]
    assert "| all | peer | 2 | 0/2 (0%) | 1/2 (50%) | 1/2 (50%) |" in lines[-1]
