"""The Telegram bot: the python-telegram-bot ``Application`` (``app``), its handlers and
rendering. Import the modules themselves: this package imports nothing, so that a handler
importing a sibling module never runs the whole application's imports first."""
