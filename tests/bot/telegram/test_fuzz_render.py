"""Fuzzing the answer rendering with hostile articles: their words stay text.

Whatever their text, titles, sources, URLs and the answers hold (markup, entities, emoji, combining
and RTL marks, text longer than a message), every message is one the Bot API accepts, the article's
words are shown literally, and the only markup is the renderer's own: no tag or link comes from
article text.

The checks are plain functions, shared with ``bench/fuzz.py`` through ``TARGETS``.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Sequence

from hypothesis import strategies as st

from answering.types import Answer, ArticleRef, Quote
from bot.telegram.render import answers
from bot.telegram.render import passage as render_passage
from tests.bot.telegram.bot_api_rules import check_text, parse_html
from tests.bot.telegram.test_fuzz_markup import (
    LONG_TEXT,
    TEXT,
    open_tags,
    valid_messages,
    whitespace_dropped,
)
from tests.fuzzing import FuzzTarget, fuzz_each

URLS = (
    st.none()
    | TEXT
    | st.sampled_from(
        [
            "https://news.test/a?id=1&lang=en",
            'http://news.test/"><b>x</b>',
            "HTTPS://News.Test/шлях",
            "javascript:alert(1)",
            "ftp://news.test/",
            "http://",
            "https://a b.test/",
            "http://[::1",
        ]
    )
)
LANGS = st.sampled_from(["en", "uk", "ru", "xx"])
_PLAIN_TAGS = {("b", ""), ("i", ""), ("u", ""), ("blockquote", ""), ("blockquote", " expandable")}


@st.composite
def quotes(draw: st.DrawFn) -> Quote:
    """A quote that is a verbatim slice of a hostile article, its paragraph around it."""
    body = draw(LONG_TEXT)
    start = draw(st.integers(0, len(body)))
    end = draw(st.integers(start, len(body)))
    paragraph_start = body.rfind("\n", 0, start) + 1
    paragraph_end = body.find("\n", end)
    paragraph_end = len(body) if paragraph_end < 0 else paragraph_end
    return Quote(
        article_id="a",
        title=draw(TEXT),
        date=draw(st.none() | st.dates()),
        source=draw(st.none() | TEXT),
        url=draw(URLS),
        text=body[start:end],
        start=start,
        end=end,
        paragraph=body[paragraph_start:paragraph_end],
        paragraph_start=paragraph_start,
        paragraph_end=paragraph_end,
        answer=draw(st.none() | TEXT),
    )


REFS = st.builds(
    ArticleRef,
    article_id=st.just("a"),
    title=TEXT,
    date=st.none() | st.dates(),
    source=st.none() | TEXT,
    url=URLS,
)
ANSWERS = st.builds(
    Answer,
    question=TEXT,
    answer=st.none() | LONG_TEXT,
    quotes=st.lists(quotes(), max_size=3).map(tuple),
    closest=st.lists(REFS, max_size=3).map(tuple),
    more=st.lists(quotes(), max_size=2).map(tuple),
    notice=st.none() | st.sampled_from(["english_only", "english_only_found"]),
    disagree=st.booleans(),
)


def assert_only_renderer_markup(text: str, cited: Iterable[Quote | ArticleRef]) -> None:
    """Only the renderer's tags; links only to the cited items' own http(s) URLs."""
    links = {
        item.url
        for item in cited
        if item.url
        and item.url.lower().startswith(("http://", "https://"))
        and not any(ch.isspace() for ch in item.url)
    }
    for name, attrs in open_tags(text):
        if name == "a":
            assert attrs.startswith(' href="') and attrs.endswith('"'), attrs
            assert html.unescape(attrs[len(' href="') : -1]) in links, attrs
        else:
            assert (name, attrs) in _PLAIN_TAGS, (name, attrs)


def _shown_data(answer: Answer) -> list[str]:
    """Article and answer text the answer message must show literally."""
    if answer.answer is None:
        refs = answer.closest
        return [ref.title.strip() or "—" for ref in refs] + [r.source for r in refs if r.source]
    cited = answer.quotes
    shown = [part for q in cited for part in (q.text.strip(), q.title.strip() or "—")]
    shown += [q.source for q in cited if q.source]
    if answer.disagree:
        return [*shown, *(q.answer or "—" for q in cited)]
    return [*shown, answer.answer.strip() or "—"]


def check_answer(answer: Answer, lang: str) -> None:
    """The answer's messages are valid and show all of it; article text stays text."""
    whole = answers.answer_html(answer, lang)
    plain = parse_html(whole)
    assert_only_renderer_markup(whole, (*answer.quotes, *answer.closest))
    for part in _shown_data(answer):
        assert part in plain, part
    shown = valid_messages(answers.answer_messages(answer, lang))
    assert whitespace_dropped("".join(shown), plain)


