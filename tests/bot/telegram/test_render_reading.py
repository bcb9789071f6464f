"""Reading pages and lists: split at paragraphs, under Telegram's limit, escaped.

Also article IDs by prefix, and citations with the author.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.telegram.article_ids import find_article, short_ids
from bot.telegram.keyboards import (
    ARTICLE,
    CALLBACK_DATA_LIMIT,
    article_keyboard,
    pager_keyboard,
)
from bot.telegram.render.html import citation, esc
from bot.telegram.render.markup import MESSAGE_LIMIT, visible_length
from bot.telegram.render.reading import article_page, latest_page, paragraphs, split_pages
from index.types import Article
from tests.bot.telegram.bot_api_rules import check_text
from tests.bot.telegram.fakes import FakeCatalog, make_quote

ARTICLE_ID = "0123456789abcdef0123"


def article(text: str, **changes: object) -> Article:
    base = Article(
        id=ARTICLE_ID,
        text=text,
        title="Harbour <repairs> & more",
        date=dt.date(2025, 3, 14),
        source="Northshore Gazette",
        url="https://news.example.org/harbour?a=1&b=2",
        author="Mira Okafor",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_pages_hold_whole_paragraphs_up_to_the_budget() -> None:
    paras = [f"Paragraph {n}: " + "word " * (10 + 5 * n) for n in range(12)]  # each < 400
    pages = split_pages("\n\n".join(paras), 400)
    assert len(pages) > 3
    assert all(visible_length(page) <= 400 for page in pages)
    assert [p for page in pages for p in paragraphs(page)] == [p.strip() for p in paras]
    # a page is not ended early: the next paragraph would not have fitted
    for page, following in itertools.pairwise(pages):
        first = paragraphs(following)[0]
        assert visible_length(page) + 2 + visible_length(esc(first)) > 400


def test_a_paragraph_longer_than_a_page_is_cut_at_words() -> None:
    long = " ".join(f"w{n}" for n in range(600))  # about 2,900 characters, no blank line
    pages = split_pages(f"Short one.\n\n{long}\n\nLast one.", 1000)
    assert all(visible_length(page) <= 1000 for page in pages)
    assert pages[0] == "Short one."  # the long paragraph starts a page of its own
    assert pages[-1].endswith("\n\nLast one.")  # after the long one's last piece
    rest = " ".join(pages[1:]).removesuffix("Last one.")
    assert " ".join(rest.split()) == long


def test_empty_and_blank_texts_give_one_empty_page() -> None:
    assert split_pages("") == [""]
    assert split_pages("\n\n  \n\n") == [""]


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab <>&\n🚀é.")), min_size=0, max_size=20_000),
    title=st.text(min_size=0, max_size=6000),
    page=st.integers(-3, 50),
)
def test_every_page_is_a_valid_message(text: str, title: str, page: int) -> None:
    shown = article_page(article(text, title=title), page, "uk")
    assert 0 <= shown.page < shown.pages
    plain = check_text(shown.text, "HTML")
    assert len(plain.encode("utf-16-le")) // 2 <= MESSAGE_LIMIT


def test_the_header_cites_title_link_date_source_and_author_escaped() -> None:
    shown = article_page(article("One.\n\nTwo."), 0, "en")
    assert shown.pages == 1
    assert shown.text == (
        '<b><a href="https://news.example.org/harbour?a=1&amp;b=2">Harbour &lt;repairs&gt; '
        "&amp; more</a> · 14 Mar 2025 · Northshore Gazette · Mira Okafor</b>\n\nOne.\n\nTwo."
    )
    pages = article_page(article("\n\n".join(["x" * 2000] * 4)), 9, "ru")
    assert (pages.page, pages.pages) == (3, 4)  # clamped to the last page
    assert "<i>Страница 4 из 4</i>" in pages.text


def test_quotes_cite_their_author_after_the_source() -> None:
    quote = dataclasses.replace(make_quote(), author="Mira <Okafor>")
    assert citation(quote, "en").endswith(" · 1 May 2024 · Kyiv Daily · Mira &lt;Okafor&gt;")


def test_latest_lines_carry_their_article_command() -> None:
    items = FakeCatalog(7).articles()
    view = latest_page(items, 1, "en", ids={"id6": "id6"}, topic="<b>x</b>")
    assert (view.page, view.pages) == (1, 2)
    assert view.text.startswith("<b>Latest about “&lt;b&gt;x&lt;/b&gt;” (page 2 of 2)</b>")
    assert "6. Article 6 &lt;6&gt; · 2 Jan 2024 · Wire\n<code>/article id6</code>" in view.text
    assert "<code>/article id7</code>" in view.text  # (an ID not shortened is shown whole)
    check_text(view.text, "HTML")


def test_ids_by_whole_id_or_a_unique_prefix_of_six() -> None:
    items = [
        dataclasses.replace(FakeCatalog(1).items[0], id=i)
        for i in ("abcdef01", "abcdef02", "abcdef", "9f00aa11")
    ]
    assert find_article(items, "ABCDEF").article == items[2]  # an exact ID wins
    assert find_article(items, "abcdef0").article is None
    assert len(find_article(items, "abcdef0").matches) == 2
    assert find_article(items, "9f00aa").article == items[3]
    assert find_article(items, "9f00a").matches == ()  # too short for a prefix
    assert find_article(items, "  ").matches == ()


def test_short_ids_are_unique_prefixes() -> None:
    ids = ["0123456789aa", "0123456789ab", "ffff000011112222", "abc"]
    shown = short_ids(ids)
    assert shown == {
        "0123456789aa": "0123456789aa",
        "0123456789ab": "0123456789ab",
        "ffff000011112222": "ffff0000",
        "abc": "abc",
    }
    for full, short in shown.items():
        assert [i for i in ids if i.startswith(short)] == [full]


def test_an_id_callback_data_cannot_carry_gets_no_page_buttons() -> None:
    assert article_keyboard("x" * 49, 0, 3, "en") is None
    assert article_keyboard("a:b", 0, 3, "en") is None
    assert article_keyboard("x" * 48, 0, 3, "en") is not None


@pytest.mark.parametrize("pages", [1, 2, 5])
def test_article_page_buttons_fit_the_callback_limit(pages: int) -> None:
    for page in range(pages):
        keyboard = pager_keyboard(ARTICLE, page, pages, "en", "x" * 48)
        rows = keyboard.inline_keyboard if keyboard else ()
        labels = [b.text for row in rows for b in row]
        assert labels == (["◀"] if page else []) + (["▶"] if page < pages - 1 else [])
        for row in rows:
            for button in row:
                assert len(str(button.callback_data).encode()) <= CALLBACK_DATA_LIMIT
