"""Typed answer spans in realistic news sentences; never only the question's own words."""

from __future__ import annotations

import pytest

from answering.entities import name_spans, number_spans, time_spans
from answering.lexicon import content_stems
from answering.question import analyze_question
from answering.readers.spans import (
    answer_spans,
    attributed_names,
    candidate_spans,
    clause_anchor,
    clause_span,
    head_noun_span,
)
from index.types import Span

DRONES = (
    "Ukraine’s military said its air defenses shot down 37 of the 65 drones that Russian forces "
    "launched in the attacks, with intercepts taking place in the Cherkasy, Chernihiv, Kyiv, "
    "Poltava and Sumy regions."
)
HOUSES = (
    "The Sumy Regional Military Administration said the attacks damaged eight houses and a school "
    "in the region."
)
IZYUM = (
    "Kharkiv Governor Oleh Syniehubov said on Telegram the missile hit the central part of the "
    "city of Izyum and also injured 20 people."
)
ATTACK = (
    "A Russian missile attack Tuesday killed at least four people in the Kharkiv region in eastern "
    "Ukraine, officials said."
)
TRUMP = (
    "U.S. President Donald Trump said Monday he possibly would be interested in continuing U.S. "
    "aid to Ukraine in exchange for access to Ukraine’s rare earth minerals."
)
TABURETS = (
    "Cherkasy Governor Ihor Taburets said on Telegram that debris from destroyed drones caused "
    "fires at three businesses."
)
ESSENTIAL = "They are essential for an array of modern high-tech products."
MONEY = "The company reported revenue of $1.13bn, up 76% from a year earlier."
DATES = "The talks took place on 4 February 2025 in Geneva and will resume on March 3, 2025."


def texts(text: str, spans: list[Span]) -> list[str]:
    return [s.slice(text) for s in spans]


def answer_text(question: str, sentence: str) -> str | None:
    span = answer_spans(sentence, analyze_question(question)).best
    return span.slice(sentence) if span else None


def assert_not_only_question_words(question: str, sentence: str, span: Span | None) -> None:
    if span is None:
        return
    q = analyze_question(question)
    own = set(q.terms) | set(q.names)
    words = content_stems(span.slice(sentence))
    assert words, f"{span.slice(sentence)!r} has no content words"
    assert not set(words) <= own, f"{span.slice(sentence)!r} only repeats the question"


# --- number_spans ---------------------------------------------------------------------------------


def test_number_spans_keep_quantities_whole() -> None:
    assert texts(DRONES, number_spans(DRONES)) == ["37 of the 65"]
    assert texts(HOUSES, number_spans(HOUSES)) == ["eight"]
    assert texts(IZYUM, number_spans(IZYUM)) == ["20"]
    assert texts(MONEY, number_spans(MONEY)) == ["$1.13bn", "76%"]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("Officials said 1,200 people fled.", ["1,200"]),
        ("It cost $5m and 3.5 million euros.", ["$5m", "3.5 million"]),
        ("About a dozen drones and two-thirds of missiles.", ["dozen", "two-thirds"]),
        ("Thirty-seven drones were downed.", ["Thirty-seven"]),
        ("Prices rose 2.5 per cent.", ["2.5 per cent"]),
        ("hundreds of thousands of people", ["hundreds of thousands of people"]),
        ("No figures were given.", []),
    ],
)
def test_number_spans_in_other_sentences(sentence: str, expected: list[str]) -> None:
    assert texts(sentence, number_spans(sentence)) == expected


# --- time_spans -----------------------------------------------------------------------------------


def test_time_spans_find_days_dates_and_relative_times() -> None:
    assert texts(ATTACK, time_spans(ATTACK)) == ["Tuesday"]
    assert texts(TRUMP, time_spans(TRUMP)) == ["Monday"]
    assert texts(DATES, time_spans(DATES)) == ["4 February 2025", "March 3, 2025"]
    overnight = "Russian drone attacks overnight damaged houses; last week was calm."
    assert texts(overnight, time_spans(overnight)) == ["overnight", "last week"]
    assert texts("On Sunday morning in 2024.", time_spans("On Sunday morning in 2024.")) == [
        "Sunday morning",
        "2024",
    ]
    assert time_spans("Nothing dated here.") == []


