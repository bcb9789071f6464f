"""The decline calibration's rule: against the feature rules, no set loses a correct decline
or gains a false one; among the bounds that pass, the most correct declines."""

from __future__ import annotations

from dataclasses import replace

from answering.decline import DeclinePolicy
from answering.question import analyze_question
from answering.readers.extractive import ExtractiveReader, Reading
from bench.calibrate_answerability import (
    Case,
    best_reader_bounds,
    out_of_sample_probabilities,
    passes,
    score,
    score_out_of_sample,
    tally,
)
from tests.answering.conftest import ATTACK, KYIV, passages_for
from tests.index.fakes import FakeEmbedder


def _best() -> Reading:
    q = analyze_question("How many drones were shot down?")
    return ExtractiveReader(FakeEmbedder()).read(q, passages_for(ATTACK, KYIV))[0]


def test_tally_counts_handled_correct_and_false_declines() -> None:
    best = _best()
    cases = [Case(True, best, True), Case(True, best, False), Case(False, best, False)]
    assert tally(cases, [False, True, True]) == (2, 1, 1)
    assert tally(cases, [True, False, False]) == (0, 0, 1)


def test_the_chosen_bounds_add_declines_and_rescue_without_new_false_ones() -> None:
    best = _best()
    rules = DeclinePolicy(min_evidence=0.5)
    strong, weak = replace(best, score=0.9), replace(best, score=0.2)
    cases = [
        Case(False, replace(strong, no_answer=0.95), False),  # only the reader can decline it
        Case(True, replace(strong, no_answer=0.6), True),  # must stay answered
        Case(True, replace(weak, no_answer=0.003), True),  # rules decline it; reader vouches
        Case(False, replace(weak, no_answer=0.3), False),  # rules decline it rightly
    ]
    sets = {"dev": cases}
    base = {"dev": score(cases, rules)}
    assert base["dev"] == (2, 1, 1)
    found = best_reader_bounds(sets, rules, base)
    assert found is not None
    high, low, figures = found
    assert 0.6 <= high < 0.95 and 0.003 < low <= 0.3
    assert figures["dev"] == (4, 2, 0) and passes(figures, base)
    assert not passes({"dev": (4, 2, 2)}, base) and not passes({"dev": (3, 0, 0)}, base)


def test_out_of_sample_probabilities_cover_the_readings_the_model_decides() -> None:
    best = replace(_best(), score=0.9)
    rules = DeclinePolicy(min_evidence=0.5)
    unfocused = replace(best, no_answer=0.1, features=replace(best.features, focus=0.0))
    cases = [
        Case(True, replace(best, no_answer=0.05), True),
        Case(False, replace(best, no_answer=0.9), False),
        Case(True, replace(best, no_answer=0.1), True),
        Case(False, replace(best, no_answer=0.8), False),
        Case(True, best, True),  # not read by the span reader: the rules decide
        Case(False, unfocused, False),  # declined by the word checks first
        Case(True, replace(best, no_answer=0.02, rerank=0.9), True),  # a reranker: rules
    ]
    titles = ["A", "A", "B", "B", "A", "B", "A"]
    probs = out_of_sample_probabilities(cases, titles, rules)
    assert set(probs) == {0, 1, 2, 3}
    # each title's probabilities come from a model fitted on the other title's cases
    for i in probs:
        assert 0.0 < probs[i] < 1.0
    assert probs[0] > probs[1] and probs[2] > probs[3]  # a lower no-answer reads answerable
    # thresholds at the extremes: never / always decline what the model decides
    # (the other three: answered right, declined by the word checks, answered right)
    assert score_out_of_sample(cases, rules, probs, 0.0) == (5, 1, 0)
    assert score_out_of_sample(cases, rules, probs, 1.0) == (5, 3, 2)
