"""A loopback Telegram Bot API for end-to-end tests: stdlib HTTP server in a thread.

It speaks enough of the Bot API for python-telegram-bot's real ``Application`` to run against it
via ``base_url``, keeps the chats' messages, and refuses what Telegram refuses (see
``bot_api_rules``). Tests feed updates with ``push_update``, inject faults (``flood``, ``fail``,
``hang``, ended by ``release_hangs``) and wait for effects with ``wait_for``.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, TypeVar

from tests.bot.telegram import bot_api_rules as rules
from tests.bot.telegram.fake_bot_api_methods import (
    ApiCall,
    BotApiMethods,
    BotMessage,
    Fault,
    State,
    decode_params,
)

__all__ = ["ApiCall", "BotMessage", "FakeBotApi", "State"]

T = TypeVar("T")

_MAX_HANG_S = 30.0
#: Methods that send or change a chat message: what Telegram's flood control counts ("about
#: 30 messages per second"; answers to inline and callback queries are not messages).
_SENDING = frozenset({"sendMessage", "editMessageText"})


class _Server(ThreadingHTTPServer):
    #: Connections waiting to be accepted: the default (5) refuses bursts that Telegram takes.
    request_queue_size = 256


class FakeBotApi(BotApiMethods):
    """The loopback Bot API server. Use as a context manager, or ``start()`` / ``close()``.

    Update and message ids count from ``first_id`` (two servers standing for one Telegram
    start far apart)."""

    def __init__(
        self,
        token: str,
        *,
        bot_id: int = 7_000_000_001,
        username: str = "NewsTestBot",
        first_id: int = 1,
    ):
        self.token = token
        self.bot_user = {
            "id": bot_id,
            "is_bot": True,
            "first_name": "News Test Bot",
            "username": username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }
        self.state = State()
        self._cond = threading.Condition()
        self._closing = False
        self._hangs_released = False
        self._ids = itertools.count(first_id)
        self._flood_limits: tuple[int, int] | None = None
        self._blocked: set[str] = set()
        self._sent: defaultdict[object, deque[float]] = defaultdict(deque)
        self._server = _Server(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = False
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # lifecycle -----------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """Everything before the token, as python-telegram-bot's ``base_url`` expects."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def start(self) -> FakeBotApi:
        self._thread.start()
        return self

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> FakeBotApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # feeding and faults --------------------------------------------------------------------
    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for getUpdates; returns its update_id."""
        with self._cond:
            update = {"update_id": self.next_id(), **update}
            message = update.get("message") or {}
            if "chat" in message:
                self.state.chats[message["chat"]["id"]] = message["chat"]
            query = update.get("callback_query")
            if query is not None:
                self.state.callback_queries[query["id"]] = None
            self.state.updates.append(update)
            self._cond.notify_all()
            return int(update["update_id"])

    def _add_fault(self, fault: Fault) -> None:
        with self._cond:
            self.state.faults.append(fault)

    def flood(
        self,
        calls: int,
        retry_after: int = 1,
        methods: Iterable[str] = ("sendMessage",),
        chat_id: int | None = None,
    ) -> None:
        """Answer the next ``calls`` requests to ``methods`` (in ``chat_id`` only, if given)
        with 429 and ``retry_after``."""
        chat = None if chat_id is None else str(chat_id)
        fault = Fault("flood", calls, frozenset(methods), retry_after=retry_after, chat_id=chat)
        self._add_fault(fault)

    def fail(
        self, calls: int, status: int = 500, methods: Iterable[str] = ("sendMessage",)
    ) -> None:
        """Answer the next ``calls`` requests to ``methods`` with a ``status`` server error."""
        self._add_fault(Fault("fail", calls, frozenset(methods), status=status))

    def hang(self, calls: int, methods: Iterable[str] = ("sendMessage",)) -> None:
        """Never answer the next ``calls`` requests to ``methods`` (the client times out)."""
        self._add_fault(Fault("hang", calls, frozenset(methods)))

    def flood_control(self, per_second: int = 30, per_chat_per_second: int = 3) -> None:
        """Refuse sends (429, retry_after 1) past ``per_second`` in any one second in all, or
        ``per_chat_per_second`` in one chat, as Telegram's flood control does."""
        with self._cond:
            self._flood_limits = (per_second, per_chat_per_second)

    def _flooded(self, method: str, params: dict[str, Any]) -> bool:
        """Count a send against the limits; True when it goes past one (it is then refused)."""
        if self._flood_limits is None or method not in _SENDING:
            return False
        now = time.monotonic()
        keys: dict[object, int] = {"all": self._flood_limits[0]}
        if params.get("chat_id") is not None:
            keys[("chat", str(params["chat_id"]))] = self._flood_limits[1]
        for key, limit in keys.items():
            window = self._sent[key]
            while window and now - window[0] >= 1.0:
                window.popleft()
            if len(window) >= limit:
                return True
        for key in keys:
            self._sent[key].append(now)
        return False

    def block(self, chat_id: int) -> None:
        """The user of private chat ``chat_id`` blocked the bot: sends there get 403."""
        with self._cond:
            self._blocked.add(str(chat_id))

    def release_hangs(self) -> None:
        """Close the connections of hanging requests without an answer (the client fails)."""
        with self._cond:
            self._hangs_released = True
            self._cond.notify_all()

    # inspection ----------------------------------------------------------------------------
    def snapshot(self, fn: Callable[[State], T]) -> T:
        with self._cond:
            return fn(self.state)

    def calls(self, method: str | None = None) -> list[ApiCall]:
        return self.snapshot(lambda s: [c for c in s.calls if method in (None, c.method)])

    def messages(self, chat_id: int | None = None) -> list[BotMessage]:
        return self.snapshot(lambda s: [m for m in s.messages if chat_id in (None, m.chat_id)])

    def choose_inline_result(self, query_id: str, result_id: str) -> str:
        """Act as the user picking an inline result: it is sent; returns its inline_message_id."""
        with self._cond:
            results = self.state.inline_answers[query_id]["results"]
            result = next(r for r in results if r["id"] == result_id)
            content = result["input_message_content"]
            inline_id = f"inline-{self.next_id()}"
            plain = rules.check_text(content["message_text"], content.get("parse_mode"))
            self.state.messages.append(
                BotMessage(
                    None,
                    None,
                    content["message_text"],
                    plain,
                    result.get("reply_markup"),
                    inline_message_id=inline_id,
                )
            )
            self._cond.notify_all()
            return inline_id

    def wait_sync(self, predicate: Callable[[State], T | None], timeout: float = 5.0) -> T:
        """Block (bounded) until ``predicate(state)`` is truthy and return its value."""
        with self._cond:
            result = self._cond.wait_for(lambda: predicate(self.state), timeout)
        if not result:
            raise AssertionError(f"timed out after {timeout} s waiting for the Bot API state")
        return result

    async def wait_for(self, predicate: Callable[[State], T | None], timeout: float = 5.0) -> T:
        """Wait (bounded, off the event loop) until ``predicate(state)`` is truthy."""
        return await asyncio.to_thread(self.wait_sync, predicate, timeout)

    # the API -------------------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                api._serve(self)

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                return

        return Handler

    def _serve(self, request: BaseHTTPRequestHandler) -> None:
        _, _, rest = request.path.partition("/bot")
        token, _, method = rest.partition("/")
        body = request.rfile.read(int(request.headers.get("Content-Length") or 0))
        params = decode_params(body, request.headers.get("Content-Type", ""))
        if token != self.token:
            status, payload = 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        else:
            outcome = self._dispatch(method, params)
            if outcome is None:  # hanging: answer nothing, the client times out
                return
            status, payload = outcome
        data = json.dumps(payload).encode()
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(data)))
            request.end_headers()
            request.wfile.write(data)
        except OSError:
            return

    def _dispatch(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]] | None:
        with self._cond:
            call = ApiCall(method, params)
            self.state.calls.append(call)
            chat = str(params.get("chat_id"))
            fault = next(
                (
                    f
                    for f in self.state.faults
                    if f.remaining > 0 and method in f.methods and f.chat_id in (None, chat)
                ),
                None,
            )
            if fault is None and self._flooded(method, params):
                fault = Fault("flood", 1, frozenset({method}))
            if fault is not None:
                fault.remaining -= 1
                call.status = {"flood": 429, "fail": fault.status, "hang": 0}[fault.kind]
                self._cond.notify_all()
                if fault.kind == "hang":
                    self._cond.wait_for(lambda: self._closing or self._hangs_released, _MAX_HANG_S)
                    return None
                if fault.kind == "flood":
                    return 429, {
                        "ok": False,
                        "error_code": 429,
                        "description": f"Too Many Requests: retry after {fault.retry_after}",
                        "parameters": {"retry_after": fault.retry_after},
                    }
                return fault.status, {
                    "ok": False,
                    "error_code": fault.status,
                    "description": "Internal Server Error",
                }
            if method in _SENDING and str(params.get("chat_id")) in self._blocked:
                call.status = 403
                self._cond.notify_all()
                return 403, {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                }
            if method == "getUpdates":
                return 200, {"ok": True, "result": self._get_updates(params)}
            handler = getattr(self, f"_m_{method}", None)
            try:
                if handler is None:
                    call.status = 404
                    return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
                result = handler(params)
            except rules.BotApiError as exc:
                call.status = 400
                return 400, {"ok": False, "error_code": 400, "description": exc.description}
            finally:
                self._cond.notify_all()
            return 200, {"ok": True, "result": result}

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        if offset:
            self.state.acked = max(self.state.acked, offset)
            self.state.updates = [u for u in self.state.updates if u["update_id"] >= offset]
        timeout = min(float(params.get("timeout") or 0), 5.0)
        self._cond.wait_for(lambda: self._closing or bool(self.state.updates), timeout)
        self._cond.notify_all()
        return self.state.updates[: int(params.get("limit") or 100)]
