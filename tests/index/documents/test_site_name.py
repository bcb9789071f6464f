"""The site's name of a news page: declared, after the headline in its title, else its host."""

from __future__ import annotations

import pytest

from index.documents.site_name import host_name, site_name, title_suffix

URL = "http://127.0.0.1:8080/news/harbour"
HEADLINE = "Harbour repairs finish"


def page(head: str) -> str:
    return f"<html><head>{head}</head><body><p>Text.</p></body></html>"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Harbour repairs finish | Northshore Gazette", "Northshore Gazette"),
        ("Harbour repairs finish - Northshore Gazette", "Northshore Gazette"),
        ("Harbour repairs finish — Northshore Gazette", "Northshore Gazette"),
        ("Harbour repairs finish | Local | Northshore Gazette", "Northshore Gazette"),
        ("  Harbour   repairs finish |  Northshore Gazette ", "Northshore Gazette"),
        ("Harbour repairs finish", None),  # no suffix
        ("Kyiv - Odesa train resumes", None),  # a dash inside another headline
        ("Harbour repairs finish | ", None),
        ("Harbour repairs finish | " + "x" * 80, None),  # too long for a site's name
        ("| Northshore Gazette", None),
    ],
)
def test_the_title_suffix_after_the_headline(title: str, expected: str | None) -> None:
    assert title_suffix(title, HEADLINE) == expected


def test_a_dashed_headline_keeps_its_dash_and_gives_the_site_after_it() -> None:
    headline = "Kyiv - Odesa train resumes"
    assert title_suffix(f"{headline} | Rail Daily", headline) == "Rail Daily"
    assert title_suffix(headline, headline) is None


def test_the_declared_site_name_comes_first() -> None:
    head = (
        "<title>Harbour repairs finish | The Gazette</title>"
        '<meta property="og:site_name" content=" Northshore  Gazette ">'
    )
    assert site_name(page(head), found=None, headline=HEADLINE, url=URL) == "Northshore Gazette"


def test_an_extractors_site_name_counts_unless_it_is_the_host() -> None:
    head = "<title>Harbour repairs finish | Northshore Gazette</title>"
    found = "Gazette Media Group"
    assert site_name(page(head), found=found, headline=HEADLINE, url=URL) == found
    for host in ("127.0.0.1:8080", "127.0.0.1"):
        named = site_name(page(head), found=host, headline=HEADLINE, url=URL)
        assert named == "Northshore Gazette"


def test_og_title_suffix_then_the_host() -> None:
    og = '<title>Harbour repairs finish</title><meta property="og:title" content="{}">'
    with_suffix = og.format("Harbour repairs finish – Northshore Gazette")
    assert site_name(page(with_suffix), found=None, headline=HEADLINE, url=URL) == (
        "Northshore Gazette"
    )
    plain = og.format(HEADLINE)
    url = "https://www.news.example.org/a"
    assert site_name(page(plain), found=None, headline=HEADLINE, url=url) == "news.example.org"
    assert site_name(page(plain), found=None, headline=HEADLINE, url=None) is None
    assert site_name("", found=None, headline=HEADLINE, url=URL) == "127.0.0.1"


def test_host_names() -> None:
    assert host_name("https://www.example.org:8443/x") == "example.org"
    assert host_name("http://[::1/") is None  # malformed
    assert host_name(None) is None
