"""The state the bot keeps between updates, built from ``Settings``, in this process or Redis.

With ``state.url`` set it lives in Redis, so that several workers behind one webhook share it.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from bot.chat_prefs import ChatChoices, ChatPrefsStore, prefs_path
from bot.chat_prefs_redis import RedisChatPrefs
from bot.config.settings import Settings
from bot.follows import FollowStore, Subscriptions, follows_path
from bot.follows_redis import RedisFollowStore
from bot.follows_redis import connect as connect_follows
from bot.telegram import answer_flow
from bot.telegram import context as ctx
from bot.telegram.alerts import HOUR_S
from bot.telegram.context import TopicListing
from bot.telegram.state.answer_cache import AnswerCache, MemoryAnswerCache
from bot.telegram.state.callbacks import CallbackData, CallbackStore, StoredAnswer
from bot.telegram.state.claims import MemoryClaims, UpdateClaims
from bot.telegram.state.codec import dump_stored, load_stored
from bot.telegram.state.follow_ups import FollowUps, MemoryFollowUps
from bot.telegram.state.lease import Lease, LeaseBoard, LocalLease, RedisLease
from bot.telegram.state.rate_limit import RateLimit, RateLimiter
from bot.telegram.state.redis_base import Client, connect
from bot.telegram.state.redis_claims import RedisClaims
from bot.telegram.state.redis_follow_ups import RedisFollowUps
from bot.telegram.state.redis_rate_limit import RedisRateLimiter
from bot.telegram.state.redis_values import RedisAnswerCache, RedisCallbackStore

logger = logging.getLogger(__name__)

#: How long an answer's buttons work, and a /latest TOPIC listing's pages.
BUTTON_TTL_S = 24 * 3600.0
#: How long the feed-poll lease lasts unless renewed; its holder renews it at every tick.
FEED_LEASE_TTL_S = 120.0


@dataclass(frozen=True, slots=True)
class SharedState:
    """What several workers must agree on, behind its Protocols."""

    answers: CallbackData[StoredAnswer]
    listings: CallbackData[TopicListing]
    answer_cache: AnswerCache
    limiter: RateLimit
    inline_limiter: RateLimit
    claims: UpdateClaims
    feed_lease: Lease
    follow_ups: FollowUps
    alert_limiter: RateLimit
    client: Client | None = None  # the Redis connection under it, if any

    def bot_data(self) -> dict[str, object]:
        """The entries of ``bot_data`` the handlers read this state from."""
        return {
            ctx.SHARED_STATE: self,
            ctx.ANSWERS: self.answers,
            ctx.LISTINGS: self.listings,
            ctx.ANSWER_CACHE: self.answer_cache,
            ctx.LIMITER: self.limiter,
            ctx.INLINE_LIMITER: self.inline_limiter,
            ctx.FEED_LEASE: self.feed_lease,
            ctx.FOLLOW_UPS: self.follow_ups,
            ctx.ALERT_LIMITER: self.alert_limiter,
        }

    async def aclose(self) -> None:
        """Close the connection to Redis (on the event loop that used it)."""
        if self.client is not None:
            await self.client.aclose()


def dump_listing(listing: TopicListing) -> str:
    return json.dumps({"topic": listing.topic, "article_ids": list(listing.article_ids)})


def load_listing(text: str) -> TopicListing:
    data = json.loads(text)
    return TopicListing(data["topic"], tuple(data["article_ids"]))


def build_state(settings: Settings) -> SharedState:
    """Redis-backed state when ``settings.state.url`` is set; else this process's own."""
    url = settings.state.url.get_secret_value() if settings.state.url else ""
    if url:
        return _redis_state(settings, url)
    tg = settings.telegram
    return SharedState(
        answers=CallbackStore[StoredAnswer](ttl_s=BUTTON_TTL_S),
        listings=CallbackStore[TopicListing](capacity=1_000, ttl_s=BUTTON_TTL_S),
        answer_cache=MemoryAnswerCache(answer_flow.CACHE_CAPACITY, tg.answer_cache_ttl_s or 1.0),
        limiter=RateLimiter(tg.user_rate_limit, tg.user_rate_window_s),
        inline_limiter=RateLimiter(answer_flow.INLINE_RATE_LIMIT, tg.user_rate_window_s),
        claims=MemoryClaims(),
        feed_lease=LocalLease(LeaseBoard(), "feeds", FEED_LEASE_TTL_S),
        follow_ups=MemoryFollowUps(tg.followup_ttl_s),
        alert_limiter=RateLimiter(settings.follow.alerts_per_hour, HOUR_S),
    )


def _redis_state(settings: Settings, url: str) -> SharedState:
    tg, state = settings.telegram, settings.state
    client = connect(url, state.timeout_s)
    p = state.prefix
    logger.info("Shared state in Redis (keys under %r)", p)
    return SharedState(
        answers=RedisCallbackStore(client, f"{p}button:", BUTTON_TTL_S, dump_stored, load_stored),
        listings=RedisCallbackStore(
            client, f"{p}listing:", BUTTON_TTL_S, dump_listing, load_listing
        ),
        answer_cache=RedisAnswerCache(client, p, tg.answer_cache_ttl_s or 1.0),
        limiter=RedisRateLimiter(client, f"{p}limit:", tg.user_rate_limit, tg.user_rate_window_s),
        inline_limiter=RedisRateLimiter(
            client, f"{p}inline-limit:", answer_flow.INLINE_RATE_LIMIT, tg.user_rate_window_s
        ),
        claims=RedisClaims(client, f"{p}update:", lease_s=state.worker_lease_s),
        feed_lease=RedisLease(client, f"{p}lease:feeds", FEED_LEASE_TTL_S),
        follow_ups=RedisFollowUps(client, f"{p}followup:", tg.followup_ttl_s),
        alert_limiter=RedisRateLimiter(
            client, f"{p}alert-limit:", settings.follow.alerts_per_hour, HOUR_S
        ),
        client=client,
    )


def open_subscriptions(settings: Settings) -> Subscriptions:
    """The /follow subscriptions: in Redis when ``settings.state.url`` is set (shared by the
    workers), else in SQLite in the data directory."""
    state = settings.state
    url = state.url.get_secret_value() if state.url else ""
    if url:
        return RedisFollowStore(connect_follows(url, state.timeout_s), state.prefix)
    return FollowStore(follows_path(settings.data_dir))


def open_chat_prefs(settings: Settings) -> ChatChoices:
    """The chats' choices from /settings: in Redis when ``settings.state.url`` is set (shared by
    the workers), else in SQLite in the data directory."""
    state = settings.state
    url = state.url.get_secret_value() if state.url else ""
    if url:
        return RedisChatPrefs(connect_follows(url, state.timeout_s), state.prefix)
    return ChatPrefsStore(prefs_path(settings.data_dir))
