"""``HttpFetcher``: GET a URL under the safety rules of ``FetchPolicy``.

Only http(s); the host of every hop (redirects are followed by hand) must resolve to public
addresses unless ``allow_private``; at most ``max_redirects`` hops; the body is streamed and
abandoned once it passes ``max_bytes``; the content type must be one the caller accepts;
every request carries the User-Agent and waits its turn for its host (``per_host_interval_s``).
"""

from __future__ import annotations

import logging
import mimetypes
import socket
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

import httpx

from index.closing import Closing
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
from index.web.address import Resolver, check_target, shown_host, system_resolve
from index.web.base import ARTICLE_TYPES, FetchResult
from index.web.rate import HostRateLimiter

logger = logging.getLogger(__name__)

DEFAULT_USER_AGENT = "newsbot/0.1 (+https://github.com/newsbot; news Q&A bot)"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_BY_SUFFIX = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xhtml": "application/xhtml+xml",
    ".pdf": "application/pdf",
    ".txt": "text/plain",
    ".md": "text/markdown",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
}


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """The limits of fetching (the CLI builds it from ``Settings.fetch``).

    ``total_timeout_s`` bounds a whole fetch, redirects and a slowly dripping body included
    (None: four times ``timeout_s``, which bounds each connect and each read).
    """

    timeout_s: float = 15.0
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    user_agent: str = DEFAULT_USER_AGENT
    per_host_interval_s: float = 1.0
    allow_private: bool = False
    total_timeout_s: float | None = None


def media_type(header: str | None, url: str) -> tuple[str, str | None]:
    """``(media type, charset)`` from a Content-Type header; with none, the media type is
    guessed from the URL's suffix (else ``application/octet-stream``)."""
    if header and header.split(";", 1)[0].strip():
        kind, *params = header.split(";")
        charset = None
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "charset" and value.strip(" \t\"'"):
                charset = value.strip(" \t\"'").lower()
        return kind.strip().lower(), charset
    path = urlsplit(url).path.lower()
    guessed = _BY_SUFFIX.get(PurePosixPath(path).suffix) or mimetypes.guess_type(path)[0]
    return guessed or "application/octet-stream", None


