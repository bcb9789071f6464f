"""Which FAISS index holds the vectors, chosen by their number.

Below ``ivf_threshold`` vectors, exact search over a flat index is fast enough (about 1 ms per
10k vectors on one core) and needs no training. Above it, an inverted-file index with 8-bit
scalar quantisation (``IVF{nlist},SQ8``) keeps a million 384-dimension vectors in about 0.4 GB
instead of 1.5 GB and searches ``nprobe`` of its ``nlist`` lists instead of all vectors; its
recall against exact search is measured by ``bench.search_scale``. Both are wrapped in
``IDMap2`` so vectors are keyed by chunk rowid. Pure functions over FAISS objects.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

logger = logging.getLogger(__name__)

Kind = Literal["flat", "ivf"]


def _faiss() -> Any:
    import faiss

    return faiss


@dataclass(frozen=True, slots=True)
class VectorIndexPolicy:
    """How the index is chosen (from ``Settings.search``)."""

    ivf_threshold: int = 100_000  # vectors from which the IVF index is used
    nprobe: int = 48  # lists searched per query in the IVF index
    train_per_list: int = 64  # training vectors per list (k-means sample)
    seed: int = 0


def plan(count: int, policy: VectorIndexPolicy) -> tuple[Kind, int]:
    """The kind of index for ``count`` vectors and its number of lists (0 for flat)."""
    if count < policy.ivf_threshold:
        return "flat", 0
    nlist = 2 ** round(math.log2(4 * math.sqrt(count)))  # about 4·sqrt(n), a power of two
    return "ivf", int(nlist)


def kind_of(index: Any) -> Kind:
    """The kind of an index built here."""
    return "ivf" if _faiss().try_extract_index_ivf(index) is not None else "flat"


def stored_ids(index: Any) -> npt.NDArray[np.int64] | None:
    """The ids of the vectors in an index built here (None for any other index)."""
    faiss = _faiss()
    if isinstance(index, faiss.IndexIDMap2):
        return np.asarray(faiss.vector_to_array(index.id_map), dtype=np.int64)
    if isinstance(index, faiss.IndexIVF):
        lists = index.invlists
        parts = [
            faiss.rev_swig_ptr(lists.get_ids(i), lists.list_size(i)).copy()
            for i in range(index.nlist)
            if lists.list_size(i)
        ]
        return np.concatenate(parts).astype(np.int64) if parts else np.zeros(0, np.int64)
    return None


def needs_rebuild(index: Any, count: int, policy: VectorIndexPolicy) -> bool:
    """Whether an index should be rebuilt for ``count`` vectors: a flat one that grew past the
    threshold, an IVF one that shrank below half of it (hysteresis) or outgrew its lists
    fourfold."""
    if kind_of(index) == "flat":
        return count >= policy.ivf_threshold
    if count < policy.ivf_threshold // 2:
        return True
    ivf = _faiss().extract_index_ivf(index)
    return plan(count, policy)[1] >= 4 * int(ivf.nlist)


def configure(index: Any, policy: VectorIndexPolicy) -> Any:
    """Set the search parameters (``nprobe``) of a built or loaded index; returns it."""
    ivf = _faiss().try_extract_index_ivf(index)
    if ivf is not None:
        ivf.nprobe = min(policy.nprobe, int(ivf.nlist))
    return index


def build(
    dim: int,
    vectors: npt.NDArray[np.float32],
    ids: npt.NDArray[np.int64],
    policy: VectorIndexPolicy,
) -> Any:
    """An index over ``vectors`` (unit rows, inner product) keyed by ``ids``."""
    faiss = _faiss()
    kind, nlist = plan(len(vectors), policy)
    if kind == "flat":
        index = faiss.IndexIDMap2(faiss.IndexFlatIP(dim))
    else:
        index = faiss.index_factory(dim, f"IVF{nlist},SQ8", faiss.METRIC_INNER_PRODUCT)
        index.set_direct_map_type(faiss.DirectMap.Hashtable)
        sample = min(len(vectors), nlist * policy.train_per_list)
        rng = np.random.default_rng(policy.seed)
        rows = np.sort(rng.choice(len(vectors), size=sample, replace=False))
        logger.info("training an IVF%d,SQ8 index on %d of %d vectors", nlist, sample, len(vectors))
        index.train(np.ascontiguousarray(vectors[rows]))
    if len(vectors):
        index.add_with_ids(vectors, ids)
    return configure(index, policy)