# --- name_spans -----------------------------------------------------------------------------------


def test_name_spans_join_capitalised_runs() -> None:
    assert texts(IZYUM, name_spans(IZYUM)) == [
        "Kharkiv Governor Oleh Syniehubov",
        "Telegram",
        "Izyum",
    ]
    assert texts(HOUSES, name_spans(HOUSES)) == ["Sumy Regional Military Administration"]
    assert "U.S. President Donald Trump" in texts(TRUMP, name_spans(TRUMP))


def test_name_spans_allow_joiners_but_skip_weekdays_and_stop_words() -> None:
    text = "The Bank of England said on Monday that It was fine."
    assert texts(text, name_spans(text)) == ["Bank of England"]


# --- the short answer by answer type ----------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("how many drones were intercepted?", DRONES, "37 of the 65"),
        ("how many houses were damaged?", HOUSES, "eight"),
        ("How many people were injured in Izyum?", IZYUM, "20"),
        ("How many people were killed?", ATTACK, "four"),
        ("how many businesses caught fire?", TABURETS, "three"),
        ("how much revenue did the company report?", MONEY, "$1.13bn"),
        ("when did the missile attack happen?", ATTACK, "Tuesday"),
        ("when did Trump speak about aid?", TRUMP, "Monday"),
        ("who is the governor of Cherkasy?", TABURETS, "Ihor Taburets"),
        ("who said the missile hit Izyum?", IZYUM, "Oleh Syniehubov"),
        ("which part of the city was hit?", IZYUM, "central part"),
        (
            "what are rare earth minerals essential for?",
            ESSENTIAL,
            "array of modern high-tech products",
        ),
        ("what did the attacks damage?", HOUSES, "eight houses and a school"),
    ],
)
def test_answer_span_on_news_sentences(question: str, sentence: str, expected: str) -> None:
    """The short answer holds the expected words, is short, and is a slice of the sentence."""
    span = answer_spans(sentence, analyze_question(question)).best
    assert span is not None
    answer = span.slice(sentence)
    assert expected in answer
    assert len(answer) <= 2 * len(expected) + 20
    assert answer == answer.strip()
    assert_not_only_question_words(question, sentence, span)


def test_a_count_answer_takes_the_counted_noun() -> None:
    assert answer_text("how many houses were damaged?", HOUSES) == "eight houses"
    assert answer_text("how many drones were intercepted?", DRONES) == "37 of the 65 drones"
    assert answer_text("How many people were injured in Izyum?", IZYUM) == "20 people"


def test_a_person_answer_is_the_name_without_the_question_words() -> None:
    answer = answer_text("who is the governor of Cherkasy?", TABURETS)
    assert answer is not None
    assert "Ihor Taburets" in answer
    assert not answer.lower().startswith("cherkasy")


def test_a_count_question_skips_years() -> None:
    sentence = "In 2024 the army counted 120 drones."
    assert answer_text("how many drones were counted?", sentence) == "120 drones"


def test_the_number_near_the_counted_noun_comes_first() -> None:
    sentence = "Officials said 3 regions were hit and 12 drones were downed."
    q = analyze_question("how many drones were downed?")
    assert texts(sentence, candidate_spans(sentence, q))[0] == "12 drones"


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        ("who is the Kharkiv Governor?", "Kharkiv Governor"),
        ("when did the attack on Tuesday happen?", "The attack happened on Tuesday."),
        ("how many of the 65 drones were launched?", "Russia launched 65 drones."),
        ("where is Izyum?", "Izyum is in Ukraine."),
        ("Which agency did Reuters cite?", "Reuters cited an agency."),
    ],
)
def test_never_a_span_made_only_of_the_question_words(question: str, sentence: str) -> None:
    q = analyze_question(question)
    for span in candidate_spans(sentence, q):
        assert_not_only_question_words(question, sentence, span)
    assert_not_only_question_words(question, sentence, answer_spans(sentence, q).best)


