"""Torch dynamic int8 quantisation of a model's linear layers (CPU inference)."""

from __future__ import annotations

import warnings
from typing import TypeVar

T = TypeVar("T")


def quantized(model: T) -> T:
    """``model`` with its ``nn.Linear`` layers in int8 (weights int8, activations quantised
    on the fly): about half the matrix work on CPU, vectors within rounding of the original."""
    import torch

    with warnings.catch_warnings():  # torch's notices that this API moves to torchao
        warnings.filterwarnings("ignore", message=".*quantiz")
        out: T = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
            model, {torch.nn.Linear}, dtype=torch.qint8
        )
    return out
