"""What an index records it was built with (chunking, format, newsbot version), checked on open.

The model and dimension are checked in ``schema``; this is the rest of what decides the chunks
an index holds. Chunks cut another way must not mix into an index, so a store opened with
other chunking or for another index format is refused with what differs and how to rebuild.
An index from before these were recorded gets them recorded on open, taken to be the settings
it is opened with (its version as ``"unknown"``): nothing says otherwise, and refusing every
existing index would make each operator rebuild for nothing.
"""

from __future__ import annotations

import importlib.metadata
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from index.chunking import ChunkingOptions
from index.errors import IndexSettingsMismatchError

# Bumped whenever what is embedded or indexed for a chunk changes (caches key on it).
INDEX_FORMAT = 2
#: The meta entries this module owns; ``newsbot_version`` is recorded, never checked.
KEYS = ("chunk_max_chars", "chunk_overlap", "index_format", "newsbot_version")
#: The entries an index must share with the settings it is opened with, as an operator reads them.
_CHECKED = {
    "chunk_max_chars": "chunking max_chars",
    "chunk_overlap": "chunking overlap",
    "index_format": "index format",
}
REBUILD = (
    "move the index folder {folder} away (or delete it) and run `newsbot ingest` on the "
    "articles again, or configure the settings it was built with"
)


def newsbot_version() -> str:
    """The installed newsbot's version, ``"unknown"`` when it runs from a bare checkout."""
    try:
        return importlib.metadata.version("newsbot")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True, slots=True)
class IndexRecipe:
    """The chunking and index format a store is opened with."""

    chunking: ChunkingOptions = field(default_factory=ChunkingOptions)
    index_format: int = INDEX_FORMAT

    def entries(self, version: str) -> dict[str, str]:
        """The meta entries of an index built now by newsbot ``version``."""
        values = (self.chunking.max_chars, self.chunking.overlap, self.index_format, version)
        return dict(zip(KEYS, map(str, values), strict=True))

    def differences(self, meta: dict[str, str]) -> list[str]:
        """What the index whose meta entries are ``meta`` was built with otherwise."""
        wanted = self.entries("")
        return [
            f"{label}={meta[key]}, now {wanted[key]}"
            for key, label in _CHECKED.items()
            if meta[key] != wanted[key]
        ]


def unrecorded(meta: dict[str, str], recipe: IndexRecipe) -> dict[str, str]:
    """The entries an older index lacks: taken to be ``recipe``'s (nothing says otherwise),
    built by some version."""
    return {key: value for key, value in recipe.entries("unknown").items() if key not in meta}


def refuse_other(
    meta: dict[str, str],
    recipe: IndexRecipe,
    where: str,
    rebuild: str,
    *,
    user_message: str | None = None,
    **params: str,
) -> None:
    """Refuse (``IndexSettingsMismatchError``) the index at ``where`` when its ``meta`` says it
    was built otherwise than ``recipe``; ``rebuild`` says how to build it again (and
    ``user_message``, with ``{differences}``, to a user where the default does not fit)."""
    differences = recipe.differences(meta)
    if differences:
        shown = "; ".join(differences)
        raise IndexSettingsMismatchError(
            f"the index in {where} was built with {shown}: {rebuild}",
            user_message=user_message.format(differences=shown) if user_message else None,
            differences=shown,
            **params,
        )


def record_or_check(
    conn: sqlite3.Connection, meta: dict[str, str], recipe: IndexRecipe, folder: Path
) -> None:
    """Inside the open transaction: record what an older index lacks, then refuse an index
    built otherwise than ``recipe`` (``IndexSettingsMismatchError``)."""
    missing = unrecorded(meta, recipe)
    conn.executemany("INSERT INTO meta (key, value) VALUES (?, ?)", missing.items())
    rebuild = REBUILD.format(folder=folder)
    refuse_other({**meta, **missing}, recipe, str(folder), rebuild, folder=str(folder))
