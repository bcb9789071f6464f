"""Logging for the CLI: one handler on stderr, quiet libraries, secrets redacted."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable

from bot.redact import redact_in_logs

_NOISY = (
    "httpx",
    "httpcore",
    "transformers",
    "sentence_transformers",
    "bm25s",
    "faiss",
    "telegram.ext.Updater",
    "apscheduler",
    "urllib3",
    "filelock",
    "huggingface_hub",
)


def configure_logging(level: str, *, secrets: Iterable[str] = ()) -> None:
    """Configure the root logger once, for the command line."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(level)  # also drops records from libraries that lower their own level
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for secret in secrets:
        redact_in_logs(secret)
    for name in _NOISY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
    # torch's C++ side logs to stderr on its own, read when torch loads (after this): its
    # notice that quantised tensors are deprecated would open every start's output.
    os.environ.setdefault("TORCH_CPP_LOG_LEVEL", "WARNING" if level == "DEBUG" else "ERROR")
