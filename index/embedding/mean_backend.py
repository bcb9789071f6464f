"""A mean-pooling model run with plain transformers: tokenizer, encoder, masked mean, L2 norm.

Used for model folders whose sentence-transformers pipeline is exactly that (modules:
Transformer, mean Pooling, optional Normalize; no prompts), such as the packaged MiniLM. The
vectors are those sentence-transformers computes (a test checks it).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from index.embedding.backend import RunOptions, TokenStates, normalized
from index.embedding.base import EmbedKind
from index.traced import Traceable, load_traced

logger = logging.getLogger(__name__)

_PLAIN_MODULES = (
    ["sentence_transformers.models.Transformer", "sentence_transformers.models.Pooling"],
    [
        "sentence_transformers.models.Transformer",
        "sentence_transformers.models.Pooling",
        "sentence_transformers.models.Normalize",
    ],
)


def _json(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    return data if isinstance(data, dict) else {}


def is_mean_pooling_folder(folder: Path) -> bool:
    """Whether the folder's pipeline is a transformer, a mean over its tokens and at most a
    normalisation, with no prompts."""
    try:
        modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
        types = [m["type"] for m in modules]
        pooling = _json(folder / str(modules[1]["path"]) / "config.json")
        prompts = _json(folder / "config_sentence_transformers.json").get("prompts") or {}
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return False
    modes = {k: v for k, v in pooling.items() if k.startswith("pooling_mode")}
    mean_only = modes.get("pooling_mode_mean_tokens") is True and not any(
        v for k, v in modes.items() if k != "pooling_mode_mean_tokens"
    )
    mean_only = mean_only or pooling.get("pooling_mode") == "mean"
    return types in _PLAIN_MODULES and mean_only and not any(prompts.values())


class MeanPoolingBackend:
    """The model in ``folder``, run as ``run`` says (inputs cut at its ``max_seq_length`` tokens
    or the model's own limit, if lower). With
    ``traced`` (a file path) the model runs as a traced copy saved there (``index.traced``),
    which a later start loads without building it in transformers."""

    poolable = True

    def __init__(self, folder: Path, run: RunOptions, *, traced: Path | None = None) -> None:
        import torch
        from transformers import AutoTokenizer

        self._torch = torch
        self._tokenizer: Any = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        self._names = list(self._tokenizer.model_input_names)
        config = _json(folder / "config.json")
        traced = traced if run.device == "cpu" else None
        self._model = load_traced(traced, lambda: self._traceable(folder, run.int8)).to(run.device)
        self._device = run.device
        declared = _json(folder / "sentence_bert_config.json").get("max_seq_length")
        limit = int(declared) if declared else int(self._tokenizer.model_max_length)
        self._max_length = min(limit, run.max_seq_length)
        self._batch_size = run.batch_size
        self._dim = int(config["hidden_size"])

    def _traceable(self, folder: Path, int8: bool) -> Traceable:
        from transformers import AutoModel
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        model: Any = AutoModel.from_pretrained(str(folder), local_files_only=True)
        model.eval()
        if int8:
            from index.embedding.quantize import quantized

            model = quantized(model)
        module = hidden_states_module(model, self._names)

        def inputs(texts: list[str]) -> tuple[Any, ...]:
            batch = self._tokenizer(texts, padding=True, return_tensors="pt")
            return tuple(batch[name] for name in self._names)

        return Traceable(
            module,
            inputs(["warm up", "a second text, longer than the first"]),
            inputs(["one", "three texts of other lengths", "and a third " * 20]),
        )

    @property
    def dim(self) -> int:
        return self._dim

    @property
    def max_tokens(self) -> int:
        return self._max_length

    def _batches(self, texts: Sequence[str]) -> list[list[int]]:
        """Indexes of ``texts``, longest first, in batches (less padding per batch)."""
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        size = self._batch_size
        return [order[i : i + size] for i in range(0, len(order), size)]

    def _encode(self, texts: Sequence[str], offsets: bool) -> tuple[Any, Any, Any]:
        batch = self._tokenizer(
            list(texts),
            padding=True,
            truncation=True,
            max_length=self._max_length,
            return_tensors="pt",
            return_offsets_mapping=offsets,
        )
        spans = batch.pop("offset_mapping", None)
        batch = {k: v.to(self._device) for k, v in batch.items()}
        with self._torch.inference_mode():
            states = self._model(*(batch[name] for name in self._names))
        return states, batch["attention_mask"], spans

    def embed(self, texts: Sequence[str], kind: EmbedKind) -> npt.NDArray[np.float32]:
        out = np.zeros((len(texts), self._dim), dtype=np.float32)
        for rows in self._batches(texts):
            states, mask, _ = self._encode([texts[i] for i in rows], offsets=False)
            weights = mask.unsqueeze(-1).to(states.dtype)
            means = (states * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            out[rows] = means.float().cpu().numpy()
        return normalized(out)

    def token_states(self, texts: Sequence[str], kind: EmbedKind) -> list[TokenStates | None]:
        out: list[TokenStates | None] = [None] * len(texts)
        for rows in self._batches(texts):
            states, mask, spans = self._encode([texts[i] for i in rows], offsets=True)
            lengths = mask.sum(1).tolist()
            matrix = states.float().cpu().numpy()
            for row, i in enumerate(rows):
                n = int(lengths[row])
                out[i] = TokenStates(
                    tokens=matrix[row, :n],
                    offsets=[(int(a), int(b)) for a, b in spans[row, :n].tolist()],
                    shift=0,
                    truncated=n >= self._max_length,
                )
        return out

    def finish(self, means: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
        return normalized(means)

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        ids = self._tokenizer(list(texts), add_special_tokens=False)["input_ids"]
        return [len(row) for row in ids]


def hidden_states_module(model: Any, names: Sequence[str]) -> Any:
    """``model`` as a module from the tokenizer's tensors (in ``names`` order) to its last
    hidden states: the plain signature tracing needs."""
    import torch

    class HiddenStates(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> torch.Tensor:
            inputs = dict(zip(names, tensors, strict=True))
            return self.model(**inputs, return_dict=False)[0]  # type: ignore[no-any-return]

    return HiddenStates().eval()
