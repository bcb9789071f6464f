"""Short answers are of the kind asked for, or there is none (issue 17's failures as cases)."""

from __future__ import annotations

import pytest

from answering.answer_kind import fits_kind, typed_answer
from answering.question import analyze_question
from answering.readers.extractive import Reading
from answering.scoring import Features
from index.chunking import chunk_article
from index.types import Article, Passage, Span

FEATURES = Features(dense=0.8, coverage=1, context=1, names=1, answer_type=1, retrieval=1)


def _fits(question: str, sentence: str, fragment: str, article: str = "") -> bool:
    start = sentence.index(fragment)
    q = analyze_question(question)
    return fits_kind(q, sentence, Span(start, start + len(fragment)), article or sentence)


@pytest.mark.parametrize(
    ("question", "sentence", "fragment", "fits"),
    [
        # who: a person's or an organisation's name
        (
            "Who presented Leonardo DiCaprio with the award?",
            "Actor Martin Scorsese presented it, and the actor smiled.",
            "Actor",
            False,
        ),
        (
            "Who presented Leonardo DiCaprio with the award?",
            "Actor Martin Scorsese presented it, and the actor smiled.",
            "Actor Martin Scorsese",
            True,
        ),
        (
            "Who is Pakistan's High Commissioner to Britain?",
            "Pakistanis in Britain welcomed the High Commissioner.",
            "Pakistanis",
            False,
        ),
        ("Who leads the region?", "The region is led by Ihor Taburets.", "Ihor Taburets", True),
        # how many: a number, not a year or the hour of a clock time
        (
            "How many drones were intercepted?",
            "Air defence destroyed 37 of the 65 drones.",
            "37 of the 65 drones",
            True,
        ),
        (
            "How many people were killed?",
            "At 20:00 Moscow time the shelling began.",
            "20",
            False,
        ),
        ("How many people were killed in 2022?", "In 2022 the war began.", "2022", False),
        (
            "How much aid was pledged?",
            "It ends a quarter-century of aid.",
            "quarter-century",
            False,
        ),
        ("How many drones fell?", "It was a quarter-century ago.", "quarter-century", False),
        (
            "How many AGM-88 HARM missiles has the US sent?",
            "It sent the AGM-88 High-Speed Anti-Radiation Missile.",
            "88 High-Speed Anti-Radiation Missile",
            False,
        ),
        (
            "How many drones were shot down on 18 June 2025?",
            "Air defence shot down 8 drones.",
            "8",
            True,  # "18" in the question's date is not this 8
        ),
        # in every language: a Ukrainian "how many" is held to a number too
        ("Скільки дронів збили?", "From 20:00 Moscow time drones flew in.", "20", False),
        ("Скільки дронів збили?", "Air defence shot down 37 of the 65 drones.", "37", True),
        # how much: money, a share or a quantity with its unit
        ("How much did the bridge cost?", "It cost 80bn roubles.", "80bn roubles", True),
        ("How much money was raised?", "Donations rose 50%.", "50%", False),
        ("By how much have costs risen?", "Costs have risen by six.", "six", False),
        ("By how much have costs risen?", "Costs rose by six percent.", "six percent", True),
        ("How much did the bridge cost?", "The bridge cost $4 billion.", "$4 billion", True),
        (
            "How much does a ticket cost?",
            "The tour visits two locations.",
            "two locations",
            False,
        ),
        ("How much grain was stored?", "It held 250,000 tons of grain.", "250,000 tons", True),
        ("How much does Anelka earn a week?", "He signed a four-year deal.", "four-year", False),
        ("How much does Anelka earn a week?", "He earns £80,000 a week.", "£80,000", True),
        # when: a date, a day, a time
        ("When did the strike happen?", "It hit on 4 February.", "4 February", True),
        ("When did the strike happen?", "It hit the city centre.", "the city centre", False),
        ("When did the strike happen?", "It hit at dawn.", "dawn", True),
        ("When did the strike happen?", "Czech minister Jan said so.", "Jan", False),
        ("When did the strike happen?", "It hit in May 2022.", "May 2022", True),
        # where: a name the question does not already give
        ("Where did the drone fall?", "It fell in Kharkiv.", "Kharkiv", True),
        ("Where did the drone fall?", "It fell in a field.", "a field", False),
        (
            "Which six African countries were promised grain?",
            "Putin promised grain to six African nations.",
            "six African nations",
            False,
        ),
        # what happened: any clause
        ("What did the missile hit?", "A missile hit a school.", "a school", True),
        ("What new weapons did the US send?", "It sent HIMARS launchers.", "HIMARS", True),
        (
            "What happened in Kharkiv?",
            "They hit Kharkiv City with air strikes.",
            "City with air",
            False,
        ),
    ],
)
def test_a_short_answer_fits_the_kind_asked_for(
    question: str, sentence: str, fragment: str, fits: bool
) -> None:
    assert _fits(question, sentence, fragment) is fits


def _reading(text: str, fragment: str | None) -> Reading:
    article = Article(id="a", title="T", text=text)
    chunk = chunk_article(article, max_chars=2000)[0]
    sentence = chunk.sentences[0]
    answer = None
    if fragment is not None:
        start = text.index(fragment)
        answer = Span(start, start + len(fragment))
    return Reading(Passage(chunk, article, 1.0), sentence, answer, 0.8, FEATURES)


def test_a_wrong_kind_of_span_gives_way_to_one_of_the_kind_in_the_sentence() -> None:
    q = analyze_question("How many people were injured?")
    reading = typed_answer(q, _reading("Doctors said 20 people were injured in Izyum.", "Doctors"))
    assert reading.answer is not None
    assert reading.answer.slice(reading.article.text) == "20 people"
    assert reading.typed


def test_a_value_question_without_a_value_in_the_sentence_is_untyped() -> None:
    q = analyze_question("When did the strike on Izyum happen?")
    reading = typed_answer(q, _reading("The strike on Izyum destroyed a school.", "a school"))
    assert reading.answer is None
    assert not reading.typed  # the decline rules then decline it


def test_a_name_question_without_a_name_keeps_the_excerpt_without_a_short_answer() -> None:
    q = analyze_question("Who presented Leonardo DiCaprio with the award?")
    reading = typed_answer(q, _reading("Actor presented it to him, the actor said.", "Actor"))
    assert reading.answer is None
    assert reading.typed  # an excerpt may still answer who: shown without a bold answer


def test_an_amount_gets_its_unit() -> None:
    q = analyze_question("How much grain did the terminal hold?")
    reading = typed_answer(q, _reading("The terminal held some 250,000 tons of grain.", "250,000"))
    assert reading.answer is not None
    assert reading.answer.slice(reading.article.text) == "250,000 tons"


def test_a_span_that_fits_after_the_span_reader_is_typed_again() -> None:
    q = analyze_question("How many people were injured?")
    untyped = typed_answer(q, _reading("Doctors said people were hurt in Izyum.", "Doctors"))
    assert not untyped.typed
    text = "Doctors said 20 people were injured in Izyum."
    start = text.index("20")
    from dataclasses import replace

    read = replace(
        _reading(text, None), answer=Span(start, start + 2), typed=False
    )  # as the span reader leaves a reading the first pass found no value in
    assert typed_answer(q, read).typed
