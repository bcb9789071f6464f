"""Which folder of the data directory holds a model's index, and what else lies beside it.

``DATA_DIR/indexes/<slug of the model's name>-<hash>``: one index per embedding model, so that
switching model (or profile) re-indexes instead of mixing vectors. Embedders name a model by
what it is (``Embedder.name``), so the folder stays the same when the data directory moves.
Older versions named a model folder by its path; their indexes are renamed on start. Any other
index found there is reported, because a bot that answers from a fresh sample index while the
operator's index lies unused looks like it works.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from pathlib import Path, PurePath

from index.errors import StoreError
from index.store.relocate import StoreSummary, read_summary, rename_model

logger = logging.getLogger(__name__)

INDEXES = "indexes"


@dataclass(frozen=True, slots=True)
class FoundIndex:
    """An index folder and what its database says it holds."""

    path: Path
    summary: StoreSummary


def index_dir(data_dir: Path, model_name: str) -> Path:
    """``DATA_DIR/indexes/<model slug>-<hash of the name>``."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", model_name.strip("/")).strip("-")[-60:]
    digest = hashlib.sha256(model_name.encode()).hexdigest()[:8]
    return data_dir / INDEXES / f"{slug}-{digest}"


def index_folders(data_dir: Path) -> list[FoundIndex]:
    """Every readable index under ``DATA_DIR/indexes``, by folder name."""
    root = data_dir / INDEXES
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.iterdir()):
        summary = read_summary(path) if path.is_dir() and not path.name.startswith(".") else None
        if summary is not None:
            found.append(FoundIndex(path, summary))
    return found


def locate_index(data_dir: Path, model_name: str, *, legacy_name: str | None = None) -> Path:
    """The index folder for ``model_name``; when it does not exist yet, an index that an older
    version built for the same model under ``legacy_name`` (its path) is renamed to it."""
    target = index_dir(data_dir, model_name)
    if legacy_name is None or target.exists():
        return target
    found = _legacy_index(data_dir, model_name, legacy_name)
    if found is not None:
        _adopt(found, target, model_name)
    return target


def _legacy_index(data_dir: Path, model_name: str, legacy_name: str) -> FoundIndex | None:
    exact = index_dir(data_dir, legacy_name)
    summary = read_summary(exact)
    # (Already named ``model_name`` if a rename was cut short after the database changed.)
    if summary is not None and summary.model_name in (legacy_name, model_name):
        return FoundIndex(exact, summary)
    # A model inside the data directory moved with it, and its index, named by the old path,
    # with them: the same place relative to the data directory is the same model.
    try:
        inner = Path(legacy_name).resolve().relative_to(data_dir.resolve()).parts
    except (OSError, ValueError):
        return None
    moved = [
        found
        for found in index_folders(data_dir)
        if found.path.name == index_dir(data_dir, found.summary.model_name).name
        and len(parts := PurePath(found.summary.model_name).parts) > len(inner)
        and parts[-len(inner) :] == inner
    ]
    if len(moved) > 1:
        logger.warning(
            "several old indexes may be %s's: %s; using none of them",
            model_name,
            ", ".join(found.path.name for found in moved),
        )
    return moved[0] if len(moved) == 1 else None


def _adopt(found: FoundIndex, target: Path, model_name: str) -> None:
    """Rename the model in the old index, then the folder (atomic: the same parent)."""
    try:
        rename_model(found.path, found.summary.model_name, model_name)
        found.path.rename(target)
    except (StoreError, OSError) as e:
        if target.exists():  # another newsbot process carried it over first
            return
        raise StoreError(f"cannot rename index {found.path} to {target}: {e}") from e
    logger.warning(
        "renamed index %s to %s: indexes are now named by the model (%s), not its path (%s)",
        found.path.name,
        target.name,
        model_name,
        found.summary.model_name,
    )


def unselected_indexes(data_dir: Path, selected: Path) -> str | None:
    """One line naming the indexes in ``data_dir`` other than ``selected`` (logged as a
    warning), or None when there are none."""
    others = [found for found in index_folders(data_dir) if found.path != selected]
    if not others:
        return None
    listed = "; ".join(
        f"{found.path.name} (built with {found.summary.model_name}, "
        f"{found.summary.articles} articles)"
        for found in others
    )
    line = (
        f"{data_dir / INDEXES} holds indexes the settings do not select: {listed}. "
        f"Answers come from {selected.name} only (choose the model with NEWSBOT_PROFILE or "
        "NEWSBOT_EMBEDDING__MODEL)"
    )
    logger.warning("%s", line)
    return line
