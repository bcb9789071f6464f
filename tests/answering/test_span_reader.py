"""The span reader stage: decoding, the trained reader over a window, its place in the
pipeline, and the decline checks on the trained scores."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np

from answering.decline import DeclinePolicy, DeclineReason, decline_reason
from answering.question import analyze_question
from answering.readers.extractive import ExtractiveReader, Reading
from answering.readers.span import (
    SpanWindow,
    TrainedSpanReader,
    _title_line,
    apply_span_reader,
    window_of,
)
from answering.readers.span_decoding import decode_window
from index.types import Span
from tests.answering.conftest import ATTACK, KYIV, passages_for
from tests.answering.fakes import FakeSpanReader
from tests.index.fakes import FakeEmbedder


def _readings(question: str) -> list[Reading]:
    q = analyze_question(question)
    return ExtractiveReader(FakeEmbedder()).read(q, passages_for(ATTACK, KYIV))


def test_decode_window_prefers_the_span_when_it_beats_no_answer() -> None:
    start = np.array([1.0, 0.0, 5.0, 0.0])
    end = np.array([1.0, 0.0, 0.0, 5.0])
    mask = np.array([False, True, True, True])
    decision = decode_window(start, end, mask, 30)
    assert decision.tokens == (2, 3)
    assert decision.p_span > decision.p_null
    assert decision.score == decision.p_span


def test_decode_window_says_no_answer_when_cls_wins_by_the_margin() -> None:
    start = np.array([6.0, 0.0, 2.0])
    end = np.array([6.0, 0.0, 2.0])
    mask = np.array([False, True, True])
    assert decode_window(start, end, mask, 30).tokens is None
    assert decode_window(start, end, mask, 30, null_margin=10.0).tokens == (2, 2)


def test_decode_window_without_allowed_tokens_has_no_answer() -> None:
    decision = decode_window([1.0, 2.0], [1.0, 2.0], [False, False], 30)
    assert decision.tokens is None and decision.score == 0.0


def test_the_trained_reader_finds_the_span_inside_the_sentence(
    shipped_qa: tuple[Path, Path],
) -> None:
    folder, base = shipped_qa
    reader = TrainedSpanReader(folder, base_dir=base)
    text = ATTACK.text
    start = text.index("The air force")
    sentence = Span(start, text.index("Power") - 1)
    windows = [
        SpanWindow(text, Span(0, len(text)), sentence),
        SpanWindow(text, Span(0, len(text)), Span(text.index("Power"), len(text))),
    ]
    results = reader.spans(analyze_question("How many drones were shot down?"), windows)
    assert results[0].span is not None
    assert text[results[0].span.start : results[0].span.end] == "37 of the 65 drones"
    assert results[1].span is None  # no answer inside that sentence
    assert results[1].no_answer is not None and results[0].no_answer is not None
    assert results[1].no_answer > results[0].no_answer


def test_the_title_is_read_before_the_window_and_never_answers(
    shipped_qa: tuple[Path, Path],
) -> None:
    """The title line shifts the model's context; the span still maps into the sentence of
    the article, and a window that already opens with the title does not read it twice."""
    folder, base = shipped_qa
    reader = TrainedSpanReader(folder, base_dir=base)
    text = ATTACK.text
    start = text.index("The air force")
    sentence = Span(start, text.index("Power") - 1)
    window = SpanWindow(text, Span(0, len(text)), sentence, "Drones over Kyiv: 37 of 65 down")
    [titled] = reader.spans(analyze_question("How many drones were shot down?"), [window])
    assert titled.span is not None
    assert sentence.start <= titled.span.start < titled.span.end <= sentence.end
    assert text[titled.span.start : titled.span.end] == "37 of the 65 drones"
    assert _title_line(window) == "Drones over Kyiv: 37 of 65 down\n"
    opening = text[: text.index(".")]
    assert _title_line(replace(window, title=opening)) == ""
    assert _title_line(replace(window, title="")) == ""


def test_window_of_a_reading_holds_its_neighbours_and_title() -> None:
    best = _readings("How many drones were shot down?")[0]
    w = window_of(best)
    assert w.window.start <= w.sentence.start < w.sentence.end <= w.window.end
    assert w.sentence == best.sentence
    assert w.title == best.article.title


def test_apply_span_reader_sets_the_top_spans_and_keeps_the_rest() -> None:
    readings = _readings("How many drones were shot down?")
    fake = FakeSpanReader()
    updated = apply_span_reader(analyze_question("How many?"), readings, fake, top=2)
    assert fake.calls == 1
    assert updated[2:] == readings[2:]
    for before, after in zip(readings[:2], updated[:2], strict=True):
        assert after.no_answer in (0.1, 0.9)
        if after.no_answer == 0.9:  # no number: the feature-based span stays
            assert after.answer == before.answer
        else:
            assert after.answer is not None
            assert after.article.text[after.answer.start].isdigit()


def test_decline_uses_the_trained_scores_when_present() -> None:
    best = _readings("How many drones were shot down?")[0]
    policy = DeclinePolicy(min_evidence=0.0, min_rerank=0.5, max_no_answer=0.6)
    assert decline_reason(best, policy) is None  # no trained scores: the features decide
    reranked = replace(best, rerank=0.9, score=0.45)  # the blend is under min_rerank
    assert decline_reason(reranked, policy) is DeclineReason.WEAK_EVIDENCE
    reranked = replace(best, rerank=0.9, score=0.7)
    assert decline_reason(reranked, policy) is None
    assert decline_reason(replace(reranked, no_answer=0.7), policy) is (
        DeclineReason.NO_TYPED_ANSWER
    )
    assert decline_reason(replace(reranked, no_answer=0.2), policy) is None


def test_a_sure_span_reader_waives_the_evidence_and_names_bounds_only() -> None:
    best = _readings("How many drones were shot down?")[0]
    policy = DeclinePolicy(min_evidence=0.9, max_no_answer=0.85, sure_no_answer=0.01)
    weak = replace(best, score=0.2)
    assert decline_reason(weak, policy) is DeclineReason.WEAK_EVIDENCE  # not read: rules
    assert decline_reason(replace(weak, no_answer=0.3), policy) is DeclineReason.WEAK_EVIDENCE
    assert decline_reason(replace(weak, no_answer=0.005), policy) is None  # vouched for
    unnamed = replace(best, score=0.95, features=replace(best.features, names=0.5))
    assert decline_reason(replace(unnamed, no_answer=0.3), policy) is DeclineReason.NAMES_ABSENT
    assert decline_reason(replace(unnamed, no_answer=0.005), policy) is None
    # the word checks stay, whatever the reader says
    unfocused = replace(weak, no_answer=0.005, features=replace(best.features, focus=0.0))
    assert decline_reason(unfocused, policy) is DeclineReason.FOCUS_ABSENT
    uncovered = replace(best.features, context=0.0, dense=0.0)
    assert decline_reason(replace(weak, no_answer=0.005, features=uncovered), policy) is (
        DeclineReason.TERMS_ABSENT
    )
    # a reranker's blend keeps its own bound: the reader vouches only without one
    blended = replace(weak, no_answer=0.005, rerank=0.3)
    assert decline_reason(blended, replace(policy, min_rerank=0.5)) is DeclineReason.WEAK_EVIDENCE
    # 0 turns it off; the decline bound still applies above max_no_answer
    off = replace(policy, sure_no_answer=0.0)
    assert decline_reason(replace(weak, no_answer=0.005), off) is DeclineReason.WEAK_EVIDENCE
    strong = replace(best, score=0.95, no_answer=0.9)
    assert decline_reason(strong, policy) is DeclineReason.NO_TYPED_ANSWER


def test_a_confident_reranker_waives_the_word_checks() -> None:
    best = _readings("How many drones were shot down?")[0]
    uncovered = replace(best, features=replace(best.features, context=0.0, dense=0.0))
    policy = DeclinePolicy(min_evidence=0.0, min_rerank=0.0, strong_rerank=0.8)
    assert decline_reason(uncovered, policy) is DeclineReason.TERMS_ABSENT
    assert decline_reason(replace(uncovered, rerank=0.7), policy) is DeclineReason.TERMS_ABSENT
    assert decline_reason(replace(uncovered, rerank=0.85), policy) is None
    unfocused = replace(best, features=replace(best.features, focus=0.0))
    assert decline_reason(replace(unfocused, rerank=0.7), policy) is DeclineReason.FOCUS_ABSENT
    assert decline_reason(replace(unfocused, rerank=0.85), policy) is None
