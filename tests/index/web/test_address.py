"""Which addresses are public, and which URLs are refused before anything is sent."""

from __future__ import annotations

import socket
from collections.abc import Sequence

import httpx
import pytest

from index.errors import FetchError, UrlRefusedError
from index.web.address import check_url, is_public_address
from index.web.fetch import FetchPolicy, HttpFetcher


def public_resolver(host: str, port: int) -> Sequence[str]:
    """Every name but an IP literal is a public address (no DNS in tests)."""
    try:
        socket.inet_aton(host)
    except OSError:
        return ["93.184.216.34"]
    return [host]


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.9",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "fe80::1%eth0",
        "fc00::1",
        "fec0::1",
        "::ffff:127.0.0.1",
        "::",
        "not an address",
    ],
)
def test_non_public_addresses_are_not_public(address: str) -> None:
    assert not is_public_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111"])
def test_public_addresses_are_public(address: str) -> None:
    assert is_public_address(address)


def test_a_name_resolving_to_any_private_address_is_refused() -> None:
    def resolve(host: str, port: int) -> Sequence[str]:
        assert (host, port) == ("intranet.example.org", 8080)
        return ["93.184.216.34", "10.0.0.7"]

    with pytest.raises(UrlRefusedError):
        check_url("http://Intranet.example.org:8080/x", allow_private=False, resolve=resolve)
    assert check_url("https://Intranet.example.org/", allow_private=True) == "intranet.example.org"


def test_an_unresolvable_host_is_a_fetch_error() -> None:
    def resolve(host: str, port: int) -> Sequence[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    fetcher = HttpFetcher(FetchPolicy(per_host_interval_s=0), resolve=resolve)
    with fetcher, pytest.raises(FetchError) as info:
        fetcher.fetch("https://no-such-host.example/")
    assert "no-such-host.example" in str(info.value)


def test_a_redirect_from_a_public_site_to_a_private_address_is_refused() -> None:
    asked: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(f"{request.url} Host: {request.headers['host']}")
        return httpx.Response(302, headers={"Location": "http://127.0.0.1:9/admin"})

    policy = FetchPolicy(per_host_interval_s=0)
    transport = httpx.MockTransport(answer)
    fetcher = HttpFetcher(policy, resolve=public_resolver, transport=transport)
    with fetcher, pytest.raises(UrlRefusedError):
        fetcher.fetch("https://news.example.org/story")
    # (sent to the address that was checked, under the site's name)
    assert asked == ["https://93.184.216.34/story Host: news.example.org"]


def test_a_public_site_is_fetched_without_private_access() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"<p>ok</p>", headers={"Content-Type": "text/html"})

    transport = httpx.MockTransport(answer)
    fetcher = HttpFetcher(
        FetchPolicy(per_host_interval_s=0), resolve=public_resolver, transport=transport
    )
    with fetcher:
        result = fetcher.fetch("https://news.example.org/story")
    assert (result.status, result.body) == (200, b"<p>ok</p>")


# --- every spelling of a local address, and every other scheme ------------------------------------


