"""Telegram HTML rendering. Pure: no I/O, no Telegram calls."""