def test_the_question_number_is_not_the_answer() -> None:
    q = analyze_question("how many of the 65 drones were launched?")
    assert candidate_spans("Russia launched 65 drones.", q) == []
    assert (
        answer_text("how many of the 65 drones were launched?", "Russia launched 65 drones.")
        != "65"
    )
    assert answer_text("how many of the 65 drones were shot down?", DRONES) == "37 of the 65"


def test_a_place_answer_is_a_name_not_in_the_question() -> None:
    sentence = "The blast was heard in Kharkiv, officials in Kyiv said."
    answer = answer_text("where was the blast heard?", sentence)
    assert answer == "Kharkiv"


def test_spans_are_verbatim_slices_of_the_sentence() -> None:
    for question, sentence in [
        ("how many drones were intercepted?", DRONES),
        ("who said the missile hit Izyum?", IZYUM),
        ("what are rare earth minerals essential for?", ESSENTIAL),
    ]:
        q = analyze_question(question)
        for span in candidate_spans(sentence, q):
            piece = span.slice(sentence)
            assert piece and piece == piece.strip()
            assert 0 <= span.start < span.end <= len(sentence)


# --- helpers --------------------------------------------------------------------------------------


def test_head_noun_span_takes_the_modifiers() -> None:
    q = analyze_question("what kind of buildings were damaged?")
    sentence = (
        "Syniehubov said the attack damaged a five-story residential building as well as "
        "multiple administrative buildings."
    )
    span = head_noun_span(sentence, q)
    assert span is not None
    assert span.slice(sentence) == "five-story residential building"
    assert head_noun_span(sentence, analyze_question("how many drones?")) is None


def test_attributed_names_are_speakers_or_title_holders() -> None:
    q = analyze_question("who spoke about the debris?")
    assert texts(TABURETS, attributed_names(TABURETS, q)) == ["Cherkasy Governor Ihor Taburets"]
    quote = "“They continue their attacks,” Volodymyr Zelenskyy said."
    assert texts(quote, attributed_names(quote, q)) == ["Volodymyr Zelenskyy"]


def test_clause_span_needs_an_anchor_in_the_question() -> None:
    q = analyze_question("what are rare earth minerals essential for?")
    assert clause_span("Nothing relevant here at all.", q) is None
    span = clause_span(ESSENTIAL, q)
    assert span is not None and span.slice(ESSENTIAL) == "array of modern high-tech products"


def test_a_sentence_offers_an_answer_of_the_asked_type_or_none() -> None:
    count = analyze_question("how many drones were intercepted?")
    assert answer_spans(DRONES, count).typed
    assert not answer_spans(ESSENTIAL, count).typed
    when = analyze_question("when did the attack happen?")
    assert answer_spans(ATTACK, when).typed
    assert not answer_spans(HOUSES, when).typed


def test_a_what_did_clause_is_anchored_to_the_verb_not_the_place() -> None:
    """The answer to "what did engineers replace at the north pier" follows "replaced"; a
    clause after "north pier" only frames the event."""
    q = analyze_question("What did engineers replace at the north pier?")
    verb = "Engineers replaced 46 wooden piles with steel ones."
    place = "Work on the north pier began in October."
    assert clause_anchor(verb, Span(19, 50), q) == 1.0
    assert clause_anchor(place, Span(23, 39), q) == 0.3  # next to the place phrase only
    asked = analyze_question("What did engineers replace at the north pier?")
    assert clause_anchor("Engineers said work began in October.", Span(10, 37), asked) == 0.6
    plain = analyze_question("What is essential for the pier?")
    assert clause_anchor("Steel is essential for the pier repairs.", Span(32, 39), plain) == 1.0
