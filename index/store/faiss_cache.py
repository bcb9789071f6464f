"""The FAISS side of ``FaissStore``: an immutable in-memory snapshot and its files on disk.

``vectors.faiss`` holds the vectors keyed by chunk rowid (a flat index in an ``IndexIDMap2``,
or for large stores an IVF index with scalar quantisation: ``index.store.vector_index``);
``vectors.json``
records the database generation it reflects. Both are replaced atomically (temp file in the
same directory, flush + fsync, ``os.replace``), the index first, so a manifest never claims a
generation its index file does not have. The files are saved on a timer, not after every write,
so after a kill they may be behind the database: they are then brought up to it from the stored
vectors of the chunks added since, which is much cheaper than a rebuild.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.errors import IndexCorruptError
from index.store import vector_index
from index.store.vector_index import VectorIndexPolicy

logger = logging.getLogger(__name__)

FAISS_NAME = "vectors.faiss"
MANIFEST_NAME = "vectors.json"
_STALE_TEMP_S = 600.0

Added = tuple[int, str, npt.NDArray[np.float32]]
# Reads the ``(chunk rowid, float32 blob)`` rows of the given rowids, in rowid order.
Fetch = Callable[[Sequence[int]], list[tuple[int, bytes]]]


def _faiss() -> Any:
    import faiss

    return faiss


@dataclass(frozen=True)
class VectorSnapshot:
    """A FAISS index and its rowid -> chunk key map at one generation. Never mutated."""

    generation: int
    index: Any
    keys: Mapping[int, str]

    def search(self, query: npt.NDArray[np.float32], k: int) -> list[tuple[str, float]]:
        """``(chunk key, inner product)`` best first for a ``(1, dim)`` query."""
        size = int(self.index.ntotal)
        if size == 0 or k <= 0:
            return []
        scores, ids = self.index.search(query, min(k, size))
        return [
            (self.keys[int(rowid)], float(score))
            for score, rowid in zip(scores[0], ids[0], strict=True)
            if int(rowid) in self.keys
        ]

    def apply(
        self, generation: int, removed: Sequence[int], added: Sequence[Added]
    ) -> VectorSnapshot:
        """A new snapshot with ``removed`` rowids dropped and ``added`` vectors inserted."""
        index = _faiss().clone_index(self.index)
        keys = dict(self.keys)
        if removed:
            index.remove_ids(np.asarray(removed, dtype=np.int64))
            for rowid in removed:
                keys.pop(rowid, None)
        if added:
            ids = np.asarray([rowid for rowid, _, _ in added], dtype=np.int64)
            index.add_with_ids(np.stack([vector for _, _, vector in added]), ids)
            keys.update((rowid, key) for rowid, key, _ in added)
        return VectorSnapshot(generation, index, keys)


class FaissCache:
    """Loads, builds and saves ``VectorSnapshot``s in a store directory."""

    def __init__(
        self,
        directory: Path,
        model_name: str,
        dim: int,
        policy: VectorIndexPolicy | None = None,
    ) -> None:
        self._directory = directory
        self._model_name = model_name
        self._dim = dim
        self.policy = policy or VectorIndexPolicy()
        self.saved_generation: int | None = None  # of the files, as last read or written here
        self._remove_stale_temp_files()

    @property
    def index_path(self) -> Path:
        return self._directory / FAISS_NAME

    @property
    def manifest_path(self) -> Path:
        return self._directory / MANIFEST_NAME

    def files(self) -> list[Path]:
        return [self.index_path, self.manifest_path]

    def build(
        self, generation: int, keys: Mapping[int, str], rows: Sequence[tuple[int, bytes]]
    ) -> VectorSnapshot:
        """A snapshot from the database's ``(chunk rowid, float32 blob)`` rows."""
        if {rowid for rowid, _ in rows} != set(keys):
            raise IndexCorruptError("the database's chunks and vectors do not match")
        ids, matrix = self._matrix(rows)
        index = vector_index.build(self._dim, matrix, ids, self.policy)
        return VectorSnapshot(generation, index, dict(keys))

    def catch_up(
        self, snapshot: VectorSnapshot, generation: int, keys: Mapping[int, str], fetch: Fetch
    ) -> VectorSnapshot:
        """``snapshot`` (an earlier generation) brought to ``generation``: chunk rowids are
        never reused, so the rowids it lacks are the chunks added since and the ones it has
        beyond ``keys`` the chunks removed since."""
        held = set(snapshot.keys)
        removed = sorted(held - set(keys))
        missing = sorted(set(keys) - held)
        rows = fetch(missing) if missing else []
        if [rowid for rowid, _ in rows] != missing:
            raise IndexCorruptError("the database's chunks and vectors do not match")
        ids, matrix = self._matrix(rows)
        added = [
            (int(rowid), keys[int(rowid)], vector)
            for rowid, vector in zip(ids, matrix, strict=True)
        ]
        logger.info(
            "bringing the vectors from generation %d to %d: %d added, %d removed",
            snapshot.generation,
            generation,
            len(added),
            len(removed),
        )
        return snapshot.apply(generation, removed, added)

    def _matrix(
        self, rows: Sequence[tuple[int, bytes]]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
        width = self._dim * 4
        if any(len(blob) != width for _, blob in rows):
            raise IndexCorruptError(f"a stored vector is not {self._dim} float32 numbers")
        matrix = np.frombuffer(b"".join(blob for _, blob in rows), dtype=np.float32)
        ids = np.asarray([rowid for rowid, _ in rows], dtype=np.int64)
        return ids, matrix.reshape(len(rows), self._dim)

    def load(self, generation: int, keys: Mapping[int, str], fetch: Fetch) -> VectorSnapshot | None:
        """The saved snapshot brought to ``generation``: as saved when it is at that generation,
        caught up when it is at an earlier one (the process stopped before its timed save);
        None when it is missing, damaged or the wrong kind of index (the caller rebuilds)."""
        if not self.index_path.exists():
            if keys:
                logger.warning("%s is missing; rebuilding it from the database", self.index_path)
            return None
        self.saved_generation = None  # until the files prove usable
        saved, problem = self._saved_generation(generation)
        index: Any = None
        if problem is None:
            try:
                raw = np.fromfile(self.index_path, dtype=np.uint8)
                index = _faiss().deserialize_index(raw)
            except (OSError, RuntimeError, ValueError) as e:
                problem = f"is unreadable ({e.__class__.__name__})"
        ids = None if index is None else vector_index.stored_ids(index)
        if index is not None and problem is None:
            problem = self._index_problem(index, ids, keys, exact=saved == generation)
        if index is not None and problem is None:
            if vector_index.needs_rebuild(index, len(keys), self.policy):
                problem = f"is a {vector_index.kind_of(index)} index, not the one for its size"
            else:
                vector_index.configure(index, self.policy)
        if problem is not None or ids is None:
            logger.warning("%s %s; rebuilding it from the database", self.index_path, problem)
            return None
        self.saved_generation = saved
        if saved == generation:
            return VectorSnapshot(generation, index, dict(keys))
        # The keys of chunks removed since are gone from the database; any text stands in
        # for them until ``catch_up`` drops them.
        held = {int(rowid): keys.get(int(rowid), "") for rowid in ids.tolist()}
        return self.catch_up(VectorSnapshot(saved, index, held), generation, keys, fetch)

    def _saved_generation(self, generation: int) -> tuple[int, str | None]:
        """The generation the files were saved at, or why they cannot be used."""
        try:
            manifest = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0, "has no readable manifest"
        if not isinstance(manifest, dict):
            return 0, "has a malformed manifest"
        if manifest.get("model_name") != self._model_name or manifest.get("dim") != self._dim:
            return 0, "was built for another model"
        saved = manifest.get("generation")
        if not isinstance(saved, int) or isinstance(saved, bool) or saved > generation:
            return 0, f"is at generation {saved}, the database at {generation}"
        return saved, None

    def _index_problem(
        self,
        index: Any,
        ids: npt.NDArray[np.int64] | None,
        keys: Mapping[int, str],
        *,
        exact: bool,
    ) -> str | None:
        if ids is None or int(index.d) != self._dim:
            return "is not an ID-keyed index of the configured dimension"
        if exact and (len(ids) != len(keys) or set(ids.tolist()) != set(keys)):
            return "holds other chunks than the database"
        return None

    def save(self, snapshot: VectorSnapshot) -> bool:
        """Write the index, then its manifest. Failures are logged: the cache is rebuildable."""
        manifest = {
            "generation": snapshot.generation,
            "model_name": self._model_name,
            "dim": self._dim,
            "count": len(snapshot.keys),
        }
        try:
            data = _faiss().serialize_index(snapshot.index)
            atomic_write(self.index_path, data.tobytes())
            atomic_write(self.manifest_path, json.dumps(manifest).encode())
            self.saved_generation = snapshot.generation
        except (OSError, RuntimeError):
            logger.exception("could not save %s; it will be rebuilt on next open", self.index_path)
            return False
        return True

    def _remove_stale_temp_files(self) -> None:
        """Temp files left by a crash mid-save (old enough not to be another save in flight)."""
        now = time.time()
        for path in self._directory.glob(".vectors.*.tmp"):
            with contextlib.suppress(OSError):
                if now - path.stat().st_mtime > _STALE_TEMP_S:
                    path.unlink()


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so readers see the old or the new file, never a part."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
