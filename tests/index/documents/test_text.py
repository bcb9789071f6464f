"""Article files: header lines, the founding sample's date line, titles, ids, encodings, limits."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from index.documents.parse import iter_article_files, read_article_file
from index.documents.text import (
    content_id,
    decode_text,
    derive_title,
    parse_article_bytes,
    parse_article_text,
    parse_date,
)
from index.errors import (
    ArticleEncodingError,
    ArticleError,
    ArticleTooLargeError,
    BinaryArticleError,
    EmptyArticleError,
    PdfNoTextError,
)
from tests.conftest import SAMPLE_ARTICLE
from tests.index.documents.pdfs import image_pdf, text_pdf

UK_ARTICLE = """ title Атака дронів на Київщину
 date 2025-02-04

Уночі російські війська запустили 65 ударних дронів по Україні. Сили протиповітряної оборони \
збили 37 з них над Черкаською, Чернігівською, Київською, Полтавською та Сумською областями.

Уламки дронів пошкодили кілька шкіл і поліклініку в Києві, повідомили місцеві посадовці.
"""
RU_ARTICLE = """ title Атака дронов на Киевскую область
 date 2025-02-04

Ночью российские войска запустили 65 ударных дронов по Украине. Силы противовоздушной обороны \
сбили 37 из них над Черкасской, Черниговской, Киевской, Полтавской и Сумской областями.

