"""Articles from fetched bytes: HTML pages (fields, boilerplate, charsets), plain text, dispatch
by media type, and fetch_article end to end (PDFs in detail: test_pdf.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from index.documents.html import declared_charset, decode_html
from index.documents.parse import parse_document
from index.documents.text import content_id
from index.errors import ArticleError, NoArticleTextError
from index.web.base import FetchResult
from index.web.extract import fetch_article, parse_fetched
from index.web.fetch import FetchPolicy, HttpFetcher
from tests.index.documents.pdfs import NEWS_LINES, text_pdf
from tests.index.feeds.fakes import served
from tests.web_server import Route, WebServer

CANONICAL = "https://news.example.org/2025/02/04/drones-kyiv"
NEWS_PAGE = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Drones downed over Kyiv | Test Wire</title>
<meta property="og:title" content="Drones downed over Kyiv">
<meta property="og:site_name" content="Test Wire">
<meta name="author" content="Jane Roe">
<meta property="article:published_time" content="2025-02-04T08:30:00+02:00">
<link rel="canonical" href="{CANONICAL}">
</head><body>
<header><nav><ul><li><a href="/">Home</a></li><li><a href="/world">World news</a></li>
<li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article>
<h1>Drones downed over Kyiv</h1>
<p>Air defences shot down 37 of the 65 drones that Russia launched overnight, the Ukrainian
air force said on Tuesday.</p>
<p>Debris damaged several schools and a clinic in Kyiv, local officials said. Nobody was hurt,
according to the city administration.</p>
<p>The attack came hours after talks in Riyadh ended without an agreement, diplomats said.</p>
</article></main>
<footer><p>Copyright 2025 Test Wire. All rights reserved. Subscribe to our newsletter.</p>
</footer></body></html>"""

RU_BODY = (
    "Ночью российские войска запустили 65 ударных дронов по Украине. Силы противовоздушной "
    "обороны сбили 37 из них над Черкасской, Черниговской, Киевской, Полтавской и Сумской "
    "областями."
)
RU_PAGE = f"""<html><head>{{meta}}<title>Атака дронов</title></head><body>
<nav><a href="/">Главная</a> <a href="/news">Новости</a></nav>
<article><h1>Атака дронов на Киевскую область</h1><p>{RU_BODY}</p>
<p>Обломки дронов повредили несколько школ и поликлинику в Киеве, сообщили местные чиновники.</p>
</article></body></html>"""


def html(text: str, **kwargs: str | None) -> FetchResult:
    url = kwargs.get("url") or "https://www.news.example.org/story?utm_source=feed"
    body = text.encode(kwargs.get("encoding") or "utf-8")
    return served(url, body, "text/html", charset=kwargs.get("charset"))


# --- HTML -----------------------------------------------------------------------------------------


def test_a_news_page_gives_every_field_and_the_body_without_boilerplate() -> None:
    parsed = parse_fetched(html(NEWS_PAGE))
    article = parsed.article
    assert parsed.warnings == ()
    assert article.title == "Drones downed over Kyiv"
    assert not article.title_derived
    assert article.date == dt.date(2025, 2, 4)
    assert (article.source, article.author) == ("Test Wire", "Jane Roe")
    assert article.url == CANONICAL
    assert article.origin == CANONICAL  # the canonical URL, on the page's own site
    assert article.text.startswith("Air defences shot down 37 of the 65 drones")
    assert article.text.endswith("without an agreement, diplomats said.")
    assert "\n\nDebris damaged several schools" in article.text
    for boilerplate in ("Home", "World news", "Sport", "Copyright", "newsletter"):
        assert boilerplate not in article.text
    assert "Drones downed over Kyiv" not in article.text  # the headline is the title
    assert article.id == content_id(article.text)


def test_a_canonical_url_on_another_site_is_not_the_origin() -> None:
    article = parse_fetched(html(NEWS_PAGE, url="https://mirror.example.com/copy")).article
    assert article.url == article.origin == "https://mirror.example.com/copy"


def test_without_a_canonical_url_the_origin_is_the_final_url() -> None:
    page = NEWS_PAGE.replace(f'<link rel="canonical" href="{CANONICAL}">', "")
    result = html(page, url="https://news.example.org/a")
    result = dataclasses.replace(result, url="https://t.co/x")
    article = parse_fetched(result).article
    assert article.url == article.origin == "https://news.example.org/a"


def test_the_source_is_the_sites_name_and_the_author_is_apart() -> None:
    only_site = NEWS_PAGE.replace('<meta name="author" content="Jane Roe">', "")
    article = parse_fetched(html(only_site)).article
    assert (article.source, article.author) == ("Test Wire", None)
    only_author = NEWS_PAGE.replace('<meta property="og:site_name" content="Test Wire">', "")
    # The site's name after the headline in the <title>.
    article = parse_fetched(html(only_author)).article
    assert (article.source, article.author) == ("Test Wire", "Jane Roe")
    only_author = only_author.replace(" | Test Wire", "")
    # No site name anywhere: the host names the site.
    article = parse_fetched(html(only_author)).article
    assert (article.source, article.author) == ("news.example.org", "Jane Roe")
    local = parse_document(
        only_author.replace(CANONICAL, "/relative").encode(),
        media_type="text/html",
        charset=None,
        origin="/tmp/page.html",
        url=None,
    ).article
    assert (local.source, local.author) == (None, "Jane Roe")
    assert local.url is None  # a relative canonical URL of a local file is no web address


