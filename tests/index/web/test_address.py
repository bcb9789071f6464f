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
