"""``newsbot run`` (and plain ``newsbot``): the Telegram bot when a token is set, else the
console chat."""

from __future__ import annotations

import contextlib

from bot.commands.base import BareCommand
from bot.commands.ingest import ready
from bot.config.settings import Settings
from bot.factory import Components
from index.embedding.base import Embedder


def run(settings: Settings, *, embedder: Embedder | None = None) -> int:
    """The Telegram bot when a token is configured, else the console chat (``embedder``
    replaces the configured one, for tests)."""
    components = ready(settings, embedder=embedder)
    try:
        if settings.telegram.token is not None:
            _run_telegram(settings, components, settings.telegram.token.get_secret_value())
            return 0
        from bot.console import run_console

        components.answerer.warm()
        return run_console(components.answerer, components.store)
    finally:
        components.store.close()
        components.sentence_cache.close()


def _run_telegram(settings: Settings, components: Components, token: str) -> None:
    """Build the bot's stores in the data directory and run the Telegram bot until stopped."""
    from answering.topics import TopicFinder
    from bot.feedback import FeedbackStore, feedback_path
    from bot.follows import Follows
    from bot.library.indexed import build_library
    from bot.telegram.app import build_application, run_application
    from bot.telegram.journal import UpdateJournal, journal_path
    from bot.telegram.shared_state import open_chat_prefs, open_subscriptions
    from index.store.factory import listen
    from index.topic_match import TopicMatcher

    data_dir = settings.data_dir
    with contextlib.ExitStack() as opened:
        # Another process's write rebuilds this one's lexical view now, not at the next question.
        opened.enter_context(listen(components.store, components.searcher.warm))
        library = opened.enter_context(contextlib.closing(build_library(components)))
        journal = opened.enter_context(
            contextlib.closing(UpdateJournal(journal_path(data_dir, token)))
        )
        feedback = opened.enter_context(contextlib.closing(FeedbackStore(feedback_path(data_dir))))
        prefs = opened.enter_context(contextlib.closing(open_chat_prefs(settings)))
        follow_store = opened.enter_context(contextlib.closing(open_subscriptions(settings)))
        matcher = TopicMatcher(
            components.store, components.embedder, min_score=settings.follow.min_score
        )
        app = build_application(
            settings,
            components.answerer,
            components.store,
            library,
            journal,
            feedback=feedback,
            chat_prefs=prefs,
            topics=TopicFinder(components.searcher, min_score=settings.search.topic_min_score),
            follows=Follows(follow_store, matcher),
        )
        run_application(app, settings)


COMMAND = BareCommand("run", "the Telegram bot, or the console chat without a token", run)
