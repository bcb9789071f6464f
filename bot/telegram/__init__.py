"""The Telegram bot: its ``Application`` (``app``), handlers, rendering and kept state.

Import the modules themselves: this package imports nothing, so that a handler importing a
sibling module never runs the whole application's imports first.
"""
