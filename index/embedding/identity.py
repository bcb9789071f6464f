"""What a model folder is, independent of where it lies: its name and a digest of its weights.

Indexes are named and checked by this identity, so a data directory (with its models) can move,
be restored from a backup or be mounted elsewhere and keep its index. Only the weight files are
digested: a README or config edit does not make a new model, new weights do.

The digest samples each weight file instead of reading it whole (the multilingual model is
1.2 GB, and this runs at every start): its size, its first MiB (a safetensors header lists
every tensor's name, dtype, shape and offset), its last MiB and evenly spaced windows between.
Two checkpoints that differ in any sampled byte or in layout get different identities; that is
the case for re-trained or fine-tuned weights, which change every tensor.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

WEIGHT_SUFFIXES = frozenset({".safetensors", ".bin", ".pt", ".pth", ".onnx", ".gguf", ".h5"})
_EDGE = 1 << 20
_WINDOW = 1 << 16
_WINDOWS = 32


def weight_files(folder: Path) -> list[Path]:
    """The folder's weight files (sub-folders included, hidden ones not), in a fixed order;
    every file when it has none of the known weight formats."""
    files = sorted(
        p
        for p in folder.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    weights = [p for p in files if p.suffix.lower() in WEIGHT_SUFFIXES]
    return weights or files


def _sample(path: Path, update: Callable[[bytes], None]) -> None:
    size = path.stat().st_size
    update(f"{size}\n".encode())
    with path.open("rb") as f:
        if size <= 2 * _EDGE + _WINDOWS * _WINDOW:
            update(f.read())
            return
        update(f.read(_EDGE))
        step = (size - 2 * _EDGE) // (_WINDOWS + 1)
        for n in range(1, _WINDOWS + 1):
            f.seek(_EDGE + n * step)
            update(f.read(_WINDOW))
        f.seek(size - _EDGE)
        update(f.read(_EDGE))


def weights_digest(folder: Path) -> str:
    """The sampled sha256 of the folder's weight files (hex); OSError if they cannot be read."""
    digest = hashlib.sha256()
    for path in weight_files(folder):
        digest.update(f"{path.relative_to(folder).as_posix()}\n".encode())
        _sample(path, digest.update)
    return digest.hexdigest()


def model_identity(folder: Path) -> str:
    """``<folder name>@<12 hex digits of the weights digest>``, e.g.
    ``embeddinggemma-300m@1f0c...``: the same wherever the folder lies."""
    resolved = folder.expanduser().resolve()
    return f"{resolved.name}@{weights_digest(resolved)[:12]}"