Обломки дронов повредили несколько школ и поликлинику в Киеве, сообщили местные чиновники.
"""


# --- the bundled founding sample ------------------------------------------------------------------


def test_sample_header_is_read_and_the_body_starts_on_the_date_line() -> None:
    parsed = read_article_file(SAMPLE_ARTICLE, max_bytes=5_000_000)
    article = parsed.article
    assert parsed.warnings == ()
    assert article.source == "VOA / AP"
    assert article.date == dt.date(2025, 2, 4)
    assert article.url is None
    assert article.text.startswith("A Russian missile attack Tuesday killed at least four people")
    assert article.text.endswith("provided by The Associated Press and Reuters.")
    assert "date" not in article.text.split("\n", 1)[0]
    assert "VOA / AP" not in article.text


def test_sample_title_is_derived_from_the_first_sentence() -> None:
    article = read_article_file(SAMPLE_ARTICLE, max_bytes=5_000_000).article
    assert article.title_derived
    first_sentence = (
        "A Russian missile attack Tuesday killed at least four people in the Kharkiv region in "
        "eastern Ukraine, officials said."
    )
    assert article.title == derive_title(article.text)
    assert article.title.startswith("A Russian missile attack Tuesday killed")
    assert article.title == first_sentence or (
        article.title.endswith("…") and first_sentence.startswith(article.title[:-1])
    )


def test_sample_origin_is_the_absolute_path_and_id_is_the_content_hash() -> None:
    article = read_article_file(SAMPLE_ARTICLE, max_bytes=5_000_000).article
    assert article.origin == str(SAMPLE_ARTICLE.resolve())
    assert re.fullmatch(r"[0-9a-f]{20}", article.id)
    assert article.id == content_id(article.text)


def test_sample_text_keeps_paragraphs_and_typographic_quotes() -> None:
    article = read_article_file(SAMPLE_ARTICLE, max_bytes=5_000_000).article
    assert "\r" not in article.text
    assert "\n\nKharkiv Governor Oleh Syniehubov" in article.text
    assert "shot down 37 of the 65 drones" in article.text
    assert "“We’re putting in hundreds of billions of dollars." in article.text
    assert article.text == article.text.strip()


# --- header lines ---------------------------------------------------------------------------------


def test_all_header_keys_are_read_and_a_blank_line_ends_the_header() -> None:
    text = (
        " title Drones downed over Kyiv\n"
        " date 2025-02-04\n"
        " source Test Wire\n"
        " url https://example.org/a\n"
        "\n"
        "Air defenses shot down 37 drones.\n"
    )
    parsed = parse_article_text(text, origin="/tmp/a.txt")
    article = parsed.article
    assert parsed.warnings == ()
    assert article.title == "Drones downed over Kyiv"
    assert not article.title_derived
    assert article.date == dt.date(2025, 2, 4)
    assert article.source == "Test Wire"
    assert article.url == "https://example.org/a"
    assert article.origin == "/tmp/a.txt"
    assert article.text == "Air defenses shot down 37 drones."


NO_HEADER = "Just a story.\n\nWith two paragraphs."
#: What each text must read as (the named fields of its article), by what it shows.
READS: dict[str, tuple[str, dict[str, object]]] = {
    "the body may follow the header without a blank line": (
        " title T\nFirst line of the body.\nSecond.",
        {"title": "T", "text": "First line of the body.\nSecond."},
    ),
    "a file without header is all body": (
        NO_HEADER,
        {"text": NO_HEADER, "title": "Just a story.", "title_derived": True}
        | dict.fromkeys(("date", "source", "url")),
    ),
    "header keys need the leading space": (
        "title Not a header\nBody.",
        {"text": "title Not a header\nBody.", "title_derived": True},
    ),
    "the first of a repeated key wins and empty values are ignored": (
        " title \n title First\n title Second\nBody.",
        {"title": "First", "text": "Body."},
    ),
    "the origin falls back to the url": (
        " url https://example.org/x\n\nBody.",
        {"origin": "https://example.org/x"},
    ),
    "crlf and cr line ends are normalised": (
        " title T\r\n\r\nOne.\r\n\r\nTwo.\rThree.",
        {"text": "One.\n\nTwo.\nThree."},
    ),
}


@pytest.mark.parametrize(("text", "expected"), list(READS.values()), ids=list(READS))
def test_the_header_and_the_body_are_read(text: str, expected: dict[str, object]) -> None:
    article = parse_article_text(text).article
    assert {name: getattr(article, name) for name in expected} == expected


@pytest.mark.parametrize(
    "text",
    [" title Only a title\n", " title T\n date 2025-02-04\n\n   \n\n"],
)
def test_a_header_without_body_is_an_empty_article(text: str) -> None:
    with pytest.raises(EmptyArticleError):
        parse_article_text(text)


# --- dates ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-02-04", dt.date(2025, 2, 4)),
        ("2025-02-04T10:30:00+02:00", dt.date(2025, 2, 4)),
        ("4 February 2025", dt.date(2025, 2, 4)),
        ("February 4, 2025", dt.date(2025, 2, 4)),
        ("04.02.2025", dt.date(2025, 2, 4)),
        ("2025/02/04", dt.date(2025, 2, 4)),
        ("  2025-02-04  ", dt.date(2025, 2, 4)),
    ],
)
def test_parse_date_accepts_common_forms(value: str, expected: dt.date) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["", "yesterday", "2025-13-45", "31.02.2025", "Feb 30 2025"])
def test_parse_date_returns_none_for_unreadable_dates(value: str) -> None:
    assert parse_date(value) is None


def test_a_bad_date_is_a_warning_not_an_error() -> None:
    parsed = parse_article_text(" title T\n date 2025-13-45\n\nThe body survives.")
    assert parsed.article.date is None
    assert parsed.article.text == "The body survives."
    assert len(parsed.warnings) == 1
    assert "2025-13-45" in parsed.warnings[0]
    assert "date" in parsed.warnings[0]


def test_a_written_date_on_the_date_line_is_not_split() -> None:
    parsed = parse_article_text(" date 4 February 2025\nBody.")
    assert parsed.article.date == dt.date(2025, 2, 4)
    assert parsed.article.text == "Body."
    assert parsed.warnings == ()


@pytest.mark.parametrize("date", ["2025-02-04", "04.02.2025"])
def test_the_date_line_may_carry_the_first_body_line(date: str) -> None:
    parsed = parse_article_text(f" source S\n date {date} Missiles hit the city.\n\nMore text.")
    article = parsed.article
    assert article.date == dt.date(2025, 2, 4)
    assert article.text == "Missiles hit the city.\n\nMore text."
    assert article.title == "Missiles hit the city."
    assert parsed.warnings == ()


def test_a_datetime_on_the_date_line_is_not_mistaken_for_body() -> None:
    article = parse_article_text(" date 2025-02-04 12:30\n\nBody.").article
    assert article.date == dt.date(2025, 2, 4)
    assert article.text == "Body."


# --- derived titles -------------------------------------------------------------------------------


def test_derived_title_is_the_first_sentence_or_line() -> None:
    assert derive_title("Headline here\nThe body.") == "Headline here"
    assert derive_title("First sentence! Second one.") == "First sentence!"
    assert derive_title("  Padded sentence.  ") == "Padded sentence."


def test_a_long_derived_title_is_cut_at_a_word_boundary() -> None:
    body = "The " + "very " * 40 + "long sentence, ends here."
    title = derive_title(body)
    assert title.endswith("…")
    assert len(title) < len(body) // 2
    stem = title[:-1]
    assert body.startswith(stem)
    assert body[len(stem)] == " "


def test_an_explicit_title_is_not_derived() -> None:
    article = parse_article_text(" title Given\n\nSomething else entirely.").article
    assert article.title == "Given"
    assert not article.title_derived


# --- content ids ----------------------------------------------------------------------------------


def test_the_same_content_has_the_same_id_wherever_it_comes_from() -> None:
    text = " title T\n date 2025-02-04\n source S\n\nBody text."
    a = parse_article_text(text, origin="/a.txt").article
    b = parse_article_text(text, origin="/elsewhere/b.txt").article
    assert a.id == b.id
    assert a.origin != b.origin


def test_the_id_is_the_hash_of_the_body() -> None:
    base = parse_article_text(" title T\n date 2025-02-04\n source S\n\nBody text.").article
    assert base.id == content_id("Body text.")
    assert re.fullmatch(r"[0-9a-f]{20}", base.id)
    other_header = parse_article_text(" title Other\n source S2\n\nBody text.").article
    assert other_header.id == base.id
    assert parse_article_text(" title T\n\nBody text!").article.id != base.id


def test_content_id_differs_for_different_bodies() -> None:
    ids = {content_id(body) for body in ("a", "b", "a ", "Київ", "Киев")}
    assert len(ids) == 5


# --- bytes: encodings, binary, empty --------------------------------------------------------------


def test_utf8_with_bom_is_decoded_without_the_bom() -> None:
    data = "\ufeff title Заголовок\n\nТекст статті.".encode()
    article = parse_article_bytes(data).article
    assert article.title == "Заголовок"
    assert article.text == "Текст статті."


@pytest.mark.parametrize("text", [UK_ARTICLE, RU_ARTICLE], ids=["uk", "ru"])
def test_a_cp1251_article_is_decoded_like_its_utf8_twin(text: str) -> None:
    from_cp1251 = parse_article_bytes(text.encode("cp1251")).article
    from_utf8 = parse_article_bytes(text.encode("utf-8")).article
    assert from_cp1251.text == from_utf8.text
    assert from_cp1251.title == from_utf8.title
    assert from_cp1251.id == from_utf8.id
    assert "37" in from_cp1251.text


def test_decode_text_prefers_utf8() -> None:
    assert decode_text("Київ — “quoted”".encode()) == ("Київ — “quoted”", None)


def test_undecodable_bytes_raise_an_encoding_error() -> None:
    with pytest.raises(ArticleEncodingError) as info:
        parse_article_bytes(bytes(range(128, 256)) * 3, origin="junk.txt")
    assert info.value.code == "article_encoding"
    assert "junk.txt" in str(info.value)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10",
        b"Some text\x00with a NUL byte",
        bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 20 + b"a little text",
        "UTF-16 text".encode("utf-16"),
    ],
    ids=["png", "nul", "control", "utf16"],
)
def test_binary_content_is_rejected(data: bytes) -> None:
    with pytest.raises(BinaryArticleError) as info:
        parse_article_bytes(data)
    assert info.value.code == "binary_article"
    assert "binary" in info.value.user_message


def test_tabs_form_feeds_and_escapes_are_not_binary() -> None:
    article = parse_article_bytes(b"Col\tumn text.\x0cNext page.\x1b and more.").article
    assert "Col\tumn" in article.text


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", b"\xef\xbb\xbf", b" title T\n\n"])
def test_empty_content_is_rejected(data: bytes) -> None:
    with pytest.raises(EmptyArticleError) as info:
        parse_article_bytes(data)
    assert info.value.code == "empty_article"


def test_all_article_errors_share_the_base_class() -> None:
    for error in (EmptyArticleError, BinaryArticleError, ArticleEncodingError):
        assert issubclass(error, ArticleError)


# --- files ----------------------------------------------------------------------------------------


def test_a_file_over_the_limit_is_rejected_with_its_size(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_bytes(b"x" * 2000)
    with pytest.raises(ArticleTooLargeError) as info:
        read_article_file(path, max_bytes=1000)
    assert info.value.params == {"size": 2000, "limit": 1000}
    assert "2000" in info.value.user_message and "1000" in info.value.user_message


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ok.txt"
    path.write_bytes(b"A" * 999 + b".")
    assert read_article_file(path, max_bytes=1000).article.text.endswith("A.")


def test_iter_article_files_finds_text_and_markdown_recursively_sorted(tmp_path: Path) -> None:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    wanted = [
        tmp_path / "b.txt",
        tmp_path / "a.md",
        tmp_path / "sub" / "c.TXT",
        tmp_path / "sub" / "deeper" / "d.txt",
    ]
    for path in wanted:
        path.write_text("x")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / "notes.doc").write_text("x")
    (tmp_path / "folder.txt").mkdir()
    assert iter_article_files(tmp_path) == sorted(wanted)


def test_iter_article_files_of_a_file_is_that_file(tmp_path: Path) -> None:
    path = tmp_path / "anything.bin"
    path.write_bytes(b"x")
    assert iter_article_files(path) == [path]


# --- HTML and PDF files ---------------------------------------------------------------------------

HTML_FILE = """<html><head><meta charset="windows-1251"><title>Атака дронов</title>
<link rel="canonical" href="https://news.example.org/drones"></head>
<body><nav><a href="/">Главная</a></nav><article><p>Ночью российские войска запустили 65 ударных
дронов по Украине.</p><p>Силы противовоздушной обороны сбили 37 из них.</p></article></body></html>
"""


@pytest.mark.parametrize("suffix", [".html", ".htm", ".HTML"])
def test_an_html_file_is_read_by_the_page_extractor(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"story{suffix}"
    path.write_bytes(HTML_FILE.encode("cp1251"))
    parsed = read_article_file(path, max_bytes=5_000_000)
    article = parsed.article
    assert article.title == "Атака дронов"
    assert article.text == (
        "Ночью российские войска запустили 65 ударных дронов по Украине.\n\n"
        "Силы противовоздушной обороны сбили 37 из них."
    )
    assert "Главная" not in article.text
    assert article.origin == str(path.resolve())
    assert article.url == "https://news.example.org/drones"
    assert article.id == content_id(article.text)


def test_a_pdf_file_is_read_by_the_pdf_extractor(tmp_path: Path) -> None:
    path = tmp_path / "report.pdf"
    path.write_bytes(text_pdf([["Air defences shot down 37 drones."]], info={"Title": "Report"}))
    article = read_article_file(path, max_bytes=5_000_000).article
    assert article.text == "Air defences shot down 37 drones."
    assert article.title == "Report"
    assert article.origin == str(path.resolve())
    assert article.url is None


def test_a_scanned_pdf_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "scan.pdf"
    path.write_bytes(image_pdf())
    with pytest.raises(PdfNoTextError):
        read_article_file(path, max_bytes=5_000_000)


def test_the_size_cap_applies_to_pdf_files(tmp_path: Path) -> None:
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.4\n" + b"x" * 2000)
    with pytest.raises(ArticleTooLargeError):
        read_article_file(path, max_bytes=1000)


def test_a_txt_file_with_html_inside_stays_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("<p>Markup kept verbatim.</p>")
    assert read_article_file(path, max_bytes=1000).article.text == "<p>Markup kept verbatim.</p>"


def test_iter_article_files_finds_html_and_pdf(tmp_path: Path) -> None:
    wanted = [tmp_path / n for n in ("a.html", "b.HTM", "c.pdf", "d.txt")]
    for path in wanted:
        path.write_text("x")
    (tmp_path / "e.docx").write_text("x")
    assert iter_article_files(tmp_path) == sorted(wanted)
