"""What every Telegram HTML view shares: escaping, escaped UI texts, web links, citations."""

from __future__ import annotations

import datetime as dt
import html
from typing import Any, Protocol
from urllib.parse import urlsplit

from prompts.i18n import friendly_date, t


class Cited(Protocol):
    """What a citation names: a quote or an article."""

    @property
    def title(self) -> str: ...
    @property
    def date(self) -> dt.date | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def url(self) -> str | None: ...
    @property
    def author(self) -> str | None: ...


def esc(text: str) -> str:
    """``text`` escaped for Telegram HTML."""
    return html.escape(text, quote=True)


def tr(key: str, lang: str, **params: Any) -> str:
    """The UI template ``key`` with every parameter escaped (the template may hold tags)."""
    return t(key, lang, **{name: esc(str(value)) for name, value in params.items()})


def is_web_url(url: str | None) -> bool:
    """Only well-formed http(s) URLs become links (Telegram refuses some malformed ones)."""
    if not url or any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def citation(item: Cited, lang: str) -> str:
    """Title (a link when there is a web URL), date as people read it in ``lang``, source and
    author, separated by middle dots."""
    title = esc(item.title.strip() or "—")
    parts = [f'<a href="{esc(str(item.url))}">{title}</a>' if is_web_url(item.url) else title]
    if item.date is not None:
        parts.append(esc(friendly_date(item.date, lang)))
    parts.extend(esc(name) for name in (item.source, item.author) if name)
    return " · ".join(parts)
