"""The BM25 index on disk, beside the store, so a start loads it instead of rebuilding it.

``bm25.json`` names the folder that holds the index of one store generation (``bm25s``' own
files and the chunk keys in their order). A save writes a new folder, then replaces the
pointer atomically, then removes older folders; a load that finds no pointer, another
generation or a broken folder returns None and the caller builds the index.
"""

from __future__ import annotations

import contextlib
import json
import logging
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.store.faiss_cache import atomic_write

logger = logging.getLogger(__name__)

POINTER = "bm25.json"
# Bumped whenever what is tokenised for a chunk changes (header, stemmer, stop words).
FORMAT = 1
_PREFIX = "bm25-"
_STALE_S = 60.0  # another process may still be loading an older folder


@dataclass(frozen=True, slots=True)
class SavedBm25:
    generation: int
    keys: tuple[str, ...]
    retriever: Any  # bm25s.BM25, or None when no chunk has a searchable token


def save(directory: Path, state: SavedBm25) -> None:
    """Write ``state`` under ``directory``; a failure is logged (the index is rebuildable)."""
    folder = directory / f"{_PREFIX}{state.generation}-{uuid.uuid4().hex[:8]}"
    try:
        folder.mkdir(parents=True)
        if state.retriever is not None:
            state.retriever.save(str(folder), show_progress=False)
        (folder / "keys.json").write_text(json.dumps(list(state.keys)), encoding="utf-8")
        pointer = {"format": FORMAT, "generation": state.generation, "folder": folder.name}
        pointer["empty"] = state.retriever is None
        atomic_write(directory / POINTER, json.dumps(pointer).encode())
    except OSError:
        logger.warning("could not save the BM25 index in %s", directory, exc_info=True)
        shutil.rmtree(folder, ignore_errors=True)
        return
    _remove_older(directory, keep=folder.name)


def load(directory: Path, generation: int) -> SavedBm25 | None:
    """The saved index of ``generation``; None when there is none (or it cannot be read)."""
    try:
        pointer = json.loads((directory / POINTER).read_text(encoding="utf-8"))
        if pointer.get("format") != FORMAT or pointer.get("generation") != generation:
            return None
        folder = directory / str(pointer["folder"])
        keys = tuple(json.loads((folder / "keys.json").read_text(encoding="utf-8")))
        retriever = None
        if not pointer.get("empty"):
            import bm25s

            retriever = bm25s.BM25.load(str(folder), mmap=False, show_progress=False)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        logger.warning("could not load the BM25 index in %s; rebuilding it", directory)
        return None
    return SavedBm25(generation, keys, retriever)


def _remove_older(directory: Path, *, keep: str) -> None:
    now = time.time()
    for folder in directory.glob(f"{_PREFIX}*"):
        if folder.name == keep or not folder.is_dir():
            continue
        with contextlib.suppress(OSError):
            if now - folder.stat().st_mtime > _STALE_S:
                shutil.rmtree(folder)
