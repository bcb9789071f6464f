"""Text templates (package data): UI strings per language, ``<area>.<lang>.toml``.

Loaded with ``importlib.resources``; see ``bot/i18n.py``.
"""