class HttpFetcher(Closing):
    """A ``Fetcher`` over one ``httpx.Client`` (connections are reused; thread-safe)."""

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        resolve: Resolver = system_resolve,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self._resolve = resolve
        self._limiter = HostRateLimiter(self.policy.per_host_interval_s, clock=clock, sleep=sleep)
        self._client = httpx.Client(
            timeout=httpx.Timeout(self.policy.timeout_s),
            follow_redirects=False,
            trust_env=False,  # no proxy or .netrc from the environment
            headers={"User-Agent": self.policy.user_agent},
            transport=transport,
        )

    def fetch(
        self,
        url: str,
        *,
        accept: Collection[str] = ARTICLE_TYPES,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET ``url`` following redirects; raises a ``FetchError`` subclass on failure."""
        policy = self.policy
        deadline = time.monotonic() + (policy.total_timeout_s or 4 * policy.timeout_s)
        headers = {"Accept": ", ".join(sorted(accept)) + ", */*;q=0.1"}
        # Validators go back as they came, unless they cannot be sent (httpx refuses non-ASCII
        # values, and a control character would break the request): then the GET is plain.
        for name, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified)):
            if value and value.isascii() and value.isprintable():
                headers[name] = value
        current = url
        for _hop in range(policy.max_redirects + 1):
            if time.monotonic() > deadline:
                raise FetchTimeoutError(f"{url}: no answer by the deadline (at {current})")
            host, address = check_target(
                current, allow_private=policy.allow_private, resolve=self._resolve
            )
            self._limiter.wait(host)
            outcome = self._get(current, headers, accept, deadline, address)
            if isinstance(outcome, str):
                logger.info("%s redirects to %s", current, outcome)
                current = outcome
                continue
            status, response_headers, body = outcome
            kind, charset = media_type(response_headers.get("content-type"), current)
            logger.info("fetched %s (HTTP %d, %s, %d bytes)", current, status, kind, len(body))
            return FetchResult(
                url=url,
                final_url=current,
                status=status,
                content_type=kind,
                charset=charset,
                body=body,
                etag=response_headers.get("etag"),
                last_modified=response_headers.get("last-modified"),
                not_modified=status == 304,
            )
        raise FetchError(f"{url}: more than {policy.max_redirects} redirects (last {current})")

    def _get(
        self,
        url: str,
        headers: Mapping[str, str],
        accept: Collection[str],
        deadline: float,
        address: str | None = None,
    ) -> str | tuple[int, httpx.Headers, bytes]:
        """One request: a redirect's target, or ``(status, headers, body)``. With an
        ``address``, the connection goes to that checked address (the Host header and the
        TLS server name stay the URL's host, so certificates are still verified)."""
        try:
            request = self._client.build_request("GET", url, headers=headers)
            if address is not None:
                target = request.url
                request.headers["Host"] = target.netloc.decode("ascii")
                if target.scheme == "https":
                    request.extensions["sni_hostname"] = target.host
                request.url = target.copy_with(host=address)
            response = self._client.send(request, stream=True)
            try:
                return self._read(url, response, accept, deadline)
            finally:
                response.close()
        except httpx.TimeoutException as e:
            raise FetchTimeoutError(f"{url}: timed out ({type(e).__name__})") from e
        except httpx.InvalidURL as e:
            raise UrlRefusedError(f"{url!r}: {e}", reason="it is not a valid URL") from e
        except httpx.ConnectError as e:
            raise connect_error(url, e) from e
        except httpx.HTTPError as e:
            raise FetchError(f"{url}: {type(e).__name__}: {str(e) or 'connection failed'}") from e

    def _read(
        self, url: str, response: httpx.Response, accept: Collection[str], deadline: float
    ) -> str | tuple[int, httpx.Headers, bytes]:
        status = response.status_code
        if status in _REDIRECTS:
            location: str | None = response.headers.get("location")
            if not location:
                raise FetchError(f"{url}: HTTP {status} redirect without a Location header")
            return urljoin(url, location.strip())
        if status == 304:
            return status, response.headers, b""
        if not 200 <= status < 300:
            raise HttpStatusError(f"{url}: HTTP {status}", status=status)
        kind, _ = media_type(response.headers.get("content-type"), url)
        if kind not in accept:
            raise ContentTypeError(f"{url}: content type {kind}", content_type=kind)
        limit = self.policy.max_bytes
        length = response.headers.get("content-length", "")
        if length.isascii() and length.isdigit() and int(length) > limit:  # not "²"
            raise FetchTooLargeError(f"{url}: Content-Length {length}", limit=limit)
        body = bytearray()
        for chunk in response.iter_bytes():
            body += chunk
            if len(body) > limit:
                raise FetchTooLargeError(f"{url}: body over {limit} bytes", limit=limit)
            if time.monotonic() > deadline:
                raise FetchTimeoutError(f"{url}: body still arriving at the deadline")
        return status, response.headers, bytes(body)

    def close(self) -> None:
        self._client.close()


def connect_error(url: str, error: httpx.ConnectError) -> FetchError:
    """Why a connection failed, as the error a user can act on: an unknown host name, a
    refused connection, or (other causes) a plain fetch failure."""
    host = shown_host(urlsplit(url).hostname or url)
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return HostNotFoundError(f"{url}: host {host!r} not found: {cause}", host=host)
        if isinstance(cause, ConnectionRefusedError):
            return ConnectionRefusedFetchError(f"{url}: connection refused", host=host)
        cause = cause.__cause__ or cause.__context__
    return FetchError(f"{url}: ConnectError: {error or 'connection failed'}")
