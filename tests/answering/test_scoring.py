"""Evidence features and their combination: pure functions."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import fields, replace

import pytest

from answering.question import analyze_question
from answering.scoring import (
    Features,
    Weights,
    name_coverage,
    term_weights,
    type_presence,
    weighted_coverage,
)


def features(value: float) -> Features:
    return Features(**{x.name: value for x in fields(Features)})


# --- Weights.score --------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [0.0, 0.3, 1.0])
def test_equal_features_score_their_value(value: float) -> None:
    assert Weights().score(features(value)) == pytest.approx(value)


def test_the_score_is_the_weighted_mean() -> None:
    w = Weights()
    f = replace(features(0.6), dense=1.0, coverage=0.0, context=0.5, answer_type=0.0)
    total = sum(getattr(w, x.name) * getattr(f, x.name) for x in fields(w))
    weight = sum(getattr(w, x.name) for x in fields(w))
    assert w.score(f) == pytest.approx(total / weight)


def test_a_single_weight_selects_one_feature() -> None:
    zero = {x.name: 0.0 for x in fields(Weights)}
    only_dense = Weights(**{**zero, "dense": 2.0})
    f = replace(features(0.1), dense=0.7)
    assert only_dense.score(f) == pytest.approx(0.7)


def test_all_zero_weights_score_zero() -> None:
    zero = Weights(**{x.name: 0.0 for x in fields(Weights)})
    assert zero.score(features(1.0)) == 0.0


def test_the_score_grows_with_each_positively_weighted_feature() -> None:
    w = Weights()
    base = features(0.5)
    for x in fields(Features):
        if getattr(w, x.name) > 0:
            assert w.score(replace(base, **{x.name: 1.0})) > w.score(base)


def test_default_weights_favour_meaning_and_coverage() -> None:
    w = Weights()
    assert w.dense > w.coverage > w.names
    assert all(getattr(w, x.name) >= 0 for x in fields(w))


# --- term_weights and weighted_coverage -----------------------------------------------------------


def test_rare_terms_weigh_more_than_common_ones() -> None:
    docs = [{"drone", "attack"}, {"drone"}, {"drone", "minerals"}]
    weights = term_weights(["drone", "attack", "absent"], docs)
    assert weights["absent"] > weights["attack"] > weights["drone"]
    assert weights["drone"] == pytest.approx(math.log(1 + 4 / 3.5))
    assert weights["absent"] == pytest.approx(math.log(1 + 4 / 0.5))


def test_term_weights_of_no_documents_are_equal_and_positive() -> None:
    weights = term_weights(["a", "b"], [])
    assert weights["a"] == weights["b"] > 0


def test_term_weights_accept_a_generator() -> None:
    weights = term_weights(["x"], ({"x"} for _ in range(3)))
    assert weights["x"] == pytest.approx(math.log(1 + 4 / 3.5))


def test_weighted_coverage_is_the_share_of_weight_present() -> None:
    weights = {"a": 1.0, "b": 3.0}
    assert weighted_coverage(weights, {"a", "b", "c"}) == 1.0
    assert weighted_coverage(weights, {"b"}) == pytest.approx(0.75)
    assert weighted_coverage(weights, {"a"}) == pytest.approx(0.25)
    assert weighted_coverage(weights, set()) == 0.0


def test_weighted_coverage_of_no_terms_is_zero() -> None:
    assert weighted_coverage({}, {"a"}) == 0.0
    assert weighted_coverage({"a": 0.0}, {"a"}) == 0.0


# --- name_coverage --------------------------------------------------------------------------------


def test_name_coverage_counts_the_question_names_found() -> None:
    q = analyze_question("Did Trump offer aid to Ukraine in 2025?")
    assert q.names == ("trump", "ukraine", "2025")
    assert name_coverage(q, "trump spoke about ukraine in 2025") == 1.0
    assert name_coverage(q, "trump spoke") == pytest.approx(1 / 3)
    assert name_coverage(q, "nothing relevant") == 0.0


def test_a_question_without_names_is_fully_covered() -> None:
    assert name_coverage(analyze_question("how many drones were intercepted?"), "") == 1.0


# --- type_presence --------------------------------------------------------------------------------


def test_type_presence_of_a_typed_question() -> None:
    q = analyze_question("how many drones were intercepted?")
    assert type_presence(q, typed=1.0, clause_anchor=None) == 1.0
    assert type_presence(q, typed=0.4, clause_anchor=0.6) == 0.4
    assert type_presence(q, typed=0.0, clause_anchor=0.6) == 0.25
    assert type_presence(q, typed=0.0, clause_anchor=None) == 0.0


def test_type_presence_of_a_what_question_is_the_clause_anchor() -> None:
    q = analyze_question("what are rare earth minerals essential for?")
    assert type_presence(q, typed=1.0, clause_anchor=0.6) == 0.6
    assert type_presence(q, typed=1.0, clause_anchor=None) == 0.0


def test_names_in_the_evidence_count_whole_elsewhere_in_the_article_half() -> None:
    q = analyze_question("How much aid did Joe Biden announce for Ukraine?")
    assert q.names == ("joe biden", "ukraine")
    assert name_coverage(q, "president biden said ukraine") == 1.0  # the surname is enough
    assert name_coverage(q, "ukraine", article_lower="biden spoke") == 0.75
    assert name_coverage(q, "ukraine") == 0.5
    airline = analyze_question("Who is the chief executive of Japan Airlines?")
    assert name_coverage(airline, "japan's carmakers") == 0.0  # the last word must be there
    people = analyze_question("What did Ukrainians say?")
    assert name_coverage(people, "ukraine said") == 1.0  # a people stands for its country


def test_a_date_cue_counts_as_found_when_the_articles_date_fits() -> None:

    q = analyze_question("How many drones fell on 4 February 2025?", today=dt.date(2025, 3, 1))
    assert name_coverage(q, "drones fell") < 1.0
    assert name_coverage(q, "drones fell", dated=True) == 1.0


def test_a_name_is_found_at_the_start_of_a_word_only() -> None:
    oman = analyze_question("What did Oman say?")
    assert name_coverage(oman, "the woman said") == 0.0
    assert name_coverage(oman, "oman said") == 1.0
    uk = analyze_question("What did the UK send?")
    assert name_coverage(uk, "ukraine asked") == 0.0