def numeric_or_public(host: str, port: int) -> Sequence[str]:
    """IP literals in any spelling the C library accepts (``2130706433``, ``0x7f.1``,
    ``[::1]``) are what they say; any other name is a public address (no DNS in tests)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST)
    except socket.gaierror:
        return ["93.184.216.34"]
    return [str(info[4][0]) for info in infos]


def recording_fetcher(sent: list[str], *, allow_private: bool = False) -> HttpFetcher:
    """A fetcher whose transport records every request and answers a small page."""

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(200, content=b"<p>ok</p>", headers={"Content-Type": "text/html"})

    policy = FetchPolicy(per_host_interval_s=0, allow_private=allow_private, timeout_s=2)
    return HttpFetcher(policy, resolve=numeric_or_public, transport=httpx.MockTransport(answer))


LOCAL_FORMS = [
    "http://127.0.0.1/",
    "http://user@127.0.0.1/",
    "http://user:password@127.0.0.1:8080/admin",
    "http://news.example.org@127.0.0.1/",
    "http://2130706433/",  # decimal
    "http://0x7f.1/",  # hex, short form
    "http://0x7f000001/",
    "http://0177.0.0.1/",  # octal
    "http://127.1/",
    "http://0/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:7f00:1]/",
    "http://[2002:7f00:1::]/",  # 6to4 around 127.0.0.1
    "http://[fd00::1]/",
    "http://localhost/",
    "http://LOCALHOST:8080/",
    "http://localhost./",
    "http://admin.localhost/",
    "https://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/",
    "HTTP://192.168.0.1/",
]


@pytest.mark.parametrize("url", LOCAL_FORMS)
def test_every_form_of_a_local_address_is_refused_before_anything_is_sent(url: str) -> None:
    sent: list[str] = []
    with recording_fetcher(sent) as fetcher, pytest.raises(UrlRefusedError) as info:
        fetcher.fetch(url)
    assert sent == []
    assert info.value.code == "url_refused"
    assert info.value.user_message == (
        "This URL is not allowed: it points to a private or local network address."
    )


@pytest.mark.parametrize("url", [url for url in LOCAL_FORMS if "0177" not in url])
def test_local_addresses_are_fetched_when_allowed(url: str) -> None:
    sent: list[str] = []
    with recording_fetcher(sent, allow_private=True) as fetcher:
        result = fetcher.fetch(url)
    assert result.status == 200
    assert len(sent) == 1  # (httpx itself refuses the octal form, allowed or not)


@pytest.mark.parametrize(
    "target",
    [
        "http://0x7f.1/admin",
        "http://2130706433/",
        "http://[::1]:9/",
        "http://[::ffff:127.0.0.1]/",
        "http://localhost./",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_a_redirect_to_any_form_of_a_local_address_is_refused(target: str) -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        if len(sent) == 1:
            return httpx.Response(302, headers={"Location": target})
        return httpx.Response(200, content=b"<p>ok</p>", headers={"Content-Type": "text/html"})

    policy = FetchPolicy(per_host_interval_s=0, timeout_s=2)
    transport = httpx.MockTransport(answer)
    fetcher = HttpFetcher(policy, resolve=numeric_or_public, transport=transport)
    with fetcher, pytest.raises(UrlRefusedError):
        fetcher.fetch("https://news.example.org/story")
    assert sent == ["https://93.184.216.34/story"]  # only the public site was asked


@pytest.mark.parametrize(
    "answers",
    [["127.0.0.1"], ["::1"], ["169.254.169.254"], ["::ffff:192.168.0.1"], ["fe80::1%eth0"]],
)
def test_a_name_resolving_to_a_local_address_is_never_contacted(answers: list[str]) -> None:
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(str(request.url))
        return httpx.Response(200, content=b"<p>ok</p>", headers={"Content-Type": "text/html"})

    policy = FetchPolicy(per_host_interval_s=0, timeout_s=2)
    transport = httpx.MockTransport(answer)
    fetcher = HttpFetcher(policy, resolve=lambda host, port: answers, transport=transport)
    with fetcher, pytest.raises(UrlRefusedError) as info:
        fetcher.fetch("https://intranet.example.org/")
    assert sent == []
    assert "intranet.example.org" not in info.value.user_message


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("gopher://example.org/1", "gopher"),
        ("data:text/html,<script>alert(1)</script>", "data"),
        ("javascript:alert(document.cookie)", "javascript"),
        ("file://localhost/etc/passwd", "file"),
        ("ftp://example.org/a.txt", "ftp"),
        ("mailto:editor@example.org", "mailto"),
        ("//example.org/a", "no scheme"),
        ("example.org/a", "no scheme"),
    ],
)
@pytest.mark.parametrize("allow_private", [False, True])
def test_other_schemes_are_refused_even_when_private_addresses_are_allowed(
    url: str, shown: str, allow_private: bool
) -> None:
    sent: list[str] = []
    fetcher = recording_fetcher(sent, allow_private=allow_private)
    with fetcher, pytest.raises(UrlRefusedError) as info:
        fetcher.fetch(url)
    assert sent == []
    assert info.value.user_message == (
        f"This URL is not allowed: only http and https links are fetched, not {shown}."
    )
