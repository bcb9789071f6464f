"""Regression tests for bugs found in review: one test per bug, each named for what it shows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from answering.entities import number_spans
from answering.question import analyze_question, normalize_question
from answering.readers.spans import answer_spans
from evaluation.runner import Summary
from index.chunking import window_sentences
from index.documents.text import parse_article_bytes
from index.ingest import IngestOptions, ingest_paths
from index.types import Span
from tests.conftest import SAMPLE_ARTICLE
from tests.index.fakes import FakeEmbedder, MemoryStore

SAMPLE = SAMPLE_ARTICLE


def test_windows_never_repeat_only_the_overlap() -> None:
    spans = [Span(0, 300), Span(301, 601), Span(602, 1102)]
    windows = window_sentences(spans, max_chars=700, overlap=1)
    assert windows == [(0, 2), (2, 3)]


def test_a_stray_byte_does_not_garble_a_utf8_article() -> None:
    data = SAMPLE.read_bytes()
    parsed = parse_article_bytes(data[:500] + b"\xff" + data[500:])
    assert "Russia’s Defense Ministry" in parsed.article.text
    assert parsed.warnings


def test_a_legacy_encoding_is_reported() -> None:
    text = "Сили протиповітряної оборони збили 37 з 65 дронів над Україною. " * 3
    parsed = parse_article_bytes(text.encode("cp1251"))
    assert parsed.warnings


def test_a_corrected_header_updates_the_stored_article(tmp_path: Path) -> None:
    e = FakeEmbedder()
    store = MemoryStore(e.name, e.dim)
    path = tmp_path / "a.txt"
    opts = IngestOptions(progress=False)
    path.write_text(" title T\n date 2025-13-45\n\nBody text here.")
    ingest_paths([path], store=store, embedder=e, options=opts)
    path.write_text(" title Corrected\n date 2025-02-04\n\nBody text here.")
    report = ingest_paths([path], store=store, embedder=e, options=opts)
    assert report.updated == [str(path)]
    stored = store.get_article(store.articles()[0].id)
    assert (stored.title, stored.date) == ("Corrected", dt.date(2025, 2, 4))


def test_a_number_span_has_no_trailing_comma() -> None:
    text = "The strike killed 12, officials said."
    assert [s.slice(text) for s in number_spans(text)] == ["12"]
    span = answer_spans(text, analyze_question("How many people were killed?")).best
    assert span is not None and span.slice(text) == "12"


def test_format_characters_do_not_split_words() -> None:
    assert normalize_question("Who is Syniehu\u00adbov?", max_chars=500) == "Who is Syniehubov?"


@pytest.mark.parametrize(("p", "want"), [(0, 10.0), (100, 40.0)])
def test_percentile_bounds(p: float, want: float) -> None:
    assert Summary(latencies=[10.0, 20.0, 30.0, 40.0]).percentile(p) == want


def test_where_did_the_missile_hit() -> None:
    text = (
        "Kharkiv Governor Oleh Syniehubov said on Telegram the missile hit the central part "
        "of the city of Izyum and also injured 20 people."
    )
    span = answer_spans(text, analyze_question("where did the missile hit?")).best
    assert span is not None and "Izyum" in span.slice(text)