def check_views(answer: Answer, lang: str) -> None:
    """The views "More sources" and "Full passage" split into valid messages; each quote is
    shown verbatim (in the full passage, underlined inside its paragraph)."""
    for view, shown_quotes in (
        (answers.more_html(answer, lang), answer.more),
        (render_passage.full_passage_html(answer, lang), answer.quotes),
    ):
        assert_only_renderer_markup(view, (*answer.more, *answer.quotes))
        plain = parse_html(view)
        assert all(q.text.strip() in plain for q in shown_quotes)
        assert whitespace_dropped("".join(valid_messages(answers.split_html(view))), plain)
    full = render_passage.full_passage_html(answer, lang)
    assert full.count("<u>") == sum(1 for q in answer.quotes if q.text.strip())


def check_inline(answer: Answer, lang: str) -> None:
    """Inline messages are one valid message: the whole text or a start of it and "…"; the
    card's title and description are short plain text taken from the answer."""
    for view in (
        "",
        answers.more_html(answer, lang),
        render_passage.full_passage_html(answer, lang),
    ):
        text = answers.inline_message(answer, lang, view)
        assert_only_renderer_markup(text, (*answer.quotes, *answer.more, *answer.closest))
        [shown] = valid_messages([text])
        html = answers.question_header(answer.question) + answers.answer_html(answer, lang)
        whole = parse_html(html + (f"\n\n{view}" if view else ""))
        assert shown == whole or (
            shown.endswith("…") and whitespace_dropped(shown[:-1], whole, prefix=True)
        )
    title, description = answers.inline_title(answer, lang), answers.inline_description(answer)
    assert title and len(title) <= 200 and "\n" not in title
    assert len(description) <= 120 and "\n" not in description
    if answer.answer is not None and answer.answer.strip():
        assert " ".join(answer.answer.split()).startswith(title.removesuffix("…").rstrip())
    first = (answer.quotes or answer.more or (None,))[0]
    words = " ".join(first.text.split()) if first else ""
    assert words.startswith(description.removesuffix("…").rstrip())


def check_sources(refs: Sequence[ArticleRef], page: int, page_size: int, lang: str) -> None:
    """A ``/sources`` page is one valid message, on a page that exists, numbering its items."""
    shown = answers.sources_page(refs, page, lang, page_size=page_size)
    [plain] = valid_messages([shown.text])
    assert_only_renderer_markup(shown.text, refs)
    assert shown.pages == max(1, math.ceil(len(refs) / page_size))
    assert 0 <= shown.page < shown.pages
    assert not refs or f"{shown.page * page_size + 1}. " in plain


ANSWER_MESSAGES = FuzzTarget("answer messages", check_answer, {"answer": ANSWERS, "lang": LANGS})
ANSWER_VIEWS = FuzzTarget("answer views", check_views, {"answer": ANSWERS, "lang": LANGS})
INLINE = FuzzTarget("inline answers", check_inline, {"answer": ANSWERS, "lang": LANGS})
SOURCES = FuzzTarget(
    "sources pages",
    check_sources,
    {
        "refs": st.lists(REFS, max_size=20),
        "page": st.integers(-3, 5),
        "page_size": st.integers(1, 10),
        "lang": LANGS,
    },
)
TARGETS = (ANSWER_MESSAGES, ANSWER_VIEWS, INLINE, SOURCES)
test_targets = fuzz_each(TARGETS)


def test_a_quote_holding_markup_is_shown_as_text() -> None:
    """The example behind the property: ``<b>x</b>`` in an article is text, not bold."""
    body = 'He wrote <b>x</b> & <a href="http://evil.test/">y</a>.'
    quote = Quote("a", "T", None, None, None, body, 0, len(body), paragraph=body)
    [message] = answers.answer_messages(Answer("q", "x", (quote,)), "en")
    assert body in check_text(message, "HTML")
    assert message.count("<a ") == 0 and message.count("<b>") == 1
