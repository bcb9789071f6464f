"""Article IDs as people type them: a whole ID or a unique prefix, and the short form shown."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from index.types import ArticleInfo

#: The shortest prefix ``/article`` accepts (as ``/remove`` does; IDs are 20 hex characters).
MIN_ID_PREFIX = 6
#: The shortest ID shown in lists (longer where two IDs share a prefix).
SHOWN_ID_CHARS = 8


@dataclass(frozen=True, slots=True)
class Lookup:
    """The articles whose ID is ``ref`` or starts with it (empty: none, or ``ref`` too short)."""

    ref: str
    matches: tuple[ArticleInfo, ...]

    @property
    def article(self) -> ArticleInfo | None:
        """The one article meant, when exactly one matches."""
        return self.matches[0] if len(self.matches) == 1 else None


def find_article(articles: Sequence[ArticleInfo], ref: str) -> Lookup:
    """The article with ID ``ref``, else those whose ID starts with it (at least
    ``MIN_ID_PREFIX`` characters; IDs are compared in lower case)."""
    ref = ref.strip().lower()
    exact = tuple(a for a in articles if a.id.lower() == ref)
    if exact or len(ref) < MIN_ID_PREFIX:
        return Lookup(ref, exact)
    return Lookup(ref, tuple(a for a in articles if a.id.lower().startswith(ref)))


def short_ids(ids: Iterable[str], shortest: int = SHOWN_ID_CHARS) -> dict[str, str]:
    """Each ID's shortest prefix of at least ``shortest`` characters that no other ID shares."""
    ordered = sorted(set(ids))
    shared = dict.fromkeys(ordered, 0)
    for left, right in itertools.pairwise(ordered):
        common = next(
            (i for i, (a, b) in enumerate(zip(left, right, strict=False)) if a != b),
            min(len(left), len(right)),
        )
        shared[left] = max(shared[left], common)
        shared[right] = max(shared[right], common)
    return {key: key[: max(shortest, shared[key] + 1)] for key in ordered}
