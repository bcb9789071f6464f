"""Alerts and /following as Telegram HTML: user topics escaped, every message within limits."""

from __future__ import annotations

import datetime as dt

from bot.follows import Follow
from bot.telegram.render.follow import alert_html, following_html, read_keyboard
from bot.telegram.render.markup import MESSAGE_LIMIT, visible_length
from index.topic_match import TopicHit
from index.types import Article, Chunk
from tests.bot.telegram.bot_api_rules import check_reply_markup, check_text

HOSTILE = '<script>alert("x")</script> & <b>Kharkiv</b>'


def _hit(text: str, url: str | None) -> TopicHit:
    article = Article(
        id="a1", text=text, title="Drones <over> Kharkiv", date=dt.date(2025, 2, 4), url=url
    )
    chunk = Chunk("a1", 0, 0, len(text), text, ())
    return TopicHit(HOSTILE, article, chunk, 0.8, 0.6, 1.0)


def test_an_alert_escapes_the_topic_and_quotes_the_passage_verbatim() -> None:
    follow = Follow(7, 1, 1, HOSTILE, "uk")
    text = alert_html(_hit("Ten <drones> & more were shot down.", "https://e.example/a"), follow)
    plain = check_text(text, "HTML")
    assert HOSTILE in plain
    assert "Ten <drones> & more were shot down." in plain
    assert "Drones <over> Kharkiv · 4 лют. 2025" in plain
    assert "/unfollow 7" in plain
    keyboard = read_keyboard("https://e.example/a", "uk")
    assert keyboard is not None
    check_reply_markup(keyboard.to_dict())
    assert keyboard.inline_keyboard[0][0].url == "https://e.example/a"
    assert read_keyboard("file:///etc/passwd", "en") is None
    assert read_keyboard(None, "en") is None


def test_long_passages_and_many_long_topics_fit_one_message() -> None:
    follow = Follow(1, 1, 1, "t" * 1000, "en")
    text = alert_html(_hit("word " * 2000, None), follow)
    assert visible_length(text) <= MESSAGE_LIMIT  # (what Telegram counts)
    check_text(text, "HTML")
    follows = [Follow(i, 1, 1, f"{HOSTILE} {'y' * 480}", "ru") for i in range(30)]
    listing = following_html(follows, "ru")
    assert visible_length(listing) <= MESSAGE_LIMIT
    assert HOSTILE in check_text(listing, "HTML")
