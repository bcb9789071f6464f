"""The typed ``CallbackContext`` of the bot: what handlers need, as properties over bot_data.

``build_application`` fills ``bot_data`` with the keys below; handlers read them through
``CustomContext`` (as in python-telegram-bot's ``examples/contexttypesbot.py``).
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, Protocol, TypeAlias, cast

from telegram.ext import Application, CallbackContext, ExtBot

from answering.types import Answer, Answerer
from bot.chat_prefs import ChatPrefsStore
from bot.config.settings import Settings
from bot.feedback import FeedbackStore
from bot.follows import Follows
from bot.library.base import Library
from bot.telegram.state import CallbackStore, Debouncer, RateLimiter, StoredAnswer, TtlCache
from index.types import Article, ArticleInfo

#: bot_data keys.
SETTINGS = "settings"
ANSWERER = "answerer"
CATALOG = "catalog"
ANSWERS = "answers"
LIMITER = "limiter"
EXECUTOR = "executor"
INLINE_LIMITER = "inline_limiter"
ANSWER_CACHE = "answer_cache"
DEBOUNCER = "debouncer"
LIBRARY = "library"
INGEST_EXECUTOR = "ingest_executor"
JOURNAL = "journal"
WARMING = "warming"  # the task that warms the answerer while polling starts
FEEDBACK = "feedback"
CHAT_PREFS = "chat_prefs"
OPERATOR_MENUS = "operator_menus"  # the admins whose own command menu is set
TOPICS = "topics"  # what finds the articles about a topic (/latest TOPIC)
LISTINGS = "listings"  # the articles a /latest TOPIC found, behind its page buttons
FOLLOWS = "follows"
ALERT_LIMITER = "alert_limiter"  # the per-chat hourly limit on topic alerts
ALERT_TASKS = "alert_tasks"  # the tasks sending topic alerts (cancelled at stop)
ALERT_PACE = "alert_pace"  # the aiolimiter.AsyncLimiter that spaces all alerts

BOT_DATA_KEYS = (
    SETTINGS,
    ANSWERER,
    CATALOG,
    ANSWERS,
    LIMITER,
    EXECUTOR,
    INLINE_LIMITER,
    ANSWER_CACHE,
    DEBOUNCER,
)


class SourceCatalog(Protocol):
    """What ``/sources``, ``/latest`` and ``/article`` need from the article store."""

    def articles(self) -> list[ArticleInfo]:
        """Every indexed article, newest first."""
        ...

    def get_article(self, article_id: str) -> Article:
        """The full article; raises ``KeyError`` when unknown (or removed)."""
        ...


class TopicSearch(Protocol):
    """What ``/latest TOPIC`` needs from retrieval. Blocking: run it off the event loop."""

    def articles_about(self, topic: str) -> list[str]:
        """The IDs of the articles about ``topic``, best match first (none when unrelated)."""
        ...


@dataclass(frozen=True, slots=True)
class TopicListing:
    """What one ``/latest TOPIC`` found, kept for its page buttons."""

    topic: str
    article_ids: tuple[str, ...]


class CustomContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """``CallbackContext`` with typed access to the bot's services."""

    @property
    def settings(self) -> Settings:
        return cast(Settings, self.bot_data[SETTINGS])

    @property
    def answerer(self) -> Answerer:
        return cast("Answerer", self.bot_data[ANSWERER])

    @property
    def catalog(self) -> SourceCatalog:
        return cast(SourceCatalog, self.bot_data[CATALOG])

    @property
    def answers(self) -> CallbackStore[StoredAnswer]:
        """Answers behind the keys in "More sources" / "Full passage" buttons."""
        return cast("CallbackStore[StoredAnswer]", self.bot_data[ANSWERS])

    @property
    def limiter(self) -> RateLimiter:
        """The per-user question rate limiter."""
        return cast(RateLimiter, self.bot_data[LIMITER])

    @property
    def inline_limiter(self) -> RateLimiter:
        """The per-user inline query rate limiter (looser: inline queries come per keystroke)."""
        return cast(RateLimiter, self.bot_data[INLINE_LIMITER])

    @property
    def answer_cache(self) -> TtlCache[Answer]:
        """Recent answers by normalised question, shared by inline and chat questions."""
        return cast("TtlCache[Answer]", self.bot_data[ANSWER_CACHE])

    @property
    def debouncer(self) -> Debouncer:
        """The newest pending inline query per user."""
        return cast(Debouncer, self.bot_data[DEBOUNCER])

    @property
    def library(self) -> Library:
        """The operators' side of the index (present when admin commands are registered)."""
        return cast("Library", self.bot_data[LIBRARY])

    @property
    def ingest_executor(self) -> Executor:
        """The single worker that runs ingests, removals and feed polls, one at a time."""
        return cast(Executor, self.bot_data[INGEST_EXECUTOR])

    @property
    def feedback(self) -> FeedbackStore | None:
        """Users' votes on answers (None when the bot keeps no votes)."""
        return cast("FeedbackStore | None", self.bot_data.get(FEEDBACK))

    @property
    def chat_prefs(self) -> ChatPrefsStore | None:
        """Chats' choices from /settings (None when the bot keeps none)."""
        return cast("ChatPrefsStore | None", self.bot_data.get(CHAT_PREFS))

    @property
    def topics(self) -> TopicSearch | None:
        """Finds the articles about a topic (None: /latest TOPIC is not offered)."""
        return cast("TopicSearch | None", self.bot_data.get(TOPICS))

    @property
    def listings(self) -> CallbackStore[TopicListing]:
        """The articles each /latest TOPIC found, behind the keys in its page buttons."""
        return cast("CallbackStore[TopicListing]", self.bot_data[LISTINGS])

    @property
    def follows(self) -> Follows:
        """Topic subscriptions and their matcher (present when /follow is registered)."""
        return cast(Follows, self.bot_data[FOLLOWS])

    @property
    def executor(self) -> Executor:
        """The bounded worker pool that runs the answerer off the event loop."""
        return cast(Executor, self.bot_data[EXECUTOR])


#: The bot's Application (the bot is an ``ExtBot`` with ``AIORateLimiter`` arguments).
NewsBotApplication: TypeAlias = Application[
    ExtBot[Any], CustomContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
