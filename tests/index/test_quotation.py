"""Widening a quote to the whole quotation it lies in."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from index.chunking import split_sentences, widen_to_quotation
from index.types import Span

TEXT = (
    "Officials met on Monday.\n\n"
    "“We’re putting in hundreds of billions of dollars. They have great rare earth. "
    "And they’re willing to do it,” Trump told reporters at the White House.\n\n"
    "Rare earth minerals include lithium."
)


def _sentence(fragment: str) -> Span:
    return next(s for s in split_sentences(TEXT) if fragment in s.slice(TEXT))


def test_a_sentence_inside_a_quotation_widens_to_the_quotation_and_its_speaker() -> None:
    widened = widen_to_quotation(TEXT, _sentence("great rare earth"))
    assert widened.slice(TEXT).startswith("“We’re putting in")
    assert widened.slice(TEXT).endswith("Trump told reporters at the White House.")


def test_sentences_outside_quotations_stay() -> None:
    for fragment in ("Officials met", "include lithium"):
        span = _sentence(fragment)
        assert widen_to_quotation(TEXT, span) == span


def test_too_long_a_quotation_is_not_widened() -> None:
    span = _sentence("great rare earth")
    assert widen_to_quotation(TEXT, span, max_chars=50) == span


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('ab .,“”"\n')), max_size=200))
def test_widening_is_always_a_verbatim_slice_containing_the_sentence(text: str) -> None:
    for span in split_sentences(text):
        widened = widen_to_quotation(text, span)
        assert widened.start <= span.start and span.end <= widened.end
        assert text[widened.start : widened.end] == widened.slice(text)
        assert widened.slice(text).strip() == widened.slice(text)
