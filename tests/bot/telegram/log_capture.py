"""Capturing log records from every logger, and finding the ones whose text holds a string."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest


def debug_everywhere(caplog: pytest.LogCaptureFixture) -> None:
    """Capture DEBUG records from every logger, also those with a level of their own (a
    library's, or one ``configure_logging`` quietens: httpx, httpcore, ...); restored after
    the test."""
    caplog.set_level(logging.DEBUG)
    named = {"telegram", "telegram.ext", "httpx", "httpcore", "apscheduler", "tornado", "bot"}
    for name, logger in logging.root.manager.loggerDict.items():
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET:
            named.add(name)
    for name in sorted(named):
        caplog.set_level(logging.DEBUG, logger=name)


def record_texts(record: logging.LogRecord) -> Iterator[str]:
    """What a handler writes of ``record``: message, traceback (``exc_text``, which formatting
    caches and the redaction fills), stack."""
    yield record.getMessage()
    yield record.exc_text or ""
    yield record.stack_info or ""


def records_with(caplog: pytest.LogCaptureFixture, *needles: str) -> list[logging.LogRecord]:
    """The captured records that hold any of ``needles`` in what a handler writes of them."""
    return [
        record
        for record in caplog.records
        if any(needle in text for text in record_texts(record) for needle in needles)
    ]
