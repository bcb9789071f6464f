"""Security must-show, end to end: a user's question is logged at DEBUG only.

Whatever happens to it (answered, declined, too long, failing, rate limited), in Telegram chats,
inline, and in the console chat over the real pipeline.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from answering.types import Answer
from bot.console import run_console
from prompts.i18n import t
from tests.answering.conftest import answerer_over
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import ANN, BOHDAN, CAROL, FakeAnswerer, FakeCatalog
from tests.bot.telegram.harness import group_chat, make_settings, private_chat, running_bot
from tests.bot.telegram.log_capture import debug_everywhere, records_with
from tests.index.fakes import MemoryStore

#: A word no code, template or library message contains: where it shows up, the question did.
MARKER = "Quorvexian"


def assert_logged_at_debug_only(caplog: pytest.LogCaptureFixture) -> None:
    found = records_with(caplog, MARKER)
    above = [
        (r.name, r.levelname, r.getMessage()[:200]) for r in found if r.levelno > logging.DEBUG
    ]
    assert above == []
    assert found  # the capture works: the questions are there, at DEBUG


async def test_a_users_question_is_logged_at_debug_only(
    api: FakeBotApi, answerer: FakeAnswerer, caplog: pytest.LogCaptureFixture
) -> None:
    """A question answered in a private chat, asked with /ask and by mention in a group, inline,
    too long, making the answerer fail, and rate limited."""
    debug_everywhere(caplog)
    failing = f"What did {MARKER} say about the budget?"
    answerer.answers[failing] = RuntimeError("the model fell over")
    settings = make_settings(api, user_rate_limit=2, max_question_chars=100)
    group = group_chat(-100_555)
    bohdan = {**BOHDAN, "language_code": "en"}  # (the replies below are in English)
    async with running_bot(api, settings, answerer, FakeCatalog(3)) as bot:
        bot.send(private_chat(ANN), ANN, f"How many drones did {MARKER} count?")
        await bot.replies(ANN["id"], 1)
        answer = await bot.inline_answer(bot.inline(ANN, f"Where is {MARKER}?"))
        assert answer["results"]
        asked = [
            (bohdan, f"/ask {failing}"),
            (bohdan, f"/ask Why did {MARKER} " + "really " * 20 + "leave?"),
            (CAROL, f"@NewsTestBot When did {MARKER} arrive?"),
            (CAROL, f"/ask Who is {MARKER}?"),
            (CAROL, f"/ask Who is {MARKER} now?"),  # the third in the window: refused
        ]
        for count, (user, text) in enumerate(asked, start=1):
            bot.send(group, user, text)
            await bot.replies(group["id"], count)
    texts = [m.plain for m in api.messages(group["id"])]
    assert texts[0] == t("error.internal", "en")
    assert texts[1] == t("error.question_too_long", "en", limit=100)
    assert texts[4].startswith("You are asking too fast")
    assert sum(MARKER in call for call in answerer.calls) == 5  # ANN x2, BOHDAN, CAROL x2
    assert_logged_at_debug_only(caplog)


def test_a_question_in_the_console_is_logged_at_debug_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The console chat (``newsbot ask`` answers through the same ``reply``) over the real
    pipeline: an answered, a declined, a too long and a failing question."""
    debug_everywhere(caplog)
    article = (
        f" date 2024-05-01\n title Drones over {MARKER}\n source Wire\n\n"
        f"Air defence forces over {MARKER} shot down 42 of 45 drones overnight, the army said.\n"
    )
    pipeline = answerer_over(tmp_path, article)
    questions = [
        f"How many drones were shot down over {MARKER}?",
        f"What is the budget of {MARKER} in 2030?",
        f"Why {MARKER} " + "really " * 200,
        f"boom {MARKER}",
    ]

    def read(prompt: str) -> str:
        if not questions:
            raise EOFError
        return questions.pop(0)

    class Failing:
        """The pipeline, failing on "boom" (a bug, logged with its traceback)."""

        def answer(self, question: str) -> Answer:
            if question.startswith("boom"):
                raise RuntimeError("the model fell over")
            return pipeline.answer(question)

        def warm(self) -> None:
            pipeline.warm()

    written: list[str] = []
    store = MemoryStore("fake", 8)
    assert run_console(Failing(), store, read=read, write=written.append) == 0
    assert any("42 of 45" in text for text in written)
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)
    assert_logged_at_debug_only(caplog)
