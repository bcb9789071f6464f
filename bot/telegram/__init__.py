"""The Telegram bot: the python-telegram-bot ``Application``, its handlers and rendering."""

from __future__ import annotations

from bot.telegram.app import build_application, run_application
from bot.telegram.context import CustomContext, SourceCatalog

__all__ = ["CustomContext", "SourceCatalog", "build_application", "run_application"]
