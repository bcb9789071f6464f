"""Logging for the CLI: one handler on stderr, quiet libraries, secrets redacted."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable

_NOISY = ("httpx", "httpcore", "transformers", "sentence_transformers", "bm25s", "faiss",
          "telegram.ext.Updater", "apscheduler", "urllib3", "filelock", "huggingface_hub")


class RedactingFilter(logging.Filter):
    """Replaces each secret (the bot token) with ``[REDACTED]`` in every record."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self._secrets:
            return True
        message = record.getMessage()
        redacted = message
        for secret in self._secrets:
            redacted = redacted.replace(secret, "[REDACTED]")
        if redacted != message:
            record.msg, record.args = redacted, None
        if record.exc_text:
            for secret in self._secrets:
                record.exc_text = record.exc_text.replace(secret, "[REDACTED]")
        return True


def configure_logging(level: str, *, secrets: Iterable[str] = ()) -> None:
    """Configure the root logger once, for the command line."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
