"""Topic alerts and the replies to /follow, /following and /unfollow as Telegram HTML.

Pure: every piece of data (topics are user text) is escaped, and every message fits
Telegram's limit.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.follows import Follow
from bot.telegram.render.html import citation, esc, is_web_url, tr
from bot.telegram.render.markup import truncate_html
from index.topic_match import TopicHit
from prompts.i18n import t


def follow_text(key: str, lang: str, **params: object) -> str:
    """The ``follow.key`` template in ``lang`` with its parameters escaped."""
    return tr(f"follow.{key}", lang, **params)


def following_html(follows: Sequence[Follow], lang: str, *, intro: str = "") -> str:
    """The chat's topics with their numbers (or a hint when there are none)."""
    if not follows:
        return follow_text("none", lang)
    lines = [follow_text("item", lang, id=f.id, topic=f.topic) for f in follows]
    parts = [intro] if intro else []
    parts.append(follow_text("list_title", lang) + "\n" + "\n".join(lines))
    return truncate_html("\n\n".join(parts))


def alert_html(hit: TopicHit, follow: Follow) -> str:
    """The alert for ``follow``: its topic, the best passage verbatim, where it comes from."""
    lang = follow.lang
    head = follow_text("alert", lang, topic=follow.topic)
    quote = f"<blockquote>{esc(hit.chunk.text.strip())}</blockquote>"
    foot = f"<i>{follow_text('stop', lang, id=follow.id)}</i>"
    return truncate_html(f"{head}\n\n{quote}\n{citation(hit.article, lang)}\n\n{foot}")


def read_keyboard(url: str | None, lang: str) -> InlineKeyboardMarkup | None:
    """ "Read article" (a link) when there is a web URL."""
    if url is None or not is_web_url(url):
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(t("telegram.button_read", lang), url=url)]])
