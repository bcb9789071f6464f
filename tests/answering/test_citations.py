"""The citation check: only verbatim slices of their own article survive."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from answering.citations import is_verbatim, verified
from answering.quotes import excerpt
from answering.types import Quote
from index.documents.parse import read_article_file
from index.types import Article, Span
from tests.conftest import SAMPLE_ARTICLE

SENTENCE = (
    "Ukraine’s military said its air defenses shot down 37 of the 65 drones that Russian forces "
    "launched in the attacks, with intercepts taking place in the Cherkasy, Chernihiv, Kyiv, "
    "Poltava and Sumy regions."
)


@pytest.fixture
def article() -> Article:
    return read_article_file(SAMPLE_ARTICLE, max_bytes=5_000_000).article


@pytest.fixture
def quote(article: Article) -> Quote:
    start = article.text.index(SENTENCE)
    return excerpt(article, Span(start, start + len(SENTENCE)))


def test_a_true_quote_is_verbatim(article: Article, quote: Quote) -> None:
    assert article.text[quote.start : quote.end] == quote.text
    assert quote.text == SENTENCE
    assert is_verbatim(quote, article)
    assert verified([quote], {article.id: article}.get) == [quote]


def fabrications(article: Article, quote: Quote) -> dict[str, Quote]:
    n = len(article.text)
    return {
        "wrong number": dataclasses.replace(quote, text=quote.text.replace("37", "47")),
        "paraphrase": dataclasses.replace(quote, text="Ukraine shot down 37 of 65 drones."),
        "straight apostrophe": dataclasses.replace(quote, text=quote.text.replace("’", "'")),
        "extra space": dataclasses.replace(quote, text=quote.text + " "),
        "shifted right": dataclasses.replace(quote, start=quote.start + 1, end=quote.end + 1),
        "shifted left": dataclasses.replace(quote, start=quote.start - 1, end=quote.end - 1),
        "too short": dataclasses.replace(quote, end=quote.end - 1),
        "negative start": dataclasses.replace(quote, start=-5, end=5, text=article.text[-5:]),
        "past the end": dataclasses.replace(
            quote, start=n - 5, end=n + 5, text=article.text[n - 5 :]
        ),
        "inverted": dataclasses.replace(quote, start=quote.end, end=quote.start, text=""),
        "wrong article": dataclasses.replace(quote, article_id="0" * 20),
        "empty": dataclasses.replace(quote, text="", end=quote.start),
        "white space only": dataclasses.replace(
            quote,
            text=article.text[quote.start - 2 : quote.start],
            start=quote.start - 2,
            end=quote.start,
        ),
    }


@pytest.mark.parametrize(
    "kind",
    [
        "wrong number",
        "paraphrase",
        "straight apostrophe",
        "extra space",
        "shifted right",
        "shifted left",
        "too short",
        "negative start",
        "past the end",
        "inverted",
        "wrong article",
        "empty",
        "white space only",
    ],
)
def test_a_fabricated_quote_is_not_verbatim(article: Article, quote: Quote, kind: str) -> None:
    fake = fabrications(article, quote)[kind]
    assert not is_verbatim(fake, article)


def test_the_white_space_fabrication_really_is_white_space(article: Article, quote: Quote) -> None:
    assert fabrications(article, quote)["white space only"].text == "\n\n"


def test_verified_drops_fabrications_keeps_true_quotes_and_logs(
    article: Article, quote: Quote, caplog: pytest.LogCaptureFixture
) -> None:
    fakes = list(fabrications(article, quote).values())
    with caplog.at_level(logging.WARNING, logger="answering.citations"):
        kept = verified([fakes[0], quote, *fakes[1:], quote], {article.id: article}.get)
    assert kept == [quote, quote]
    dropped = [r for r in caplog.records if "dropped a quote" in r.getMessage()]
    assert len(dropped) == len(fakes)


def test_verified_drops_quotes_of_unknown_articles(article: Article, quote: Quote) -> None:
    assert verified([quote], lambda _id: None) == []


def test_verified_checks_each_quote_against_its_own_article(article: Article, quote: Quote) -> None:
    other = Article(id="other", text=article.text.upper(), title="Other")
    moved = dataclasses.replace(quote, article_id="other")
    lookup = {article.id: article, other.id: other}.get
    assert verified([quote, moved], lookup) == [quote]


def test_verified_of_nothing_is_nothing(article: Article) -> None:
    assert verified([], {article.id: article}.get) == []
