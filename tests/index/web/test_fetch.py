"""HttpFetcher against the loopback server: the safety rules, errors, redirects, conditional GET
and the User-Agent."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest

from index.errors import (
    ConnectionRefusedFetchError,
    ContentTypeError,
    FetchError,
    FetchTimeoutError,
    FetchTooLargeError,
    HostNotFoundError,
    HttpStatusError,
    UrlRefusedError,
)
from index.web.base import ARTICLE_TYPES, FEED_TYPES
from index.web.fetch import FetchPolicy, HttpFetcher, media_type
from tests.web_server import Route, WebServer

PAGE = b"<html><body><p>Hello.</p></body></html>"
LOCAL = FetchPolicy(allow_private=True, per_host_interval_s=0, timeout_s=5)


@pytest.fixture
def fetcher() -> Iterator[HttpFetcher]:
    with HttpFetcher(LOCAL) as f:
        yield f


# --- what is fetched ------------------------------------------------------------------------------


def test_a_page_is_fetched_with_its_type_charset_and_validators(
    web_server: WebServer, fetcher: HttpFetcher
) -> None:
    web_server.routes["/a"] = Route(
        body=PAGE,
        content_type='Text/HTML; Charset="Windows-1251"',
        etag='"v1"',
        last_modified="Tue, 04 Feb 2025 08:00:00 GMT",
    )
    result = fetcher.fetch(web_server.url("/a"))
    assert result.body == PAGE
    assert result.status == 200
    assert (result.content_type, result.charset) == ("text/html", "windows-1251")
    assert result.url == result.final_url == web_server.url("/a")
    assert result.etag == '"v1"'
    assert result.last_modified == "Tue, 04 Feb 2025 08:00:00 GMT"
    assert not result.not_modified


def test_the_user_agent_and_accept_headers_are_sent(web_server: WebServer) -> None:
    web_server.routes["/a"] = Route(body=PAGE)
    policy = FetchPolicy(allow_private=True, per_host_interval_s=0, user_agent="newsbot-test/9")
    with HttpFetcher(policy) as fetcher:
        fetcher.fetch(web_server.url("/a"))
    (request,) = web_server.requests_to("/a")
    assert request.headers["user-agent"] == "newsbot-test/9"
    assert "text/html" in request.headers["accept"]
    assert "application/pdf" in request.headers["accept"]


# --- refused URLs ---------------------------------------------------------------------------------


def test_loopback_is_refused_by_default(web_server: WebServer) -> None:
    web_server.routes["/a"] = Route(body=PAGE)
    fetcher = HttpFetcher(FetchPolicy(per_host_interval_s=0))
    with fetcher, pytest.raises(UrlRefusedError) as info:
        fetcher.fetch(web_server.url("/a"))
    assert "private or local" in info.value.user_message
    assert web_server.requests == []  # nothing was sent


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("file:///etc/passwd", "file"),
        ("ftp://example.org/a.txt", "ftp"),
        ("javascript:alert(1)", "javascript"),
        ("example.org/a", "no scheme"),
    ],
)
def test_other_schemes_are_refused(fetcher: HttpFetcher, url: str, scheme: str) -> None:
    with pytest.raises(UrlRefusedError) as info:
        fetcher.fetch(url)
    assert info.value.code == "url_refused"
    assert scheme in info.value.params["reason"]


def test_a_closed_port_is_a_refused_connection(fetcher: HttpFetcher) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(ConnectionRefusedFetchError) as info:
        fetcher.fetch(f"http://127.0.0.1:{port}/")
    assert info.value.user_message == "The server 127.0.0.1 refused the connection."


def test_an_unknown_host_name_is_said_so(fetcher: HttpFetcher) -> None:
    with pytest.raises(HostNotFoundError) as info:
        fetcher.fetch("http://no-such-host.invalid/")
    assert info.value.params == {"host": "no-such-host.invalid"}


# --- HTTP errors, timeouts, size ------------------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_an_error_status_is_an_http_status_error(
    web_server: WebServer, fetcher: HttpFetcher, status: int
) -> None:
    web_server.routes["/x"] = Route(status=status, body=b"nope")
    with pytest.raises(HttpStatusError) as info:
        fetcher.fetch(web_server.url("/x"))
    assert info.value.params == {"status": status}
    assert str(status) in info.value.user_message


def test_a_hanging_server_times_out(web_server: WebServer) -> None:
    web_server.hang("/slow", seconds=10)
    policy = FetchPolicy(allow_private=True, per_host_interval_s=0, timeout_s=0.5)
    started = time.monotonic()
    with HttpFetcher(policy) as fetcher, pytest.raises(FetchTimeoutError):
        fetcher.fetch(web_server.url("/slow"))
    assert time.monotonic() - started < 3


def test_a_body_dripping_past_the_total_deadline_times_out(web_server: WebServer) -> None:
    def drip() -> Iterator[bytes]:
        while not web_server.stopping.wait(0.05):
            yield b"x"

    web_server.routes["/drip"] = Route(body=drip)
    policy = FetchPolicy(
        allow_private=True, per_host_interval_s=0, timeout_s=0.3, total_timeout_s=0.5
    )
    started = time.monotonic()
    with HttpFetcher(policy) as fetcher, pytest.raises(FetchTimeoutError, match="deadline"):
        fetcher.fetch(web_server.url("/drip"))
    assert 0.4 < time.monotonic() - started < 3


def test_a_huge_streamed_body_is_abandoned_at_the_cap(web_server: WebServer) -> None:
    web_server.huge("/big", size=100_000_000)
    policy = FetchPolicy(allow_private=True, per_host_interval_s=0, max_bytes=1_000_000)
    started = time.monotonic()
    with HttpFetcher(policy) as fetcher, pytest.raises(FetchTooLargeError) as info:
        fetcher.fetch(web_server.url("/big"))
    assert time.monotonic() - started < 5
    assert info.value.params == {"limit": 1_000_000}
    assert "body over" in str(info.value)


def test_a_content_length_over_the_cap_is_refused_before_reading(web_server: WebServer) -> None:
    web_server.routes["/big"] = Route(body=b"x" * 5000)
    policy = FetchPolicy(allow_private=True, per_host_interval_s=0, max_bytes=1000)
    with HttpFetcher(policy) as fetcher, pytest.raises(FetchTooLargeError) as info:
        fetcher.fetch(web_server.url("/big"))
    assert "Content-Length 5000" in str(info.value)


def test_a_body_at_the_cap_is_accepted(web_server: WebServer) -> None:
    web_server.routes["/ok"] = Route(body=lambda: iter([b"x" * 600, b"y" * 400]))
    policy = FetchPolicy(allow_private=True, per_host_interval_s=0, max_bytes=1000)
    with HttpFetcher(policy) as fetcher:
        assert len(fetcher.fetch(web_server.url("/ok")).body) == 1000


# --- content types --------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["image/png", "application/zip", "application/octet-stream"])
def test_a_non_article_type_is_refused(
    web_server: WebServer, fetcher: HttpFetcher, kind: str
) -> None:
    web_server.routes["/f"] = Route(body=b"\x89PNG....", content_type=kind)
    with pytest.raises(ContentTypeError) as info:
        fetcher.fetch(web_server.url("/f"))
    assert info.value.params == {"content_type": kind}


def test_accept_decides_what_is_wanted(web_server: WebServer, fetcher: HttpFetcher) -> None:
    web_server.routes["/feed"] = Route(body=b"<rss/>", content_type="application/rss+xml")
    assert fetcher.fetch(web_server.url("/feed"), accept=FEED_TYPES).body == b"<rss/>"
    with pytest.raises(ContentTypeError):
        fetcher.fetch(web_server.url("/feed"), accept=ARTICLE_TYPES)


def test_a_missing_content_type_is_guessed_from_the_suffix(
    web_server: WebServer, fetcher: HttpFetcher
) -> None:
    web_server.routes["/paper.PDF"] = Route(body=b"%PDF-1.4", content_type=None)
    web_server.routes["/blob"] = Route(body=b"???", content_type=None)
    result = fetcher.fetch(web_server.url("/paper.PDF"))
    assert (result.content_type, result.charset) == ("application/pdf", None)
    with pytest.raises(ContentTypeError) as info:
        fetcher.fetch(web_server.url("/blob"))
    assert info.value.params == {"content_type": "application/octet-stream"}


@pytest.mark.parametrize(
    ("header", "url", "expected"),
    [
        ("text/html", "http://h/", ("text/html", None)),
        ("TEXT/Plain ; charset=UTF-8 ; format=flowed", "http://h/", ("text/plain", "utf-8")),
        (None, "http://h/a/story.html?x=1", ("text/html", None)),
        ("", "http://h/notes.md", ("text/markdown", None)),
        (None, "http://h/dir.v2/", ("application/octet-stream", None)),
    ],
)
def test_media_type(header: str | None, url: str, expected: tuple[str, str | None]) -> None:
    assert media_type(header, url) == expected


# --- redirects ------------------------------------------------------------------------------------


def test_redirects_are_followed(web_server: WebServer, fetcher: HttpFetcher) -> None:
    web_server.routes["/final"] = Route(body=PAGE)
    web_server.redirect("/one", "/two", status=301)
    web_server.redirect("/two", web_server.url("/final"), status=307)
    result = fetcher.fetch(web_server.url("/one"))
    assert result.body == PAGE
    assert result.url == web_server.url("/one")
    assert result.final_url == web_server.url("/final")
    assert [r.path for r in web_server.requests] == ["/one", "/two", "/final"]


def test_a_redirect_loop_stops_at_the_limit(web_server: WebServer) -> None:
    web_server.redirect("/a", "/b")
    web_server.redirect("/b", "/a")
    policy = FetchPolicy(allow_private=True, per_host_interval_s=0, max_redirects=3)
    with HttpFetcher(policy) as fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch(web_server.url("/a"))
    assert "more than 3 redirects" in str(info.value)
    assert len(web_server.requests) == 4


def test_a_redirect_without_location_is_an_error(
    web_server: WebServer, fetcher: HttpFetcher
) -> None:
    web_server.routes["/r"] = Route(status=302)
    with pytest.raises(FetchError, match="without a Location"):
        fetcher.fetch(web_server.url("/r"))


@pytest.mark.parametrize("target", ["file:///etc/passwd", "ftp://example.org/x", "gopher://x/"])
def test_a_redirect_to_another_scheme_is_refused(
    web_server: WebServer, fetcher: HttpFetcher, target: str
) -> None:
    web_server.redirect("/r", target)
    with pytest.raises(UrlRefusedError):
        fetcher.fetch(web_server.url("/r"))


# --- conditional GET ------------------------------------------------------------------------------


def test_a_matching_etag_gives_not_modified(web_server: WebServer, fetcher: HttpFetcher) -> None:
    web_server.routes["/feed"] = Route(body=PAGE, etag='"v1"')
    first = fetcher.fetch(web_server.url("/feed"))
    assert first.etag == '"v1"' and first.body == PAGE
    again = fetcher.fetch(web_server.url("/feed"), etag=first.etag)
    assert again.not_modified
    assert again.status == 304
    assert again.body == b""
    assert web_server.requests[-1].headers["if-none-match"] == '"v1"'
    web_server.routes["/feed"] = Route(body=b"<p>new</p>", etag='"v2"')
    changed = fetcher.fetch(web_server.url("/feed"), etag='"v1"')
    assert not changed.not_modified
    assert (changed.body, changed.etag) == (b"<p>new</p>", '"v2"')


def test_last_modified_is_sent_as_if_modified_since(
    web_server: WebServer, fetcher: HttpFetcher
) -> None:
    stamp = "Tue, 04 Feb 2025 08:00:00 GMT"
    web_server.routes["/feed"] = Route(body=PAGE, last_modified=stamp)
    result = fetcher.fetch(web_server.url("/feed"), last_modified=stamp)
    assert result.not_modified
    assert web_server.requests[-1].headers["if-modified-since"] == stamp
    assert "if-none-match" not in web_server.requests[-1].headers


def test_the_connection_goes_to_the_address_that_was_checked(
    web_server: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name is resolved once, that address is checked, and the request is
    sent to it (a second lookup could answer a private address). Here the loopback server
    stands in for a public one, and a name no real DNS knows resolves only through the
    checked lookup; the server still sees the name in the Host header."""
    from index.web import address

    monkeypatch.setattr(address, "is_public_address", lambda ip: ip == "127.0.0.1")
    answers = iter([["127.0.0.1"], ["10.0.0.1"]])  # a rebinding DNS: public, then private
    lookups: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        lookups.append(host)
        return next(answers)

    web_server.routes["/a"] = Route(body=b"<html><body>hello</body></html>")
    port = web_server.url("/a").rsplit(":", 1)[1].split("/")[0]
    policy = FetchPolicy(allow_private=False, per_host_interval_s=0, timeout_s=5)
    with HttpFetcher(policy, resolve=rebinding) as fetcher:
        result = fetcher.fetch(f"http://news.rebind.invalid:{port}/a")
    assert result.body == b"<html><body>hello</body></html>"
    assert lookups == ["news.rebind.invalid"]  # one lookup, the checked one
    assert web_server.requests[-1].headers["host"] == f"news.rebind.invalid:{port}"
