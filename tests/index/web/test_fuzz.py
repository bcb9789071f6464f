"""Bounded fuzzing of the new input edges: whatever bytes a page, a PDF or a feed holds, and
whatever a URL or an article's name says, the result is a parsed article (with its body
where offsets point) or a typed, user-safe error; operators' replies stay valid Telegram
HTML. Bounded (``fuzzing.TEST_EXAMPLES`` each) to stay fast in CI; ``bench/fuzz.py`` runs the
same ``TARGETS`` longer."""

from __future__ import annotations

from hypothesis import strategies as st

from bot.telegram.render import admin as render_admin
from index.documents.parse import parse_document
from index.errors import NewsBotError
from index.feeds.entries import parse_feed
from index.types import IngestReport
from index.web.address import check_url
from tests.bot.telegram import bot_api_rules
from tests.fuzzing import FuzzTarget, fuzz_each
from tests.index.feeds.fakes import served

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


def check_article(data: bytes, media_type: str, charset: str | None) -> None:
    """Bytes of a media type parse into an article with text, or a user-safe error."""
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


def check_html_article(parts: list[str], charset: str | None) -> None:
    """HTML pasted together from tags, entities and words parses like any page."""
    check_article("".join(parts).encode("utf-8", "surrogatepass"), "text/html", charset)


def check_feed(body: bytes) -> None:
    """A feed body gives entries or a typed error, never an empty success."""
    result = served("http://feed.test/rss", body, "application/rss+xml", charset=None)
    try:
        parsed = parse_feed(result)
    except NewsBotError as e:
        assert e.user_message
        return
    assert parsed.entries  # a feed without entries is an error, not an empty success


def public_resolver(host: str, port: int) -> list[str]:
    """A resolver that puts every host at a public address."""
    return ["93.184.216.34"]


def check_any_url(url: str) -> None:
    """A URL gives its host (only for http/https) or a typed refusal."""
    try:
        host = check_url(url, allow_private=False, resolve=public_resolver)
    except NewsBotError as e:
        assert e.user_message
        return
    assert host and url.lower().lstrip().startswith(("http://", "https://"))


def check_operator_replies(failures: list[tuple[str, str]], names: list[str]) -> None:
    """Ingest reports and removal replies are HTML the Bot API accepts."""
    report = IngestReport(added=names, rejected=failures, warnings=failures[:3])
    for text in (
        render_admin.report_html(report),
        render_admin.removed_html("".join(names), [], len(names)),
    ):
        bot_api_rules.check_text(text, "HTML")


HTML_ARTICLES = FuzzTarget(
    "article parser (HTML)",
    check_html_article,
    {
        "parts": st.lists(st.one_of(HTML_BITS, WORDS), max_size=40),
        "charset": st.sampled_from([None, "utf-8", "latin-1", "x-bogus"]),
    },
)
ANY_BYTES = FuzzTarget(
    "article parser (any bytes)",
    check_article,
    {
        "data": st.binary(max_size=2000),
        "media_type": st.sampled_from(["text/html", "application/pdf", "text/plain"]),
        "charset": st.none(),
    },
)
FEEDS = FuzzTarget(
    "feed parser",
    check_feed,
    {
        "body": st.binary(max_size=1000)
        | st.lists(
            HTML_BITS
            | st.sampled_from(
                [
                    "<rss>",
                    "<item>",
                    "<link>",
                    "<entry>",
                    "<feed xmlns='http://www.w3.org/2005/Atom'>",
                ]
            ),
            max_size=30,
        ).map(lambda p: "".join(p).encode())
    },
)
URLS = FuzzTarget("URL check", check_any_url, {"url": st.text(max_size=80)})
OPERATOR_REPLIES = FuzzTarget(
    "operator replies",
    check_operator_replies,
    {
        "failures": st.lists(st.tuples(WORDS, WORDS), max_size=30),
        "names": st.lists(WORDS, max_size=30),
    },
)
TARGETS = (HTML_ARTICLES, ANY_BYTES, FEEDS, URLS, OPERATOR_REPLIES)

test_targets = fuzz_each(TARGETS)
