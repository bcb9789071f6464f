"""Question analysis: normalisation, typed errors, answer types, count focus, head noun."""

from __future__ import annotations

import unicodedata

import pytest

from answering.question import (
    AnswerType,
    analyze_question,
    classify,
    normalize_question,
)
from index.errors import EmptyQuestionError, InputError, QuestionTooLongError

# --- normalize_question ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["", " ", "   \n\t  ", "?", "?!...", " — ", "\x00\x01", "🙂 ?"])
def test_empty_whitespace_or_punctuation_only_is_an_empty_question(raw: str) -> None:
    with pytest.raises(EmptyQuestionError) as info:
        normalize_question(raw, max_chars=500)
    assert info.value.code == "empty_question"
    assert isinstance(info.value, InputError)
    assert info.value.user_message == "Please ask a question in words."


def test_a_10000_character_question_is_too_long() -> None:
    with pytest.raises(QuestionTooLongError) as info:
        normalize_question("why " * 2500, max_chars=500)
    assert info.value.params["limit"] == 500
    assert info.value.code == "question_too_long"
    assert "500" in info.value.user_message


def test_the_limit_applies_to_the_normalised_text() -> None:
    assert normalize_question("a" * 500, max_chars=500) == "a" * 500
    with pytest.raises(QuestionTooLongError) as info:
        normalize_question("a" * 501, max_chars=500)
    assert info.value.params == {"limit": 500}
    padded = "   " + "b" * 100 + " \n " * 50
    assert normalize_question(padded, max_chars=100) == "b" * 100


def test_white_space_is_collapsed_and_trimmed() -> None:
    assert normalize_question(
        "  how   many\n\ndrones\t were\u00a0intercepted?  ", max_chars=500
    ) == ("how many drones were intercepted?")


def test_control_characters_are_removed() -> None:
    raw = "how\x00 many\x07 drones\x1b were \x7fintercepted?\u202e"
    text = normalize_question(raw, max_chars=500)
    assert text == "how many drones were intercepted?"
    assert not any(unicodedata.category(ch).startswith("C") for ch in text)


def test_non_latin_and_typographic_text_is_kept() -> None:
    assert normalize_question("Скільки дронів збили? «Так»", max_chars=500) == (
        "Скільки дронів збили? «Так»"
    )
    assert normalize_question("What did Ukraine’s president say?", max_chars=500) == (
        "What did Ukraine’s president say?"
    )


# --- classify -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how many drones were intercepted?", AnswerType.COUNT),
        ("What number of houses were damaged?", AnswerType.COUNT),
        ("How many people died when the missile hit?", AnswerType.COUNT),
        ("how much aid did the U.S. give?", AnswerType.AMOUNT),
        ("what percentage of drones were shot down?", AnswerType.AMOUNT),
        ("How long did the attack last?", AnswerType.AMOUNT),
        ("when did the attack happen?", AnswerType.TIME),
        ("What day was Izyum hit?", AnswerType.TIME),
        ("what time did the sirens sound?", AnswerType.TIME),
        ("who is the governor of Cherkasy?", AnswerType.PERSON),
        ("Whose drones were they?", AnswerType.PERSON),
        ("To whom did Trump speak?", AnswerType.PERSON),
        ("where did the missile hit?", AnswerType.PLACE),
        ("Which city was hit?", AnswerType.PLACE),
        ("which agency reported the attack?", AnswerType.ENTITY),
        ("What news agencies contributed?", AnswerType.ENTITY),
        ("what company makes the drones?", AnswerType.ENTITY),
        ("what are rare earth minerals essential for?", AnswerType.OTHER),
        ("why did Trump want minerals?", AnswerType.OTHER),
        ("What happened in Izyum?", AnswerType.OTHER),
        # from the news sets
        ("Which six African countries were promised grain?", AnswerType.PLACE),
        ("What did the city council decide?", AnswerType.OTHER),
        ("What is the state of the economy?", AnswerType.OTHER),
        ("How tall was the TV tower?", AnswerType.AMOUNT),
        ("What is the name of the pilot?", AnswerType.ENTITY),
    ],
)
def test_classify_by_wording(question: str, kind: AnswerType) -> None:
    assert classify(question) is kind


def test_classify_is_case_insensitive_and_needs_whole_words() -> None:
    assert classify("HOW MANY DRONES?") is AnswerType.COUNT
    assert classify("Whoever wrote this?") is AnswerType.OTHER
    assert classify("The somewhere story?") is AnswerType.OTHER


