"""The typed ``CallbackContext`` of the bot: what handlers need, as typed reads of bot_data.

``build_application`` fills ``bot_data`` with the keys below; handlers read them through
``CustomContext`` (as in python-telegram-bot's ``examples/contexttypesbot.py``).
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass
from typing import Any, Generic, Protocol, Self, TypeAlias, TypeVar, cast, overload

from telegram.ext import Application, CallbackContext, ExtBot

from answering.types import Answerer
from bot.chat_prefs import ChatChoices
from bot.config.settings import Settings
from bot.feedback import FeedbackStore
from bot.follows import Follows
from bot.library.base import Library
from bot.telegram.state.answer_cache import AnswerCache
from bot.telegram.state.callbacks import CallbackData, StoredAnswer
from bot.telegram.state.debounce import Debouncer
from bot.telegram.state.follow_ups import FollowUps
from bot.telegram.state.lease import Lease
from bot.telegram.state.rate_limit import RateLimit
from index.types import Article, ArticleInfo

T = TypeVar("T")

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
FEED_LEASE = "feed_lease"  # held by the one worker that polls the feeds
SHARED_STATE = "shared_state"  # the SharedState these entries come from (closed at stop)
FOLLOW_UPS = "follow_ups"  # what follow-up questions lean on

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

    @property
    def generation(self) -> int:
        """A number that grows with every change of the articles (in any process)."""
        ...

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


class _Service(Generic[T]):
    """A typed read of the ``bot_data`` entry under ``key``: a KeyError when it is missing, or
    None when it is ``optional`` (the bot runs without that service)."""

    def __init__(self, key: str, doc: str, *, optional: bool = False) -> None:
        self.key = key
        self.optional = optional
        self.__doc__ = doc

    @overload
    def __get__(self, context: None, owner: type[Any]) -> Self: ...
    @overload
    def __get__(self, context: CustomContext, owner: type[Any]) -> T: ...
    def __get__(self, context: CustomContext | None, owner: type[Any]) -> T | Self:
        if context is None:
            return self
        data = context.bot_data
        return cast(T, data.get(self.key) if self.optional else data[self.key])


class CustomContext(CallbackContext[ExtBot[Any], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """``CallbackContext`` with typed access to the bot's services."""

    settings = _Service[Settings](SETTINGS, "The bot's settings.")
    answerer = _Service[Answerer](ANSWERER, "Turns a question into an answer (blocking).")
    catalog = _Service[SourceCatalog](CATALOG, "The indexed articles, for reading commands.")
    answers = _Service[CallbackData[StoredAnswer]](
        ANSWERS, 'Answers behind the keys in "More sources" / "Full passage" buttons.'
    )
    limiter = _Service[RateLimit](LIMITER, "The per-user question rate limiter.")
    inline_limiter = _Service[RateLimit](
        INLINE_LIMITER,
        "The per-user inline query rate limiter (looser: inline queries come per keystroke).",
    )
    answer_cache = _Service[AnswerCache](
        ANSWER_CACHE, "Recent answers by normalised question, shared by inline and chat questions."
    )
    debouncer = _Service[Debouncer](DEBOUNCER, "The newest pending inline query per user.")
    library = _Service[Library](
        LIBRARY, "The operators' side of the index (present when admin commands are registered)."
    )
    ingest_executor = _Service[Executor](
        INGEST_EXECUTOR, "The single worker that runs ingests, removals and feed polls in turn."
    )
    feedback = _Service[FeedbackStore | None](
        FEEDBACK, "Users' votes on answers (None when the bot keeps no votes).", optional=True
    )
    chat_prefs = _Service[ChatChoices | None](
        CHAT_PREFS, "Chats' choices from /settings (None when the bot keeps none).", optional=True
    )
    topics = _Service[TopicSearch | None](
        TOPICS,
        "Finds the articles about a topic (None: /latest TOPIC is not offered).",
        optional=True,
    )
    listings = _Service[CallbackData[TopicListing]](
        LISTINGS, "The articles each /latest TOPIC found, behind the keys in its page buttons."
    )
    follows = _Service[Follows](
        FOLLOWS, "Topic subscriptions and their matcher (present when /follow is registered)."
    )
    feed_lease = _Service[Lease](FEED_LEASE, "Held by the one worker that polls the feeds.")
    follow_ups = _Service[FollowUps](
        FOLLOW_UPS, "Each chat's previous question and the questions behind its answers."
    )
    executor = _Service[Executor](
        EXECUTOR, "The bounded worker pool that runs the answerer off the event loop."
    )


#: The bot's Application (the bot is an ``ExtBot`` with ``AIORateLimiter`` arguments).
NewsBotApplication: TypeAlias = Application[
    ExtBot[Any], CustomContext, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any
]
