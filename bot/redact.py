"""Keep secrets (the bot token) out of every log record.

python-telegram-bot and httpx put the token in log lines (the request URL contains it) and in
some exception texts. ``redact_in_logs`` wraps the logging record factory once, so every record
made afterwards, by any logger and for any handler, has the secret replaced in its message,
its exception text and its stack text.
"""

from __future__ import annotations

import logging
import threading
import traceback
from typing import Any
from urllib.parse import quote

REDACTED = "[REDACTED]"

_lock = threading.Lock()
_secrets: set[str] = set()
_installed = False


def _redact(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def _contains_secret(text: str) -> bool:
    return any(secret in text for secret in _secrets)


def _scrub(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a malformed log call: leave it to logging's own error reporting
        return
    if _contains_secret(message):
        record.msg, record.args = _redact(message), None
    if record.exc_info and record.exc_info[1] is not None and not record.exc_text:
        text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if _contains_secret(text):
            record.exc_text = _redact(text)
    if record.stack_info and _contains_secret(record.stack_info):
        record.stack_info = _redact(record.stack_info)


def redact_in_logs(secret: str) -> None:
    """From now on, replace ``secret`` (and its URL-quoted form) in every log record."""
    global _installed
    if not secret:
        return
    with _lock:
        _secrets.update({secret, quote(secret, safe="")})
        if _installed:
            return
        previous = logging.getLogRecordFactory()

        def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
            record = previous(*args, **kwargs)
            _scrub(record)
            return record

        logging.setLogRecordFactory(factory)
        _installed = True
