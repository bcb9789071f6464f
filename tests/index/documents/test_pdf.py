"""PDF articles: the text layer reflowed into paragraphs, metadata, scanned and broken PDFs."""

from __future__ import annotations

import datetime as dt

import pytest

from index.documents.parse import parse_document
from index.documents.pdf import reflow
from index.documents.text import content_id
from index.errors import ArticleError, PdfNoTextError
from tests.index.documents.pdfs import NEWS_LINES, image_pdf, text_pdf


def test_a_text_pdf_gives_its_text_title_and_date() -> None:
    data = text_pdf(
        [NEWS_LINES, ["Page two says more."]],
        info={"Title": "Drones over Kyiv", "CreationDate": "D:20250204083000+02'00'"},
    )
    parsed = parse_document(
        data,
        media_type="application/pdf",
        charset=None,
        origin="https://x.org/a.pdf",
        url="https://x.org/a.pdf",
    )
    article = parsed.article
    assert parsed.warnings == ()
    assert article.title == "Drones over Kyiv" and not article.title_derived
    assert article.date == dt.date(2025, 2, 4)
    assert article.url == article.origin == "https://x.org/a.pdf"
    assert article.text == (
        "Drones downed over Kyiv\n\n"
        "Air defences shot down 37 of the 65 drones that Russia launched overnight, the "
        "Ukrainian air force said on Tuesday. Debris damaged several schools and a clinic in "
        "Kyiv, local officials said.\n\n"
        "The attack came hours after talks in Riyadh ended without an agreement on the "
        "ceasefire, diplomats said (no one was hurt).\n\n"
        "Page two says more."
    )
    assert article.id == content_id(article.text)


def test_a_pdf_without_metadata_gets_a_derived_title() -> None:
    article = parse_document(
        text_pdf([NEWS_LINES]),
        media_type="application/pdf",
        charset=None,
        origin="/a.pdf",
        url=None,
    ).article
    assert article.title_derived
    assert article.title == "Drones downed over Kyiv"
    assert article.date is None


def test_a_pdf_of_images_only_has_no_text() -> None:
    with pytest.raises(PdfNoTextError) as info:
        parse_document(
            image_pdf(), media_type="application/pdf", charset=None, origin="s.pdf", url=None
        )
    assert info.value.code == "pdf_no_text"


@pytest.mark.parametrize(
    "data",
    [
        b"this is not a PDF at all, just words",
        b"%PDF-1.4\n1 0 obj\n<< /Type",
        text_pdf([["x"]])[:200],
    ],
    ids=["words", "truncated-header", "truncated-file"],
)
def test_a_broken_pdf_is_an_article_error(data: bytes) -> None:
    with pytest.raises(ArticleError) as info:
        parse_document(data, media_type="application/pdf", charset=None, origin="b.pdf", url=None)
    assert type(info.value) is ArticleError
    assert "b.pdf" in str(info.value)
    assert "PDF" in info.value.user_message


def test_reflow_joins_wrapped_lines_and_keeps_short_ones_apart() -> None:
    text = "Headline\n" + "A long line that wraps onto\nthe next line here.\n\nNext."
    assert reflow(text) == "Headline\n\nA long line that wraps onto the next line here.\n\nNext."
    assert reflow("   \n\n") == ""
