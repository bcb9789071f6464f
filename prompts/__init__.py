"""Text templates (package data): UI strings per language, ``<area>.<lang>.toml``.

Loaded with ``importlib.resources``; see ``prompts/i18n.py``.
"""
