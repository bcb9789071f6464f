"""The console chat, driven through injected ``read``/``write``."""

from __future__ import annotations

import logging
from collections.abc import Iterable

import pytest

from answering.english_only import tell_operator
from answering.pipeline import PipelineAnswerer
from answering.readers.extractive import ExtractiveReader
from answering.types import Answer
from bot.console import reply, run_console
from index.errors import InputError
from index.lexical import LexicalIndex
from index.search import HybridSearcher
from prompts.i18n import t
from tests.index.fakes import FakeEmbedder, MemoryStore

WELCOME_1 = (
    "newsbot: ask about the news in 1 indexed articles. Type /sources to list them, /help for "
    "help, /quit to leave."
)


class Script:
    """Feeds lines to ``read``; then raises ``end`` (EOF by default). Records the prompts."""

    def __init__(self, lines: Iterable[str], end: type[BaseException] = EOFError) -> None:
        self._lines = list(lines)
        self._end = end
        self.prompts: list[str] = []
        self.out: list[str] = []

    def read(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self._lines:
            raise self._end()
        return self._lines.pop(0)

    def write(self, text: str) -> None:
        self.out.append(text)


class Broken:
    """An answerer that fails with an unexpected error."""

    def answer(self, question: str) -> Answer:
        raise RuntimeError("database password is hunter2")

    def warm(self) -> None:
        return None


@pytest.fixture
def answerer(sample_store: MemoryStore, fake_embedder: FakeEmbedder) -> PipelineAnswerer:
    searcher = HybridSearcher(sample_store, fake_embedder, LexicalIndex(sample_store))
    return PipelineAnswerer(searcher, ExtractiveReader(fake_embedder))


def run(answerer: PipelineAnswerer, store: MemoryStore, script: Script, lang: str = "en") -> int:
    return run_console(answerer, store, read=script.read, write=script.write, lang=lang)


def test_welcome_then_bye_at_end_of_input(
    answerer: PipelineAnswerer, sample_store: MemoryStore
) -> None:
    script = Script([])
    assert run(answerer, sample_store, script) == 0
    assert script.out == [WELCOME_1, "", "Bye."]
    assert script.prompts == ["? "]


def test_help_sources_and_quit(answerer: PipelineAnswerer, sample_store: MemoryStore) -> None:
    script = Script(["/help", "/sources", "/quit", "never read"])
    assert run(answerer, sample_store, script) == 0
    assert script.out[0] == WELCOME_1
    assert script.out[1].startswith("Type a question")
    assert "/sources" in script.out[1]
    listing = script.out[2].splitlines()
    assert listing[0] == "Indexed articles (1), newest first:"
    assert listing[1].startswith("  2025-02-04  A Russian missile attack Tuesday")
    assert listing[1].endswith("(VOA / AP)")
    assert script.out[3] == "Bye."
    assert len(script.out) == 4
    assert len(script.prompts) == 3


@pytest.mark.parametrize("word", ["/exit", "quit", "EXIT", ":q", "  /quit  "])
def test_other_ways_to_leave(
    answerer: PipelineAnswerer, sample_store: MemoryStore, word: str
) -> None:
    script = Script([word, "/help"])
    run(answerer, sample_store, script)
    assert script.out == [WELCOME_1, "Bye."]


def test_a_question_is_answered_with_a_cited_quote(
    answerer: PipelineAnswerer, sample_store: MemoryStore
) -> None:
    script = Script(["how many drones were intercepted?"])
    run(answerer, sample_store, script)
    text = script.out[1]
    assert text.splitlines()[0].startswith("37")
    assert "37 of the 65 drones" in " ".join(text.split())
    assert "· 2025-02-04 · VOA / AP" in text


def test_blank_lines_are_ignored(answerer: PipelineAnswerer, sample_store: MemoryStore) -> None:
    script = Script(["", "   ", "\t"])
    run(answerer, sample_store, script)
    assert script.out == [WELCOME_1, "", "Bye."]
    assert len(script.prompts) == 4


def test_an_empty_question_gets_a_safe_message(
    answerer: PipelineAnswerer, sample_store: MemoryStore
) -> None:
    script = Script(["?!", "...", "how many drones were intercepted?"])
    run(answerer, sample_store, script)
    assert script.out[1] == "Please ask a question in words."
    assert script.out[2] == "Please ask a question in words."
    assert "37" in script.out[3], "the chat goes on after a bad question"


def test_a_too_long_question_gets_a_localized_message(
    answerer: PipelineAnswerer, sample_store: MemoryStore
) -> None:
    script = Script(["Скільки дронів збили? " * 40, "How " + "many " * 200 + "drones?"])
    run(answerer, sample_store, script)
    assert script.out[1] == "Запитання задовге: будь ласка, не більше 500 символів."
    assert script.out[2] == ("That question is too long: please keep it under 500 characters.")


def test_an_unexpected_error_is_not_shown(
    sample_store: MemoryStore, caplog: pytest.LogCaptureFixture
) -> None:
    script = Script(["how many drones?", "Сколько дронов сбили?"])
    run_console(Broken(), sample_store, read=script.read, write=script.write)
    assert script.out[1] == "Something went wrong on my side. Please try again later."
    assert script.out[2] == "Что-то пошло не так с моей стороны. Попробуйте позже."
    assert not any("hunter2" in line for line in script.out)


def test_ctrl_c_leaves_politely(answerer: PipelineAnswerer, sample_store: MemoryStore) -> None:
    script = Script([], end=KeyboardInterrupt)
    assert run(answerer, sample_store, script) == 0
    assert script.out[-1] == "Bye."


def test_the_console_speaks_the_chosen_language(
    answerer: PipelineAnswerer, sample_store: MemoryStore
) -> None:
    script = Script(["/help"])
    run(answerer, sample_store, script, lang="uk")
    assert script.out[0].startswith("newsbot: питайте про новини з 1 проіндексованих статей.")
    assert script.out[1].startswith("Поставте запитання")
    assert script.out[-1] == "До побачення."
    assert script.prompts[0] == "? ", "the prompt falls back to English"


def test_reply_renders_an_answer_or_an_error(answerer: PipelineAnswerer) -> None:
    assert "37" in reply(answerer, "how many drones were intercepted?")
    assert reply(answerer, "   ?   ") == "Please ask a question in words."
    assert reply(Broken(), "why?") == "Something went wrong on my side. Please try again later."


class OddError(InputError):
    """A refusal that the UI strings have no template for."""

    code = "no_such_template"


class Odd:
    """An answerer that refuses with ``OddError``."""

    def answer(self, question: str) -> Answer:
        raise OddError("internal detail", user_message="Please ask one thing at a time.")

    def warm(self) -> None:
        return None


def test_an_error_without_a_template_falls_back_to_its_user_message() -> None:
    assert reply(Odd(), "two things?") == "Please ask one thing at a time."
    assert reply(Odd(), "дві речі?") == "Please ask one thing at a time."


@pytest.mark.parametrize(("text", "kind"), [("thanks!", "thanks"), ("hi", "greeting")])
def test_small_talk_gets_a_friendly_reply_with_examples_not_an_article(
    answerer: PipelineAnswerer, sample_store: MemoryStore, text: str, kind: str
) -> None:
    script = Script([text])
    run(answerer, sample_store, script)
    lines = script.out[1].splitlines()
    assert lines[0] == t(f"small_talk.{kind}", "en")
    assert lines[1:] == [
        t("small_talk.examples", "en"),
        *(f"  • {t(f'telegram.example_{n}', 'en')}" for n in (1, 2, 3)),
    ]
    assert t("answer.decline", "en") not in script.out[1]
    assert "VOA / AP" not in script.out[1] and "“" not in script.out[1]


@pytest.mark.parametrize(
    ("question", "lang"),
    [("Скільки дронів перехопили?", "uk"), ("Сколько людей погибло в Изюме?", "ru")],
)
def test_in_the_english_profile_a_question_in_another_language_is_told_in_its_language(
    answerer: PipelineAnswerer,
    sample_store: MemoryStore,
    caplog: pytest.LogCaptureFixture,
    question: str,
    lang: str,
) -> None:
    tell_operator.cache_clear()  # the operator's hint is logged once per process
    script = Script([question, "Привіт!"])
    with caplog.at_level(logging.INFO):
        run(answerer, sample_store, script)
    text, greeting = script.out[1], script.out[2]
    # the decline, or what the keyword search found when it passes the checks of any answer
    declined = t("answer.decline", lang) in text
    assert text.startswith(t("answer.english_only" + ("" if declined else "_found"), lang))
    assert greeting.splitlines()[:2] == [
        t("small_talk.greeting", "uk"),
        t("answer.english_only", "uk"),
    ]
    assert t("telegram.example_1", "en") in greeting  # examples that this profile answers
    for shown in script.out:
        assert "NEWSBOT_" not in shown and "models install" not in shown
    assert "NEWSBOT_PROFILE=multilingual" in caplog.text
    assert "newsbot models install multilingual" in caplog.text
