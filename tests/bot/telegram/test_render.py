"""Rendering: escaped Telegram HTML that the Bot API accepts, split under the length limit."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from answering.types import Answer, ArticleRef, Quote
from bot.telegram.keyboards import answer_keyboard
from bot.telegram.render import answers
from bot.telegram.render import passage as render_passage
from bot.telegram.render.html import esc
from bot.telegram.render.markup import split_html, truncate_html, utf16_len, visible_length
from prompts.i18n import t
from tests.bot.telegram import bot_api_rules
from tests.bot.telegram.bot_api_rules import BotApiError, check_text, parse_html
from tests.bot.telegram.fakes import PARAGRAPH, QUOTE_TEXT, declined_answer, make_quote

LIMIT = 4096


def _valid_messages(messages: list[str], limit: int = LIMIT) -> list[str]:
    """The visible texts; fails if the Bot API would refuse any message."""
    plains = [check_text(message, "HTML") for message in messages]
    assert all(utf16_len(plain) <= limit for plain in plains)
    return plains


def _squash(text: str) -> str:
    return "".join(text.split())


def test_everything_is_escaped_and_linked_only_to_web_urls() -> None:
    quote = make_quote(title='<script>"x" & y</script>')
    unsafe = [
        dataclasses.replace(quote, url=url)
        for url in ("javascript:alert(1)", "http://", "https://a b.com", "http://[::1")
    ]
    answer = Answer("q", "Yes <b>really</b> & truly", (quote, *unsafe), lang="en")
    [message] = answers.answer_messages(answer, "en")
    assert message.count("<a href=") == 1
    assert "<b>Yes &lt;b&gt;really&lt;/b&gt; &amp; truly</b>" in message
    assert (
        '<a href="https://example.com/news?id=1&amp;lang=en">&lt;script&gt;&quot;x&quot;' in message
    )
    assert "javascript" not in message
    assert _valid_messages([message])


def test_declined_answers_name_the_closest_articles() -> None:
    [message] = answers.answer_messages(declined_answer("q"), "ru")
    plain = parse_html(message)
    assert plain.startswith("Я не нашёл ответа")
    assert "Ближайшие статьи:\n• Budget talks · 2 апр. 2024 · Reuters" in plain


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
@pytest.mark.parametrize("notice", [None, "english_only"])
def test_small_talk_is_a_friendly_text_with_the_examples(lang: str, notice: str | None) -> None:
    examples = ("How many <drones> & missiles?", "Who won?")
    answer = Answer("hi", None, lang=lang, notice=notice, small_talk="greeting", examples=examples)
    [plain] = _valid_messages(answers.answer_messages(answer, lang))
    lines = [t("small_talk.greeting", lang)]
    lines += [t("answer.english_only", lang)] if notice else []
    assert plain.split("\n\n") == [
        *lines,
        t("small_talk.examples", lang) + "\n• " + "\n• ".join(examples),
    ]
    assert answers.inline_title(answer, lang) == t("small_talk.greeting", lang)
    assert answers.inline_description(answer) == ""


def test_full_passage_underlines_the_quote_in_its_paragraph() -> None:
    html = render_passage.full_passage_html(Answer("q", "a", (make_quote(),)), "en")
    assert f"<u>{QUOTE_TEXT}</u>" in html
    assert _squash(PARAGRAPH) in _squash(parse_html(html))
    moved = Quote("a", "T", None, None, None, "shot down", 0, 9, paragraph=PARAGRAPH)
    assert "<u>shot down</u>" in render_passage.full_passage_html(Answer("q", "a", (moved,)), "en")


def test_full_passage_shows_the_paragraphs_around_the_quote_in_its_article() -> None:
    text = f"Opening line.\n\n{PARAGRAPH}\n\nClosing line.\n\nUnrelated ending."
    start = text.index(QUOTE_TEXT)
    quote = replace(make_quote(), start=start, end=start + len(QUOTE_TEXT))
    html = render_passage.full_passage_html(Answer("q", "a", (quote,)), "en", {"art1": text})
    body = parse_html(html)
    assert "Opening line." in body and "Closing line." in body
    assert "Unrelated ending." not in body
    assert f"<u>{QUOTE_TEXT}</u>" in html
    changed = {"art1": text.replace("42 of 45", "41 of 45")}  # the article was edited since
    fallback = render_passage.full_passage_html(Answer("q", "a", (quote,)), "en", changed)
    assert "Opening line." not in parse_html(fallback)
    assert f"<u>{QUOTE_TEXT}</u>" in fallback


def test_sources_pages_are_clamped() -> None:
    refs = [ArticleRef(str(i), f"T{i}", dt.date(2024, 1, i), None, None) for i in range(1, 10)]
    page = answers.sources_page(refs, 7, "en", page_size=4)
    assert (page.page, page.pages) == (2, 3)
    assert "9. T9" in parse_html(page.text)
    assert answers.sources_page([], 0, "en").text == "No articles are indexed yet."


def test_a_short_text_is_one_unchanged_message() -> None:
    text = "<b>bold</b> &amp; plain"
    assert split_html(text) == [text]
    assert truncate_html(text) == text


def test_split_reopens_tags_and_counts_utf16_units() -> None:
    text = "<b>head</b>\n\n<blockquote>" + "🚀 rocket " * 1000 + "</blockquote>\nend"
    assert visible_length(text) > 2 * LIMIT
    chunks = split_html(text)
    assert len(chunks) == 3
    assert all(chunk.count("<blockquote>") == 1 for chunk in chunks)
    plains = _valid_messages(chunks)
    assert _squash("".join(plains)) == _squash(parse_html(text))


def test_split_prefers_blank_lines_then_spaces_and_never_cuts_an_entity() -> None:
    first, second = "a" * 3000, "b" * 3000
    assert split_html(f"{first}\n\n{second}") == [f"{first}\n\n", second]
    chunks = split_html("&amp;" * 5000, 4096)
    assert [visible_length(c) for c in chunks] == [4096, 904]
    assert all(chunk.endswith("&amp;") for chunk in chunks)


def test_truncation_adds_an_ellipsis_within_the_limit() -> None:
    text = "<i>" + "word " * 2000 + "</i>"
    short = truncate_html(text, 100)
    assert short.endswith("</i>…")
    assert visible_length(short) <= 100
    _valid_messages([short], 100)


@pytest.mark.parametrize("bad", ["<b>open", "a < b", "</i>", "<b><i>x</b></i>"])
def test_malformed_html_is_refused_like_telegram(bad: str) -> None:
    with pytest.raises(BotApiError, match="can't parse entities"):
        parse_html(bad)
    if bad != "a < b":
        with pytest.raises(ValueError):
            split_html(bad)


@pytest.mark.parametrize(
    "bad", ["a & b", "&nbsp;", "<div>x</div>", '<span class="x">y</span>', "<a>no href</a>"]
)
def test_the_validator_rejects_what_telegram_rejects(bad: str) -> None:
    with pytest.raises(BotApiError):
        parse_html(bad)


def test_the_validator_accepts_telegram_html_and_counts_after_entities() -> None:
    text = (
        "<b>b</b><strong>s</strong><i>i</i><u>u</u><s>s</s><tg-spoiler>t</tg-spoiler>"
        '<span class="tg-spoiler">x</span><a href="https://t.me">l</a><code>c</code>'
        "<pre>p</pre><blockquote expandable>q</blockquote>&lt;&gt;&amp;&quot;&#39;&#x1F680;"
    )
    assert parse_html(text) == "bsiustxlcpq<>&\"'🚀"
    with pytest.raises(BotApiError, match="too long"):
        check_text("&lt;" * 4097, "HTML")
    assert check_text("🚀" * 2048, "HTML")
    with pytest.raises(BotApiError, match="too long"):
        check_text("🚀" * 2049, "HTML")
    with pytest.raises(BotApiError, match="empty"):
        check_text("<b> </b>", "HTML")


_texts = st.text(min_size=0, max_size=300)
_quotes = st.builds(
    Quote,
    article_id=st.just("a"),
    title=_texts,
    date=st.none() | st.dates(),
    source=st.none() | _texts,
    url=st.none() | st.sampled_from(["https://e.com/?a=1&b=<2>", "ftp://x", "http://x/\"'"]),
    text=st.text(min_size=0, max_size=3000),
    start=st.integers(0, 50),
    end=st.integers(0, 50),
    paragraph=st.text(max_size=3000),
    paragraph_start=st.integers(0, 50),
)
_refs = st.builds(
    ArticleRef,
    article_id=_texts,
    title=_texts,
    date=st.none() | st.dates(),
    source=st.none() | _texts,
    url=st.none() | _texts,
)
_answers = st.builds(
    Answer,
    question=_texts,
    answer=st.none() | st.text(max_size=5000),
    quotes=st.lists(_quotes, max_size=3).map(tuple),
    closest=st.lists(_refs, max_size=3).map(tuple),
    more=st.lists(_quotes, max_size=3).map(tuple),
)


@settings(max_examples=150, deadline=None)
@given(answer=_answers, lang=st.sampled_from(["en", "uk", "ru", "xx"]))
def test_any_answer_renders_to_messages_the_bot_api_accepts(answer: Answer, lang: str) -> None:
    messages = [
        *answers.answer_messages(answer, lang),
        *split_html(answers.more_html(answer, lang)),
        *split_html(render_passage.full_passage_html(answer, lang)),
        answers.inline_message(answer, lang, render_passage.full_passage_html(answer, lang)),
    ]
    _valid_messages(messages)
    assert answers.inline_title(answer, lang)


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=2000), limit=st.integers(2, 300))
def test_any_text_splits_into_valid_chunks_that_keep_all_of_it(text: str, limit: int) -> None:
    html = f"<b>{esc(text[:50])}</b>\n<blockquote>{esc(text)}</blockquote>"
    chunks = split_html(html, limit)
    plains = _valid_messages(chunks, limit) if chunks else []
    assert _squash("".join(plains)) == _squash(parse_html(html))


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("https://example.com/a?x=1&y=2", "https://example.com/a?x=1&y=2"),
        (None, None),
        ("javascript:alert(1)", None),
        ("https://exa mple.com/a", None),
        ("file:///etc/passwd", None),
    ],
)
def test_read_article_links_only_a_web_address(url: str | None, link: str | None) -> None:
    quote = dataclasses.replace(make_quote(), url=url)
    answer = Answer("How many?", "42", quotes=(quote,))
    markup = answer_keyboard("k1", answer, "en")
    assert markup is not None
    links = [b.url for row in markup.inline_keyboard for b in row if b.url]
    assert links == ([link] if link else [])
    bot_api_rules.check_reply_markup(markup.to_dict())


@pytest.mark.parametrize("url", ["javascript:alert(1)", "https://", "ftp://example.com/a", ""])
def test_the_stand_in_refuses_a_link_button_telegram_refuses(url: str) -> None:
    with pytest.raises(BotApiError, match="BUTTON_URL_INVALID"):
        bot_api_rules.check_reply_markup({"inline_keyboard": [[{"text": "Read", "url": url}]]})
