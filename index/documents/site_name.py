"""The name of the site a news page belongs to, as its readers know it ("Northshore Gazette").

In order: the site name the page declares (``og:site_name``, or what trafilatura found in the
page's metadata), the suffix of its ``<title>`` or ``og:title`` after the headline
("Headline | Northshore Gazette", also after " - " or " — "), else the host name.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

#: What separates a headline from the site's name in a page title.
SEPARATORS = (" | ", " — ", " – ", " - ")
#: A longer title suffix is more headline than site name.
MAX_SITE_CHARS = 60
_HOST_PREFIXES = ("www.", "m.", "mobile.", "amp.")
_SPACE = re.compile(r"\s+")


def host_name(url: str | None) -> str | None:
    """The URL's host without ``www.`` and the like (no port); None without one."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    for prefix in _HOST_PREFIXES:
        host = host.removeprefix(prefix)
    return host or None


def _clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def title_suffix(title: str | None, headline: str | None) -> str | None:
    """The site name after the headline in a page title: "Headline | Site" -> "Site".

    Only when what comes before the last separator starts with the headline (so a headline
    with a dash in it, "Kyiv - Odesa train resumes", is not cut)."""
    title, headline = _clean(title), _clean(headline)
    if not title or not headline:
        return None
    cut = max((title.rfind(sep), sep) for sep in SEPARATORS)
    position, separator = cut
    if position <= 0:
        return None
    before, after = title[:position].strip(), title[position + len(separator) :].strip()
    if not after or len(after) > MAX_SITE_CHARS:
        return None
    if not before.casefold().startswith(headline.casefold()):
        return None
    return after


class _Head(HTMLParser):
    """The ``<title>`` and the ``<meta property|name=... content=...>`` of a page's head."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, str] = {}
        self.title: str | None = None
        self._in_title = False
        self._title_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "title" and self.title is None:
            self._in_title = True
        elif tag == "meta":
            values = dict(attrs)
            name = values.get("property") or values.get("name")
            content = values.get("content")
            if name and content is not None:
                self.meta.setdefault(name.lower(), content)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title" and self._in_title:
            self._in_title = False
            self.title = "".join(self._title_parts)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self._title_parts.append(data)


def _head_fields(page: str) -> tuple[str | None, str | None, str | None]:
    """``og:site_name``, ``<title>`` and ``og:title`` of an HTML page (None where absent)."""
    head = _Head()
    end = page.lower().find("<body")
    head.feed(page if end < 0 else page[:end])
    head.close()
    return head.meta.get("og:site_name"), head.title, head.meta.get("og:title")


def site_name(page: str, *, found: str | None, headline: str | None, url: str | None) -> str | None:
    """The site's name for the HTML ``page`` at ``url`` with this ``headline``; ``found`` is
    the site name an extractor read from the page's metadata (it may be just the host)."""
    declared, title, og_title = _head_fields(page)
    host = host_name(url)
    found = _clean(found)
    if found and host_name(f"//{found}") != host:  # (an extractor falls back on the host)
        declared = declared or found
    if _clean(declared):
        return _clean(declared)
    for candidate in (title, og_title):
        suffix = title_suffix(candidate, headline)
        if suffix:
            return suffix
    return host