@pytest.mark.parametrize(
    ("meta", "header"),
    [
        ("", None),  # no label at all
        ("", "iso-8859-1"),  # a wrong header
        ("", "utf-8"),  # a wrong header that does not even decode
        ('<meta charset="windows-1251">', "iso-8859-1"),  # the header wrong, the page right
        ('<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">', None),
    ],
    ids=["unlabelled", "wrong-latin1-header", "wrong-utf8-header", "meta-right", "meta-only"],
)
def test_a_windows_1251_page_decodes_right_whatever_its_labels(
    meta: str, header: str | None
) -> None:
    page = RU_PAGE.format(meta=meta)
    twin = parse_document(
        page.encode(), media_type="text/html", charset="utf-8", origin="u", url=None
    ).article
    article = parse_document(
        page.encode("cp1251"), media_type="text/html", charset=header, origin="c", url=None
    ).article
    assert RU_BODY in article.text
    assert article.text == twin.text
    assert article.id == twin.id
    assert article.title == twin.title


def test_decode_html_prefers_a_label_that_fits_and_warns_about_one_that_does_not() -> None:
    data = RU_PAGE.format(meta="").encode("cp1251")
    assert decode_html(data, charset="windows-1251")[1] is None
    text, warning = decode_html(data, charset="iso-8859-1")
    assert RU_BODY in text
    assert warning is not None and "cp1251" in warning
    text, warning = decode_html("<p>Київ</p>".encode(), charset="windows-1251")
    assert text == "<p>Київ</p>"
    assert warning is not None and "UTF-8" in warning


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b'<meta charset="KOI8-R">', "koi8-r"),
        (b"<meta http-equiv=content-type content='text/html;charset=Windows-1251'>", "cp1251"),
        (b'<?xml version="1.0" encoding="ISO-8859-1"?><html>', "cp1252"),
        (b'<meta charset="no-such-charset">', None),
        (b"<html><head></head>", None),
    ],
)
def test_declared_charset(head: bytes, expected: str | None) -> None:
    assert declared_charset(head) == expected


@pytest.mark.parametrize(
    "page",
    [
        "<html><head><title>Menu</title></head><body><nav><a href='/'>Home</a></nav></body></html>",
        "<html><head><title>Empty</title></head><body></body></html>",
        "<html><body><script>var x = 1;</script></body></html>",
    ],
    ids=["nav-only", "empty-body", "script-only"],
)
def test_a_page_without_article_text_is_rejected(page: str) -> None:
    with pytest.raises(NoArticleTextError) as info:
        parse_fetched(html(page))
    assert info.value.code == "no_article_text"


def test_a_page_without_a_title_gets_one_derived() -> None:
    page = f"<html><body><article><p>{RU_BODY}</p></article></body></html>"
    article = parse_document(
        page.encode(), media_type="text/html", charset=None, origin="/p.html", url=None
    ).article
    assert article.title_derived
    assert article.title.startswith("Ночью российские войска")
    assert article.origin == "/p.html"
    assert article.url is None


# --- text and other types -------------------------------------------------------------------------


def test_plain_text_is_parsed_as_an_article_file_with_its_url() -> None:
    data = b" title Drones\n date 2025-02-04\n\nAir defences shot down 37 drones."
    result = served("https://x.org/a.txt", data, "text/plain")
    article = parse_fetched(result).article
    assert (article.title, article.date) == ("Drones", dt.date(2025, 2, 4))
    assert article.text == "Air defences shot down 37 drones."
    assert article.url == article.origin == "https://x.org/a.txt"


def test_another_media_type_is_not_an_article() -> None:
    with pytest.raises(ArticleError, match="image/png"):
        parse_document(b"\x89PNG", media_type="image/png", charset=None, origin="i", url=None)


# --- fetch_article --------------------------------------------------------------------------------


def test_fetch_article_fetches_and_parses_html_and_pdf(web_server: WebServer) -> None:
    web_server.routes["/story"] = Route(body=NEWS_PAGE.encode())
    web_server.routes["/paper"] = Route(body=text_pdf([NEWS_LINES]), content_type="application/pdf")
    web_server.redirect("/short", "/paper")
    with HttpFetcher(FetchPolicy(allow_private=True, per_host_interval_s=0)) as fetcher:
        story = fetch_article(fetcher, web_server.url("/story")).article
        paper = fetch_article(fetcher, web_server.url("/short")).article
    assert story.title == "Drones downed over Kyiv"
    assert story.origin == web_server.url("/story")  # the canonical URL is on another site
    assert paper.origin == paper.url == web_server.url("/paper")
    assert "Riyadh" in paper.text


def test_a_not_modified_result_has_nothing_to_parse() -> None:
    result = served("u", b"", "text/html", charset=None, status=304)
    with pytest.raises(ValueError, match="not modified"):
        parse_fetched(result)
