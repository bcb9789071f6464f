"""Fixtures: the loopback Bot API, the fakes, and the running Application (``bot``).

For the admin commands, the Application over real components and a real library (``admin_bot``)."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from tqdm import tqdm

from answering.topics import TopicFinder
from bot.config.feeds import FetchSettings
from bot.config.settings import Settings
from bot.factory import Components, build_components
from bot.follows import Follows, FollowStore, follows_path
from bot.library.indexed import IndexLibrary, build_library
from bot.telegram import sending
from bot.telegram.handlers import inline as handlers_inline
from index.topic_match import TopicMatcher
from tests.bot.telegram.fake_bot_api import FakeBotApi
from tests.bot.telegram.fakes import ANN, TOKEN, FakeAnswerer, FakeCatalog
from tests.bot.telegram.harness import Harness, make_settings, running_bot
from tests.index.fakes import FakeEmbedder

#: The topic bound for the fake embedder's hashed bag-of-words vectors (a topic's words must
#: make up a good share of a passage's).
FAKE_TOPIC_MIN_SCORE = 0.2


@pytest.fixture
def api() -> Iterator[FakeBotApi]:
    with FakeBotApi(TOKEN) as server:
        yield server


@pytest.fixture
def answerer() -> FakeAnswerer:
    return FakeAnswerer()


@pytest.fixture
def catalog() -> FakeCatalog:
    return FakeCatalog(20)


@pytest.fixture
def settings(api: FakeBotApi) -> Settings:
    return make_settings(api)


@pytest_asyncio.fixture
async def bot(
    api: FakeBotApi, settings: Settings, answerer: FakeAnswerer, catalog: FakeCatalog
) -> AsyncIterator[Harness]:
    async with running_bot(api, settings, answerer, catalog) as harness:
        yield harness


def _admin_settings(api: FakeBotApi, data_dir: Path) -> Settings:
    base = make_settings(api, admins=[ANN["id"]])
    return base.model_copy(
        update={
            "data_dir": data_dir,
            "fetch": FetchSettings(allow_private=True, per_host_interval_s=0, timeout_s=2),
        }
    )


@pytest.fixture
def components(tmp_path: Path, api: FakeBotApi) -> Iterator[Components]:
    """The real components over an on-disk index in ``tmp_path`` (fake embedder), with ANN as
    the admin and fetching allowed from the loopback web server."""
    built = build_components(_admin_settings(api, tmp_path), embedder=FakeEmbedder())
    yield built
    built.store.close()
    built.sentence_cache.close()


@pytest.fixture
def library(components: Components) -> Iterator[IndexLibrary]:
    built = build_library(components)
    yield built
    built.close()


#: The topic alerts' bound for the fake embedder's hashed words (the model's is in Settings).
FAKE_FOLLOW_BOUND = 0.4


@pytest.fixture
def follows(components: Components) -> Iterator[Follows]:
    """Topic subscriptions in the data directory, matched over ``components``' index."""
    follows = open_follows(components)
    yield follows
    follows.store.close()


def open_follows(components: Components) -> Follows:
    """Topic subscriptions in the data directory of ``components``, matched over its index."""
    store = FollowStore(follows_path(components.settings.data_dir))
    matcher = TopicMatcher(components.store, components.embedder, min_score=FAKE_FOLLOW_BOUND)
    return Follows(store, matcher)


@pytest_asyncio.fixture
async def admin_bot(
    api: FakeBotApi, components: Components, library: IndexLibrary, follows: Follows
) -> AsyncIterator[Harness]:
    """The Application over ``components`` and ``library``: the admin commands and /follow
    work, and ``/latest TOPIC`` searches the index (fake embedder: a bound for its
    bag-of-words vectors)."""
    topics = TopicFinder(components.searcher, min_score=FAKE_TOPIC_MIN_SCORE)
    async with running_bot(
        api,
        components.settings,
        components.answerer,
        components.store,
        library,
        topics=topics,
        follows=follows,
    ) as harness:
        yield harness


@pytest.fixture(autouse=True)
def no_inline_debounce(monkeypatch: pytest.MonkeyPatch) -> None:
    """Inline queries are answered at once (tests of the debounce set ``DEBOUNCE_S`` again),
    and "typing…" goes out at once, even for instant fake answers (tests of its delay set
    ``TYPING_DELAY_S`` again)."""
    monkeypatch.setattr(handlers_inline, "DEBOUNCE_S", 0.0)
    monkeypatch.setattr(sending, "TYPING_DELAY_S", 0.0)


@pytest.fixture(autouse=True)
def no_leftover_threads() -> Iterator[None]:
    """Every test stops the threads it started (servers, worker pools, event loops).

    tqdm's monitor (started by any bar, even a hidden one, e.g. in bm25s) is switched off: it
    is a process-wide daemon that would outlive the first test that builds a BM25 index."""
    tqdm.monitor_interval = 0
    before = set(threading.enumerate())
    yield
    left = [thread for thread in threading.enumerate() if thread not in before]
    for thread in left:
        thread.join(5)
    assert [thread.name for thread in left if thread.is_alive()] == []
