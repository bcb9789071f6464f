"""Telegram handlers, one module per command group; ``routes`` registers them."""
