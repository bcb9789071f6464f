"""newsbot over its bundled article, built from ``Settings``, for module-wide fixtures."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bot.config.settings import Settings
from bot.factory import Components, ensure_corpus
from tests.components import opened


@contextmanager
def over_bundled_article(
    data_dir: Path, *, warm: bool = True, **groups: Any
) -> Iterator[Components]:
    """Components over a fresh ``data_dir`` with the bundled article indexed (``groups``:
    settings groups that differ from the defaults); closed afterwards."""
    settings = Settings(_env_file=None, data_dir=data_dir, **groups)  # type: ignore[call-arg]
    with opened(settings) as built:
        report = ensure_corpus(built, progress=False)
        assert report is not None and len(report.added) == 1
        if warm:
            built.answerer.warm()
        yield built
