"""Fuzzing the HTTP headers the fetcher reads (Content-Type and its charset, ETag,
Last-Modified, Location, Content-Length) with any bytes a server may send: a fetch gives a
``FetchResult`` or a ``FetchError``, and the validators it got can be sent back on the next
(conditional) fetch.

The checks are plain functions, shared with ``bench/fuzz.py`` through ``TARGETS``.
"""

from __future__ import annotations

import httpx
from hypothesis import strategies as st

from index.errors import FetchError
from index.web.base import ARTICLE_TYPES, FEED_TYPES
from index.web.fetch import FetchPolicy, HttpFetcher, media_type
from tests.fuzzing import FuzzTarget, fuzz_each
from tests.index.web.test_fuzz import public_resolver

URL = "http://news.test/feed"
ACCEPT = ARTICLE_TYPES | FEED_TYPES
POLICY = FetchPolicy(per_host_interval_s=0, max_bytes=1000, max_redirects=2)
#: Header values as they come off the wire: visible ASCII, tabs, spaces and obs-text bytes.
_WIRE_BYTES = frozenset({9, *range(32, 127), *range(128, 256)})
WIRE = st.binary(max_size=40).map(lambda b: bytes(c for c in b if c in _WIRE_BYTES))
#: Per header: values servers send, odd ones included.
SAMPLES = {
    b"content-type": [
        b"text/html",
        b'Text/HTML; Charset="Windows-1251"',
        b"application/rss+xml;charset=",
        b"text/plain; charset='\xff'; q=1",
        b";charset=utf-8",
    ],
    b"etag": [b'"v1"', b'W/"\xc3\xa9t\xc3\xa9"', b"\xff"],
    b"last-modified": [b"Tue, 04 Feb 2025 08:00:00 GMT", b"Tue, 04 Feb 2025 \xff"],
    b"location": [b"/elsewhere", b"http://[::1", b"http://127.0.0.1/", b"//\xc3\xa9.test/"],
    b"content-length": [b"12", b"99999999", b"\xb2", b"-1"],
}
HEADERS = st.tuples(
    *(
        st.none()
        | st.tuples(st.just(name), st.sampled_from(values))
        | st.tuples(st.just(name), WIRE)
        for name, values in SAMPLES.items()
    )
).map(lambda found: [header for header in found if header is not None])
STATUS = st.sampled_from([200, 200, 200, 203, 301, 302, 304, 307, 404, 500])


def check_media_type(header: str | None, path: str) -> None:
    """A Content-Type header gives a bare lower-case media type and a clean charset or None."""
    kind, charset = media_type(header, f"http://news.test/{path}")
    assert kind and kind == kind.strip().lower() and ";" not in kind
    assert charset is None or (charset == charset.strip(" \t\"'").lower() and charset)


def check_fetch(status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    """Any response is a result (an accepted type, or a 304) or a ``FetchError``; the ETag and
    Last-Modified it carries are sent back by the next fetch when they are valid to send."""
    sent: list[httpx.Headers] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers)
        return httpx.Response(status, headers=headers, content=body)

    transport = httpx.MockTransport(answer)
    with HttpFetcher(POLICY, resolve=public_resolver, transport=transport) as fetcher:
        try:
            result = fetcher.fetch(URL, accept=ACCEPT)
        except FetchError as e:
            assert e.user_message
            return
        assert result.not_modified == (status == 304)
        assert result.not_modified or result.content_type in ACCEPT
        try:
            fetcher.fetch(URL, accept=ACCEPT, etag=result.etag, last_modified=result.last_modified)
        except FetchError as e:
            assert e.user_message
    validators = {"if-none-match": result.etag, "if-modified-since": result.last_modified}
    for name, value in validators.items():
        if value and value.isascii() and value.isprintable():
            assert sent[-1].get(name) == value


MEDIA_TYPES = FuzzTarget(
    "Content-Type parsing",
    check_media_type,
    {
        "header": st.none()
        | st.sampled_from(SAMPLES[b"content-type"]).map(lambda b: b.decode("latin-1"))
        | st.text(max_size=40),
        "path": st.sampled_from(["a.pdf", "feed.rss", "x.HTML", "", "a.tar.gz"]) | st.text(),
    },
)
FETCHES = FuzzTarget(
    "HTTP response headers",
    check_fetch,
    {"status": STATUS, "headers": HEADERS, "body": st.binary(max_size=50)},
)
TARGETS = (MEDIA_TYPES, FETCHES)

test_targets = fuzz_each(TARGETS)


def test_a_validator_that_cannot_be_sent_back_makes_a_plain_get() -> None:
    """Found by fuzzing: a non-ASCII ETag used to crash every later poll of its feed
    (``UnicodeEncodeError`` from httpx); now that GET is unconditional. A Content-Length of
    ``²`` (a digit to ``str.isdigit``, not to ``int``) is ignored rather than a crash."""
    wire = [
        (b"content-type", b"text/html"),
        (b"etag", b'W/"\xc3\xa9"'),
        (b"content-length", b"\xb2"),
    ]
    check_fetch(200, wire, b"<p>Hello.</p>")
    sent: list[httpx.Request] = []

    def not_modified(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(304)

    transport = httpx.MockTransport(not_modified)
    with HttpFetcher(POLICY, resolve=public_resolver, transport=transport) as fetcher:
        fetcher.fetch(URL, etag='"v1"\n', last_modified="Tue, 04 Feb 2025 08:00:00 GMT")
    assert "if-none-match" not in sent[0].headers
    assert sent[0].headers["if-modified-since"] == "Tue, 04 Feb 2025 08:00:00 GMT"
