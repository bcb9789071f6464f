"""Plain-text answers, quotes, declines and source listings."""

from __future__ import annotations

import datetime as dt

from answering.types import Answer, ArticleRef, Quote
from bot.plain_text import render_answer, render_quote, render_refs, render_sources, source_line
from index.types import ArticleInfo
from tests.quotes import quote_of

DATE = dt.date(2025, 2, 4)
TEXT = (
    "Ukraine’s military said its air defenses shot down 37 of the 65 drones that Russian forces "
    "launched in the attacks, with intercepts taking place in the Cherkasy, Chernihiv, Kyiv, "
    "Poltava and Sumy regions."
)


def make_quote(
    *, date: dt.date | None = DATE, source: str | None = "VOA / AP", url: str | None = None
) -> Quote:
    return quote_of(
        TEXT, 100, title="Russian missile strike on Izyum", date=date, source=source, url=url
    )


def ref(title: str, date: dt.date | None = DATE) -> ArticleRef:
    return ArticleRef("id-" + title, title, date, "VOA", None)


def info(title: str, date: dt.date | None, source: str | None) -> ArticleInfo:
    return ArticleInfo(
        id=title,
        title=title,
        date=date,
        source=source,
        url=None,
        origin="",
        chunks=3,
        added_at=dt.datetime(2025, 2, 5, tzinfo=dt.UTC),
    )


# --- source lines ---------------------------------------------------------------------------------


def test_source_line_has_title_date_and_source() -> None:
    assert source_line("Title", DATE, "VOA", "en") == "Title · 2025-02-04 · VOA"


def test_source_line_with_unknowns_and_a_url() -> None:
    line = source_line("Title", None, None, "en", "https://example.org/a")
    assert line == "Title · undated · source unknown · https://example.org/a"


def test_source_line_unknowns_are_localized() -> None:
    assert source_line("Заголовок", None, None, "uk") == "Заголовок · без дати · джерело невідоме"
    assert (
        source_line("Заголовок", None, None, "ru") == "Заголовок · без даты · источник неизвестен"
    )


# --- quotes ---------------------------------------------------------------------------------------


def test_render_quote_keeps_the_quote_verbatim_and_cites_it() -> None:
    text = render_quote(make_quote(url="https://example.org/a"), "en")
    lines = text.splitlines()
    assert all(len(line) <= 88 for line in lines[:-1])
    body = " ".join(line.strip() for line in lines[:-1])
    assert body == f"“{TEXT}”"
    assert lines[-1] == (
        "    — Russian missile strike on Izyum · 2025-02-04 · VOA / AP · https://example.org/a"
    )


def test_render_quote_in_another_language_keeps_the_quote_text() -> None:
    text = render_quote(make_quote(date=None, source=None), "uk")
    assert "37 of the 65 drones" in " ".join(text.split())
    assert text.endswith("— Russian missile strike on Izyum · без дати · джерело невідоме")


# --- answers and declines -------------------------------------------------------------------------


def test_render_answer_shows_the_short_answer_then_the_quotes() -> None:
    answer = Answer("how many drones?", "37 of the 65 drones", quotes=(make_quote(), make_quote()))
    text = render_answer(answer)
    lines = text.splitlines()
    assert lines[0] == "37 of the 65 drones"
    assert lines[1] == ""
    assert text.count("    — Russian missile strike on Izyum · 2025-02-04 · VOA / AP") == 2


def test_render_a_decline_with_one_closest_article() -> None:
    answer = Answer("what is the capital of France?", None, closest=(ref("Izyum strike"),))
    assert render_answer(answer) == (
        "The articles I have don't say that.\nClosest article: Izyum strike (2025-02-04)."
    )


def test_render_a_decline_with_several_closest_articles() -> None:
    refs = (ref("One"), ref("Two", None))
    answer = Answer("q", None, closest=refs)
    assert render_answer(answer).splitlines()[1] == (
        "Closest articles: One (2025-02-04); Two (undated)."
    )


def test_render_a_bare_decline() -> None:
    assert render_answer(Answer("q", None)) == "The articles I have don't say that."


def test_declines_are_localized() -> None:
    uk = render_answer(Answer("q", None, lang="uk", closest=(ref("Ізюм"),)))
    assert uk == "У статтях, які я маю, про це не сказано.\nНайближча стаття: Ізюм (2025-02-04)."
    ru = render_answer(Answer("q", None, lang="ru", closest=(ref("А"), ref("Б", None))))
    assert ru.splitlines() == [
        "В статьях, которые у меня есть, об этом не сказано.",
        "Ближайшие статьи: А (2025-02-04); Б (без даты).",
    ]


def test_render_refs_alone() -> None:
    assert render_refs([ref("X")], "en") == "Closest article: X (2025-02-04)."


# --- sources --------------------------------------------------------------------------------------


def test_render_sources_lists_each_article() -> None:
    text = render_sources([info("Izyum strike", DATE, "VOA / AP"), info("Undated", None, None)])
    assert text.splitlines() == [
        "Indexed articles (2), newest first:",
        "  2025-02-04  Izyum strike  (VOA / AP)",
        "  undated  Undated  (-)",
    ]


def test_render_sources_when_nothing_is_indexed() -> None:
    assert render_sources([]) == "No articles are indexed yet."
    assert render_sources([], "uk") == "Ще немає проіндексованих статей."
    assert render_sources([info("T", None, "S")], "ru").splitlines()[0] == (
        "Проиндексированные статьи (1), от новых к старым:"
    )
