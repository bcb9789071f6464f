"""A loopback HTTP server for tests: pages, feeds, PDFs, redirects, slow and huge answers.

``WebServer`` listens on ``127.0.0.1`` on a free port in a background thread (one thread per
request, so a hanging route does not block the others). What it answers is a mutable route
table, keyed by path (a path with its query string is looked up first, then the bare path;
anything else is a 404)::

    with WebServer() as server:                      # or the ``web_server`` pytest fixture
        server.routes["/a"] = Route(body=b"<html>...</html>")
        server.routes["/feed"] = Route(
            body=rss_bytes, content_type="application/rss+xml", etag='"v1"'
        )
        server.routes["/api/sendMessage"] = lambda request: Route(
            body=b'{"ok": true}', content_type="application/json"
        )
        server.redirect("/old", "/a", status=301)
        server.hang("/slow", seconds=5)                # answers only after 5 s (or at stop)
        server.huge("/big", size=100_000_000)          # streamed lazily, never in memory
        fetch(server.url("/a"))
        assert server.requests[-1].headers["user-agent"].startswith("newsbot")

A ``Route`` gives the status, the body (bytes, or a callable returning an iterable of byte
chunks that is streamed without a Content-Length), the Content-Type (None: no header), extra
headers, a delay before answering, and an ETag / Last-Modified: a request whose
If-None-Match matches the ETag (or, without If-None-Match, whose If-Modified-Since equals the
Last-Modified) is answered 304 with no body. A route may also be a callable taking the
``RecordedRequest`` and returning a ``Route`` (dynamic answers, e.g. a fake Bot API).

Every request (GET, HEAD, POST, PUT, DELETE) is recorded in ``server.requests`` in arrival
order, with its method, path (with query), lower-cased headers and body.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

from index.closing import Closing

logger = logging.getLogger(__name__)

_CHUNK = 64 * 1024


@dataclass
class Route:
    """One canned answer (see the module docstring)."""

    status: int = 200
    body: bytes | Callable[[], Iterable[bytes]] = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0
    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class RecordedRequest:
    """A request as the server saw it; ``headers`` has lower-case names."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes = b""


Handler = Callable[[RecordedRequest], Route]


class WebServer(Closing):
    """A threaded loopback HTTP server with a mutable route table (see the module docstring)."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Handler] = {}
        self.requests: list[RecordedRequest] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str = "/") -> str:
        """The absolute URL of ``path`` on this server."""
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def redirect(self, path: str, location: str, *, status: int = 302) -> None:
        """``path`` answers ``status`` with ``Location: location`` (relative or absolute)."""
        self.routes[path] = Route(status=status, content_type=None, headers={"Location": location})

    def hang(self, path: str, *, seconds: float = 30.0) -> None:
        """``path`` answers only after ``seconds`` (or never, if the server stops first)."""
        self.routes[path] = Route(body=b"too late", delay_s=seconds)

    def huge(self, path: str, *, size: int = 100_000_000, content_type: str = "text/html") -> None:
        """``path`` streams ``size`` bytes, generated chunk by chunk, with no Content-Length."""

        def chunks() -> Iterator[bytes]:
            sent = 0
            while sent < size and not self.stopping.is_set():
                piece = b"x" * min(_CHUNK, size - sent)
                sent += len(piece)
                yield piece

        self.routes[path] = Route(body=chunks, content_type=content_type)

    def requests_to(self, path: str) -> list[RecordedRequest]:
        """The recorded requests for ``path`` (query string ignored)."""
        with self._lock:
            return [r for r in self.requests if r.path.split("?", 1)[0] == path]

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def route_for(self, request: RecordedRequest) -> Route:
        route = self.routes.get(request.path) or self.routes.get(request.path.split("?", 1)[0])
        if route is None:
            return Route(status=404, body=b"not found", content_type="text/plain")
        return route if isinstance(route, Route) else route(request)

    def start(self) -> Self:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.02},  # so that stop() returns at once
            name="test-web-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._httpd.server_close()

    close = stop  # (what ``Closing`` calls at a ``with``'s end)

    def __enter__(self) -> Self:
        return self.start()


def _not_modified(route: Route, headers: dict[str, str]) -> bool:
    if route.status != 200:
        return False
    if "if-none-match" in headers:
        tags = {t.strip() for t in headers["if-none-match"].split(",")}
        return route.etag is not None and (route.etag in tags or "*" in tags)
    return route.last_modified is not None and headers.get("if-modified-since") == (
        route.last_modified
    )


def _make_handler(server: WebServer) -> type[BaseHTTPRequestHandler]:
    class _Handler(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            request = RecordedRequest(self.command, self.path, headers, self._read_body(headers))
            server.record(request)
            route = server.route_for(request)
            if route.delay_s and server.stopping.wait(route.delay_s):
                return  # stopped while delaying: no answer
            try:
                self._send(route, headers)
            except (BrokenPipeError, ConnectionResetError):
                logger.debug("client went away during %s", self.path)

        def _read_body(self, headers: dict[str, str]) -> bytes:
            if headers.get("transfer-encoding", "").lower() == "chunked":
                body = b""
                while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                    body += self.rfile.read(size)
                    self.rfile.readline()
                self.rfile.readline()
                return body
            length = int(headers.get("content-length", "0") or 0)
            return self.rfile.read(length) if length else b""

        def _send(self, route: Route, headers: dict[str, str]) -> None:
            status = 304 if _not_modified(route, headers) else route.status
            self.send_response(status)
            if route.content_type and status != 304:
                self.send_header("Content-Type", route.content_type)
            for name, value in route.headers.items():
                self.send_header(name, value)
            if route.etag:
                self.send_header("ETag", route.etag)
            if route.last_modified:
                self.send_header("Last-Modified", route.last_modified)
            body = route.body
            if status == 304:
                body = b""
            if isinstance(body, bytes):
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command == "HEAD":
                return
            if isinstance(body, bytes):
                self.wfile.write(body)
                return
            self.close_connection = True
            for chunk in body():
                self.wfile.write(chunk)

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            logger.debug("test web server: %s", format % args)

    return _Handler
