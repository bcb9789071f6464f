"""Sentence splitting and chunking: spans are verbatim, ordered, trimmed; windows fit."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.chunking import (
    MAX_SENTENCE_CHARS,
    chunk_article,
    paragraph_around,
    split_paragraphs,
    split_sentences,
    window_sentences,
)
from index.documents.parse import read_article_file
from index.types import Article, Chunk, Span
from tests.conftest import SAMPLE_ARTICLE

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def sentences_of(text: str, **kwargs: int) -> list[str]:
    return [s.slice(text) for s in split_sentences(text, **kwargs)]


def article(text: str) -> Article:
    return Article(id="a1", text=text, title="t")


# --- sentence splitting on realistic text ---------------------------------------------------------


def test_plain_sentences_are_split_at_terminal_punctuation() -> None:
    text = "Missiles hit Izyum. Four people died! Was it planned? Nobody knows…  Then silence."
    assert sentences_of(text) == [
        "Missiles hit Izyum.",
        "Four people died!",
        "Was it planned?",
        "Nobody knows…",
        "Then silence.",
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Mr. Smith met Dr. Jones in St. Petersburg on Monday.",
        "The U.S. said it would help. ",
        "Prices rose 5% vs. last year, approx. as expected.",
        "Gov. Oleh Syniehubov spoke at 10 a.m. on Tuesday.",
        "Donald J. Trump spoke on Jan. 5 to reporters.",
        "Talks, e.g. on minerals, went on.",
    ],
)
def test_abbreviations_and_initials_do_not_end_a_sentence(text: str) -> None:
    assert sentences_of(text) == [text.strip()]


def test_a_lowercase_continuation_does_not_start_a_sentence() -> None:
    text = "He said “stop.” and left. The end."
    assert sentences_of(text) == ["He said “stop.” and left.", "The end."]


def test_closing_quotes_stay_with_their_sentence() -> None:
    text = "“We must act,” he said. “This is huge.” Others agreed."
    assert sentences_of(text) == ["“We must act,” he said.", "“This is huge.”", "Others agreed."]


def test_line_breaks_always_end_a_sentence() -> None:
    text = "Rare earth minerals\nU.S. President Donald Trump said Monday he would help."
    assert sentences_of(text) == [
        "Rare earth minerals",
        "U.S. President Donald Trump said Monday he would help.",
    ]


def test_numbers_with_decimal_points_are_not_split() -> None:
    assert sentences_of("Growth was 2.5 percent. Inflation eased.") == [
        "Growth was 2.5 percent.",
        "Inflation eased.",
    ]


def test_an_over_long_sentence_is_cut_at_spaces() -> None:
    text = " ".join(["word"] * 100) + "."
    spans = split_sentences(text, max_chars=50)
    assert len(spans) > 1
    assert all(s.end - s.start <= 50 for s in spans)
    assert " ".join(s.slice(text) for s in spans) == text


def test_an_over_long_word_is_cut_hard() -> None:
    text = "x" * 120
    spans = split_sentences(text, max_chars=50)
    assert [s.end - s.start for s in spans] == [50, 50, 20]
    assert "".join(s.slice(text) for s in spans) == text


def test_empty_and_blank_text_have_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\n\t ") == []


def test_the_sample_article_splits_into_its_sentences() -> None:
    text = read_article_file(SAMPLE_ARTICLE, max_bytes=5_000_000).article.text
    found = sentences_of(text)
    assert found[0] == (
        "A Russian missile attack Tuesday killed at least four people in the Kharkiv region in "
        "eastern Ukraine, officials said."
    )
    assert "Rare earth minerals" in found
    assert any(s.startswith("U.S. President Donald Trump said Monday") for s in found)
    assert "They are essential for an array of modern high-tech products." in found
    assert (
        found[-1]
        == "Some information for this story was provided by The Associated Press and Reuters."
    )


def test_split_paragraphs_splits_at_line_breaks_and_trims() -> None:
    text = "  One.\nTwo.\n\n \n  Three.  "
    assert [p.slice(text) for p in split_paragraphs(text)] == ["One.", "Two.", "Three."]


# --- windows --------------------------------------------------------------------------------------


def spans_of_lengths(*lengths: int) -> list[Span]:
    spans = []
    pos = 0
    for n in lengths:
        spans.append(Span(pos, pos + n))
        pos += n + 1
    return spans


def test_windows_fill_up_to_max_chars_and_overlap() -> None:
    spans = spans_of_lengths(10, 10, 10, 10, 10)
    assert window_sentences(spans, max_chars=32, overlap=1) == [(0, 3), (2, 5)]
    assert window_sentences(spans, max_chars=32, overlap=0) == [(0, 3), (3, 5)]


def test_an_over_long_sentence_is_a_window_of_its_own() -> None:
    spans = spans_of_lengths(5, 100, 5)
    assert window_sentences(spans, max_chars=20, overlap=1) == [(0, 1), (1, 2), (2, 3)]


def test_a_large_overlap_still_moves_forward() -> None:
    spans = spans_of_lengths(*([10] * 6))
    windows = window_sentences(spans, max_chars=25, overlap=5)
    assert [a for a, _ in windows] == sorted({a for a, _ in windows})
    assert windows[-1][1] == 6


def test_no_sentences_no_windows() -> None:
    assert window_sentences([], max_chars=100, overlap=1) == []


# --- chunk_article --------------------------------------------------------------------------------


def test_sample_chunks_are_verbatim_ordered_and_cover_the_article() -> None:
    sample = read_article_file(SAMPLE_ARTICLE, max_bytes=5_000_000).article
    chunks = chunk_article(sample, max_chars=700, overlap=1)
    assert len(chunks) > 1
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    for chunk in chunks:
        assert chunk.article_id == sample.id
        assert chunk.key == f"{sample.id}:{chunk.ordinal}"
        assert chunk.text == sample.text[chunk.start : chunk.end]
        assert len(chunk.text) <= 700
        assert chunk.sentences[0].start == chunk.start
        assert chunk.sentences[-1].end == chunk.end
    assert chunks[0].start == 0
    assert chunks[-1].end == len(sample.text)
    # consecutive chunks share exactly one sentence
    for prev, nxt in pairwise(chunks):
        assert prev.sentences[-1] == nxt.sentences[0]


def test_a_chunk_holds_the_drone_sentence_whole() -> None:
    sample = read_article_file(SAMPLE_ARTICLE, max_bytes=5_000_000).article
    hits = [c for c in chunk_article(sample) if "37 of the 65 drones" in c.text]
    assert hits
    sentence = next(s.slice(sample.text) for s in hits[0].sentences if "37" in s.slice(sample.text))
    assert sentence.startswith("Ukraine’s military said its air defenses shot down 37")
    assert sentence.endswith("Poltava and Sumy regions.")


def test_an_empty_body_has_no_chunks() -> None:
    assert chunk_article(article("   ")) == []


# --- paragraph_around -----------------------------------------------------------------------------


def test_paragraph_around_uses_the_same_paragraphs_as_split_paragraphs() -> None:
    text = "First para.\n\nSecond para, line one.\nLine two.\n\n  \nThird."
    start = text.index("Line two")
    span = paragraph_around(text, start, start + len("Line two."))
    assert span in split_paragraphs(text)
    assert span.slice(text) == "Line two."
    across = paragraph_around(text, text.index("line one"), start + 3)
    assert across.slice(text) == "Second para, line one.\nLine two."
    first = paragraph_around(text, 0, 5)
    assert first.slice(text) == "First para."
    last = paragraph_around(text, text.index("Third"), len(text))
    assert last.slice(text) == "Third."


def test_paragraph_around_in_the_sample() -> None:
    text = read_article_file(SAMPLE_ARTICLE, max_bytes=5_000_000).article.text
    start = text.index("37 of the 65")
    span = paragraph_around(text, start, start + 12)
    paragraph = span.slice(text)
    assert paragraph.startswith("Ukraine’s military said")
    assert paragraph.endswith("Sumy regions.")
    assert "\n" not in paragraph


# --- properties over arbitrary text ---------------------------------------------------------------


_WORDS = st.sampled_from(
    [
        "the",
        "Drones",
        "Mr.",
        "U.S.",
        "Dr.",
        "e.g.",
        "approx.",
        "No.",
        "J.",
        "a.m.",
        "Київ",
        "Москва",
        "Zelenskyy",
        "37",
        "2.5",
        "$1.13bn",
        "76%",
        "“Quote",
        "end.”",
        "‘single’",
        "(aside)",
        "[note]",
        "«ёлка»",
        "said:",
        "well,",
        "done.",
        "Why?",
        "Stop!",
        "Wait…",
        "...",
        "?!",
        '..."',
        "'",
        '"',
        "—",
        "-",
        "é",
        "ß",
        "日本語",
        "🙂",
        "x" * 60,
        "a" * 1200,
        "\u00a0",
        "\u2028",
        "\t",
    ]
)
_SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "\n", "\n\n", "\n \n", " \t", "\r\n", "\u3000"])


@st.composite
def news_like_text(draw: st.DrawFn) -> str:
    """Words, abbreviations, quotes and line breaks, with some arbitrary unicode mixed in."""
    parts: list[str] = []
    for _ in range(draw(st.integers(min_value=0, max_value=60))):
        if draw(st.integers(min_value=0, max_value=9)) == 0:
            parts.append(draw(st.text(min_size=1, max_size=12)))
        else:
            parts.append(draw(_WORDS))
        parts.append(draw(_SEPARATORS))
    return "".join(parts)


any_text = st.one_of(news_like_text(), st.text(max_size=400))


def check_sentence_spans(text: str, spans: list[Span], max_chars: int) -> None:
    previous_end = 0
    for span in spans:
        piece = span.slice(text)
        assert 0 <= span.start < span.end <= len(text)
        assert piece, "a sentence is never empty"
        assert piece == piece.strip(), "no leading or trailing white space"
        assert not piece[0].isspace() and not piece[-1].isspace()
        assert "\n" not in piece, "line breaks end sentences"
        assert span.start >= previous_end, "ordered and non-overlapping"
        assert len(piece) <= max_chars
        previous_end = span.end
    # nothing but white space lies between or around the sentences
    covered: set[int] = set()
    for span in spans:
        covered.update(range(span.start, span.end))
    assert all(text[i].isspace() for i in range(len(text)) if i not in covered)


@PROPERTY
@given(any_text)
def test_property_sentence_spans_are_verbatim_trimmed_and_ordered(text: str) -> None:
    check_sentence_spans(text, split_sentences(text), MAX_SENTENCE_CHARS)


@PROPERTY
@given(any_text, st.integers(min_value=20, max_value=300))
def test_property_sentence_spans_respect_max_chars(text: str, max_chars: int) -> None:
    check_sentence_spans(text, split_sentences(text, max_chars=max_chars), max_chars)


def check_chunks(art: Article, chunks: list[Chunk], max_chars: int) -> None:
    text = art.text
    sentences = split_sentences(text, max_chars=max(max_chars, 50))
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    seen: list[Span] = []
    for chunk in chunks:
        assert chunk.article_id == art.id
        assert chunk.text == text[chunk.start : chunk.end]
        assert chunk.sentences, "a chunk holds at least one sentence"
        assert chunk.start == chunk.sentences[0].start
        assert chunk.end == chunk.sentences[-1].end
        if len(chunk.sentences) > 1:
            assert len(chunk.text) <= max_chars, "windows fit unless one sentence is too long"
        for left, right in pairwise(chunk.sentences):
            assert left.end <= right.start
        for span in chunk.sentences:
            assert chunk.start <= span.start < span.end <= chunk.end
            if span not in seen:
                seen.append(span)
    for before, after in pairwise(chunks):
        assert before.start < after.start and before.end <= after.end
    assert seen == sentences, "chunks cover every sentence, in order"
    check_sentence_spans(text, seen, max(max_chars, 50))


@PROPERTY
@given(
    any_text,
    st.integers(min_value=10, max_value=900),
    st.integers(min_value=0, max_value=3),
)
def test_property_chunks_are_verbatim_windows_covering_every_sentence(
    text: str, max_chars: int, overlap: int
) -> None:
    art = article(text)
    check_chunks(art, chunk_article(art, max_chars=max_chars, overlap=overlap), max_chars)


@PROPERTY
@given(any_text)
def test_property_paragraph_around_contains_the_sentence(text: str) -> None:
    for span in split_sentences(text):
        para = paragraph_around(text, span.start, span.end)
        assert para.start <= span.start < span.end <= para.end
        piece = para.slice(text)
        assert piece == piece.strip()
        assert re.search(r"\n\s*\n", piece) is None
