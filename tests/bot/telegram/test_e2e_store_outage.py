"""End to end over a real PostgreSQL store that crashes and comes back: the user asking during
the outage is told so (in Telegram and in the console), and the same running bot answers once
the server is back."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.config.store import StoreSettings
from bot.console import reply
from bot.factory import build_components
from prompts.i18n import t
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import ANN
from tests.bot.telegram.harness import make_settings, private_chat, running_bot
from tests.conftest import SAMPLE_ARTICLE, ingest_into
from tests.index.fakes import FakeEmbedder
from tests.servers import PostgresServer

pytestmark = pytest.mark.postgres

#: Long enough for the store's wait for a connection (``postgres_pool.WAIT_S``) and the answer.
REPLY_S = 30.0


async def test_a_question_during_an_outage_gets_an_apology_and_one_after_it_an_answer(
    api: FakeBotApi, own_postgres: PostgresServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = own_postgres.create_database()
    settings = make_settings(api, answer_cache_ttl_s=0).model_copy(
        update={"store": StoreSettings(url=SecretStr(url)), "data_dir": tmp_path}
    )
    embedder = FakeEmbedder()
    components = build_components(settings, embedder=embedder)
    ingest_into(components.store, embedder, [SAMPLE_ARTICLE])
    try:
        async with running_bot(api, settings, components.answerer, components.store) as bot:
            bot.send(private_chat(ANN), ANN, "Where did the missile hit?")
            [first] = await bot.replies(ANN["id"], timeout=REPLY_S)
            assert "Izyum" in first.plain

            own_postgres.crash()
            bot.send(private_chat(ANN), ANN, "How many drones were shot down?")
            apology = (await bot.replies(ANN["id"], 2, timeout=REPLY_S))[1]
            assert apology.plain == t("error.store_unavailable", "en")
            assert not [r for r in caplog.records if r.exc_info], "an outage is no traceback"
            console = await asyncio.to_thread(reply, components.answerer, "Where is Izyum?")
            assert console == apology.plain

            own_postgres.start_again()
            bot.send(private_chat(ANN), ANN, "How many drones were shot down?")
            again = (await bot.replies(ANN["id"], 3, timeout=REPLY_S))[2]
            assert "37" in again.plain
    finally:
        components.store.close()
        components.sentence_cache.close()
