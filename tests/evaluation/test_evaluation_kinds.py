"""Short answers of another kind than asked: the evaluation-side judge."""

from __future__ import annotations

import pytest

from evaluation.kinds import has_name, has_number, is_quantity, is_time, kind_fits

OTHER_KIND = [  # (question, short answer)
    ("Who attended the rally?", "Actor"),
    ("Who protested outside the embassy?", "Pakistanis"),
    ("Who fired the missiles?", "Ukrainian soldiers"),
    ("By how much have costs risen?", "six"),
    ("How much did the bridge cost?", "4"),
    ("How many drones were shot down?", "air defences"),
    ("When did the strike happen?", "in Kharkiv"),
    ("Where did the drone fall?", "a field"),
]
OF_THE_KIND = [
    ("How many drones were shot down?", "37 of the 65 drones"),
    ("How many houses were damaged?", "eight"),
    ("How many troops?", "dozens"),
    ("How many floors did the block have?", "five-story"),
    ("When did the strike happen?", "4 February"),
    ("When did the strike happen?", "last night"),
    ("In which year did Ireland last win a Grand Slam?", "1948"),
    ("On which day did Trump talk about minerals?", "Monday"),
    ("By how much have costs risen?", "six percent"),
    ("How much did the bridge cost?", "$4 billion"),
    ("How much aid did Blinken announce?", "2.8bn"),
    ("How long did the talks go on?", "more than five hours"),
    ("How long was the essay?", "5,000-word"),
    ("How old is he?", "83"),
    ("Who is the commander of the brigade?", "Serhii Volyna"),
    ("Who said the supply must not stop?", "Zelenskyy"),
    ("Who leads the watchdog?", "Sir John Bourn"),
    ("Who imposed the sanctions?", "NATO"),
    ("Хто губернатор Черкаської області?", "Табурець"),
    ("Where did the governor post about the attack?", "Telegram"),
    ("Скільки будинків пошкоджено?", "вісім"),
]


@pytest.mark.parametrize(
    ("question", "short", "fits"),
    [(q, short, False) for q, short in OTHER_KIND] + [(q, short, True) for q, short in OF_THE_KIND],
)
def test_an_answer_fits_the_kind_asked_or_not(question: str, short: str, fits: bool) -> None:
    assert kind_fits(question, short, "A quote with more words in it.") is fits


def test_questions_of_other_types_are_not_judged() -> None:
    assert kind_fits("What happened in Kharkiv?", "a drone strike", "quote") is None
    assert kind_fits("Which agency reported it?", "Reuters", "quote") is None


def test_declines_and_whole_quote_answers_are_not_judged() -> None:
    quote = "Air defences shot down  37 drones."  # (white space is not compared)
    assert kind_fits("How many drones?", None, quote) is None
    assert kind_fits("How many drones?", "   ", quote) is None
    assert kind_fits("Who spoke?", "Air defences shot down 37 drones.", quote) is None
    assert kind_fits("Who spoke?", "Officials", quote) is False


def test_a_capitalised_word_the_quote_writes_in_lower_case_is_no_name() -> None:
    assert not has_name("Drone", "The drone hit a house.")
    assert has_name("Drone", "Operation Drone began.")
    assert has_name("Zelenskyy's", "")


def test_number_and_quantity_and_time_readers() -> None:
    assert has_number("twenty-five") and has_number("37") and not has_number("several")
    assert (
        is_quantity("90%")
        and is_quantity("25 million tons")
        and is_quantity("a third", bare_ok=False) is False
    )
    assert not is_quantity("about six") and is_quantity("about six", bare_ok=True)
    assert is_time("18:30") and is_time("2024-05-01") and is_time("two days ago")
    assert not is_time("Kharkiv")
