"""Bounded fuzzing of the new input edges: whatever bytes a page, a PDF or a feed holds, and
whatever a URL or an article's name says, the result is a parsed article (with its body
where offsets point) or a typed, user-safe error; operators' replies stay valid Telegram
HTML. Bounded (60 examples each) to stay fast in CI."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.telegram import render_admin
from index.errors import NewsBotError
from index.feeds.entries import parse_feed
from index.types import IngestReport
from index.web.address import check_url
from index.web.base import FetchResult
from index.web.extract import parse_document
from tests.bot.telegram import bot_api_rules

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

HTML_BITS = st.sampled_from(
    [
        "<html>",
        "<head>",
        "<title>",
        "</title>",
        "<body>",
        "<article>",
        "<p>",
        "</p>",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        "<meta charset='cp1251'>",
        "&amp;",
        "&#0;",
        "<br/>",
        "Київ",
        "naïve",
        "\x00",
        "\u202e",
        "<a href='javascript:x'>",
        "</html>",
    ]
)
WORDS = st.text(alphabet=st.characters(codec="utf-8"), max_size=40)


def _check_article(data: bytes, media_type: str, charset: str | None) -> None:
    try:
        parsed = parse_document(
            data, media_type=media_type, charset=charset, origin="fuzz://x", url=None
        )
    except NewsBotError as e:
        assert e.user_message  # a reason a user can read
        return
    article = parsed.article
    assert article.text.strip()
    assert "\r" not in article.text  # offsets index the normalised body


@FUZZ
@given(
    st.lists(st.one_of(HTML_BITS, WORDS), max_size=40),
    st.sampled_from([None, "utf-8", "latin-1", "x-bogus"]),
)
def test_any_html_is_an_article_or_a_clear_error(parts: list[str], charset: str | None) -> None:
    _check_article("".join(parts).encode("utf-8", "surrogatepass"), "text/html", charset)


@FUZZ
@given(st.binary(max_size=2000), st.sampled_from(["text/html", "application/pdf", "text/plain"]))
def test_any_bytes_are_an_article_or_a_clear_error(data: bytes, media_type: str) -> None:
    _check_article(data, media_type, None)


@FUZZ
@given(
    st.binary(max_size=1000)
    | st.lists(
        HTML_BITS
        | st.sampled_from(
            ["<rss>", "<item>", "<link>", "<entry>", "<feed xmlns='http://www.w3.org/2005/Atom'>"]
        ),
        max_size=30,
    ).map(lambda p: "".join(p).encode())
)
def test_any_feed_body_parses_or_is_a_feed_error(body: bytes) -> None:
    result = FetchResult(
        url="http://feed.test/rss",
        final_url="http://feed.test/rss",
        status=200,
        content_type="application/rss+xml",
        charset=None,
        body=body,
    )
    try:
        parsed = parse_feed(result)
    except NewsBotError as e:
        assert e.user_message
        return
    assert parsed.entries  # a feed without entries is an error, not an empty success


@FUZZ
@given(st.text(max_size=80))
def test_any_url_is_checked_without_crashing(url: str) -> None:
    def resolve(host: str, port: int) -> list[str]:
        return ["93.184.216.34"]

    try:
        host = check_url(url, allow_private=False, resolve=resolve)
    except NewsBotError as e:
        assert e.user_message
        return
    assert host and url.lower().lstrip().startswith(("http://", "https://"))


@FUZZ
@given(st.lists(st.tuples(WORDS, WORDS), max_size=30), st.lists(WORDS, max_size=30))
def test_operator_replies_are_valid_telegram_html(
    failures: list[tuple[str, str]], names: list[str]
) -> None:
    report = IngestReport(added=names, rejected=failures, warnings=failures[:3])
    for text in (
        render_admin.report_html(report),
        render_admin.removed_html("".join(names), [], len(names)),
    ):
        bot_api_rules.check_text(text, "HTML")