# --- analyze_question -----------------------------------------------------------------------------


def test_a_count_question_is_analysed() -> None:
    q = analyze_question("  how many drones were intercepted? ")
    assert q.text == "how many drones were intercepted?"
    assert q.lang == "en"
    assert q.answer_type is AnswerType.COUNT
    assert q.terms == ("drone", "intercept")
    assert q.focus == ("drone",)
    assert q.names == ()
    assert q.head is None


def test_the_count_focus_prefers_the_plural_noun() -> None:
    assert analyze_question("How many Russian soldiers died?").focus == ("soldier",)
    assert analyze_question("How many houses in Sumy were damaged?").focus == ("hous",)


def test_the_count_focus_falls_back_to_a_lowercase_word() -> None:
    assert analyze_question("how many people died?").focus == ("peopl",)


def test_only_count_questions_have_a_focus() -> None:
    assert analyze_question("who counted the drones?").focus == ()
    assert analyze_question("how much did the drones cost?").focus == ()


def test_names_are_capitalised_words_after_the_first_and_numbers() -> None:
    q = analyze_question("Did Trump offer aid to Ukraine in 2025?")
    assert q.names == ("trump", "ukraine", "2025")
    assert "did" not in q.names


def test_question_words_and_stop_words_are_not_terms() -> None:
    q = analyze_question("Who said what about the minerals?")
    assert q.terms == ("miner",)


@pytest.mark.parametrize(
    ("question", "head"),
    [
        ("which part of the city was hit?", "part"),
        ("what kind of buildings were damaged?", "build"),
        ("What types of drones were used?", "drone"),
        ("Which city was hit?", "citi"),
        ("what is the capital?", None),
        ("why did it happen?", None),
    ],
)
def test_the_head_noun_after_which_or_what(question: str, head: str | None) -> None:
    assert analyze_question(question).head == head


@pytest.mark.parametrize(
    ("question", "predicate"),
    [
        ("What did engineers replace at the north pier?", ("replac",)),
        ("What did the mayor of Kharkiv ask for?", ("ask",)),
        ("What does Zelenskyy want to obtain from partners?", ("obtain",)),
        ("What did Shmyhal warn the world could end up in?", ()),
        ("What did Zelenskyy urge Ukraine to be?", ()),
        ("What did engineers replace?", ()),
        ("What does increased oxygen concentrations in the lungs displace?", ()),
        ("What did the talks focus on?", ("focus",)),
        ("What did the government in Kyiv announce on Monday?", ()),
        ("What has Ukraine received from its partners?", ()),
        ("What happened in Kharkiv?", ()),
        ("Why did engineers replace the piles?", ()),
    ],
)
def test_the_predicate_of_a_what_did_question(question: str, predicate: tuple[str, ...]) -> None:
    assert analyze_question(question).predicate == predicate


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("how many drones?", "en"),
        ("Скільки дронів збили?", "uk"),
        ("Сколько дронов сбил бы?", "ru"),
    ],
)
def test_the_language_is_detected(question: str, lang: str) -> None:
    assert analyze_question(question).lang == lang


def test_the_language_hint_breaks_ties() -> None:
    assert analyze_question("Скiльки дронов?", lang_hint="uk").lang == "uk"
    assert analyze_question("2025?", lang_hint="ru").lang == "ru"


def test_analyze_question_raises_the_typed_errors() -> None:
    with pytest.raises(EmptyQuestionError):
        analyze_question("  ?? ")
    with pytest.raises(QuestionTooLongError) as info:
        analyze_question("x" * 10_000, max_chars=300)
    assert info.value.params["limit"] == 300


def test_a_counted_unit_matches_its_synonym_inside_a_compound() -> None:
    from answering.lexicon import focus_present, stems_with_parts

    q = analyze_question("How many floors did the damaged apartment block have?")
    assert q.focus == ("floor",)
    assert focus_present(q.focus, stems_with_parts("The attack damaged a five-story building."))
    assert focus_present(q.focus, stems_with_parts("A nine-storey block was hit."))
    assert not focus_present(q.focus, stems_with_parts("The attack damaged five buildings."))
    drones = analyze_question("How many drones were launched?").focus
    assert not focus_present(drones, stems_with_parts("Russia launched 65 missiles."))
