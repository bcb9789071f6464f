"""Any sentence-transformers model folder, run by sentence-transformers (prompts, dense layers
after pooling and other pooling modes included)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from index.embedding.backend import RunOptions, TokenStates, normalized
from index.embedding.base import EmbedKind
from index.errors import ModelError

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer


class SentenceTransformersBackend:
    def __init__(self, folder: Path, run: RunOptions) -> None:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        model = SentenceTransformer(str(folder), device=run.device, local_files_only=True)
        if model.max_seq_length and model.max_seq_length > run.max_seq_length:
            model.max_seq_length = run.max_seq_length  # CPU: long inputs cost quadratically
        if run.int8:
            from index.embedding.quantize import quantized

            model = quantized(model)
        get_dim = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if dim is None:
            raise ModelError(f"the model in {folder} does not declare its dimension")
        self._dim = int(dim)
        self._model = model
        self._batch_size = run.batch_size
        self._after = _after_mean_pooling(model)

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def poolable(self) -> bool:
        return self._after is not None

    def _prompt(self, kind: EmbedKind) -> str:
        prompts = getattr(self._model, "prompts", None) or {}
        return str(prompts.get(kind) or "")

    def embed(self, texts: Sequence[str], kind: EmbedKind) -> npt.NDArray[np.float32]:
        vectors = self._model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
            prompt_name=kind if self._prompt(kind) else None,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def token_states(self, texts: Sequence[str], kind: EmbedKind) -> list[TokenStates | None]:
        model = self._model
        prompt = self._prompt(kind)
        tokens = model.encode(
            list(texts),
            batch_size=self._batch_size,
            output_value="token_embeddings",
            show_progress_bar=False,
            prompt_name=kind if prompt else None,
        )
        limit = model.max_seq_length
        offsets = model.tokenizer(
            [prompt + text for text in texts],
            return_offsets_mapping=True,
            truncation=True,
            max_length=limit,
        )["offset_mapping"]
        out: list[TokenStates | None] = []
        for encoded, offset in zip(tokens, offsets, strict=True):
            matrix = encoded.float().cpu().numpy()
            if len(offset) != len(matrix):  # another tokenisation than the model's
                out.append(None)
                continue
            cut = len(offset) >= (limit or len(offset))  # (the tokenizer may have cut it)
            out.append(TokenStates(matrix, offset, len(prompt), cut))
        return out

    def finish(self, means: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        if self._after is None:
            raise ModelError("the model does not pool by the mean of its tokens")
        import torch

        features: dict[str, Any] = {"sentence_embedding": torch.from_numpy(means)}
        with torch.inference_mode():
            for module in self._after:
                features = module(features)
        return normalized(features["sentence_embedding"].float().cpu().numpy())

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        ids = self._model.tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [len(row) for row in ids]


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
