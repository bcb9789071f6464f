"""Small talk: what counts (whole messages only), the reply it gets, and the pipeline's use."""

from __future__ import annotations

import pytest

from answering.pipeline import AnswerPolicy, PipelineAnswerer
from answering.readers.extractive import ExtractiveReader
from answering.small_talk import (
    MAX_WORDS,
    SmallTalk,
    example_questions,
    small_talk_answer,
    small_talk_kind,
)
from index.lexical import LexicalIndex
from index.search import HybridSearcher
from prompts.i18n import t
from tests.index.fakes import FakeEmbedder, MemoryStore

GREETING, THANKS, GOODBYE, ACK = SmallTalk


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("hi", GREETING),
        ("Hi!", GREETING),
        ("hi there", GREETING),
        ("Hello, bot!", GREETING),
        ("hey 👋", GREETING),
        ("Good morning!", GREETING),
        ("good evening, everyone", GREETING),
        ("Hi, how are you?", GREETING),
        ("What’s up?", GREETING),
        ("@NewsTestBot hello", GREETING),
        ("Привіт!", GREETING),
        ("Добрий день", GREETING),
        ("вітаю", GREETING),
        ("Привет", GREETING),
        ("Здравствуйте!", GREETING),
        ("Добрый день.", GREETING),
        ("thanks!", THANKS),
        ("Thanks", THANKS),
        ("thank you", THANKS),
        ("Thank you so much!!", THANKS),
        ("thank you for the answer", THANKS),
        ("thx", THANKS),
        ("ty", THANKS),
        ("cheers", THANKS),
        ("many thanks, bot", THANKS),
        ("ok, thanks 🙏", THANKS),
        ("hi and thanks", THANKS),
        ("Дякую!", THANKS),
        ("дуже дякую за відповідь", THANKS),
        ("Спасибі", THANKS),
        ("Спасибо большое!", THANKS),
        ("ещё раз спасибо", THANKS),
        ("благодарю", THANKS),
        ("и спасибо", THANKS),
        ("bye", GOODBYE),
        ("Bye bye!", GOODBYE),
        ("see you later", GOODBYE),
        ("thanks, bye", THANKS),
        ("До побачення!", GOODBYE),
        ("пока", GOODBYE),
        ("ok", ACK),
        ("OK.", ACK),
        ("okay", ACK),
        ("got it", ACK),
        ("great!", ACK),
        ("👍", ACK),
        ("👍🏻👍🏻", ACK),
        ("❤️", ACK),
        ("гаразд", ACK),
        ("понятно", ACK),
    ],
)
def test_small_talk_is_recognised(text: str, kind: SmallTalk) -> None:
    assert small_talk_kind(text) is kind


@pytest.mark.parametrize(
    "text",
    [
        "hello, how many drones were shot down?",
        "Hi! How many people were killed in Izyum?",
        "thanks, and how many were launched?",
        "thank you! what about Kharkiv?",
        "Привіт, скільки дронів збили?",
        "Спасибо, а сколько людей погибло?",
        "good question",
        "how are you doing today",
        "how many?",
        "hello 2025",
        "thank",  # not a whole phrase
        "bot",  # a filler alone is no small talk
        "and",
        "",
        "   ",
        "?!",
        "🔥",
        "great " * (MAX_WORDS + 1),  # too long to be small talk
        "What did Trump want in exchange for aid to Ukraine?",
        "Who said hello to the minister?",
        "okay what happened in Kyiv",
    ],
)
def test_questions_are_not_small_talk(text: str) -> None:
    assert small_talk_kind(text) is None


def test_the_reply_is_in_the_language_of_the_message_with_example_questions() -> None:
    reply = small_talk_answer("Дякую!")
    assert reply is not None
    assert (reply.small_talk, reply.lang, reply.notice) == ("thanks", "uk", None)
    assert reply.examples == example_questions("uk")
    assert reply.examples[0] == t("telegram.example_1", "uk")
    assert reply.answer is None and not reply.declined
    assert reply.quotes == () and reply.closest == () and reply.more == ()
    assert reply.as_json()["small_talk"] == "thanks"
    assert small_talk_answer("how many drones?") is None


def test_in_the_english_profile_examples_are_english_and_others_are_told() -> None:
    reply = small_talk_answer("Привет!", english_only=True)
    assert reply is not None
    assert (reply.lang, reply.notice) == ("ru", "english_only")
    assert reply.examples == example_questions("en")
    english = small_talk_answer("hi", english_only=True)
    assert english is not None and english.notice is None


def test_a_message_without_letters_takes_the_hint_for_its_language() -> None:
    reply = small_talk_answer("👍", "uk-UA")
    assert reply is not None and reply.lang == "uk" and reply.small_talk == "ack"


@pytest.mark.parametrize("multilingual", [False, True])
def test_the_pipeline_replies_to_small_talk_without_searching(
    sample_store: MemoryStore, fake_embedder: FakeEmbedder, multilingual: bool
) -> None:
    searcher = HybridSearcher(sample_store, fake_embedder, LexicalIndex(sample_store))
    policy = AnswerPolicy(multilingual=multilingual)
    answerer = PipelineAnswerer(searcher, ExtractiveReader(fake_embedder), policy)
    for text, kind in (("thanks!", "thanks"), ("hi", "greeting")):
        reply = answerer.answer(text)
        assert reply.small_talk == kind and not reply.declined
        assert reply.quotes == () and reply.closest == () and reply.more == ()
    question = answerer.answer("how many drones were intercepted?")
    assert question.small_talk is None and question.quotes
