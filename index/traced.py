"""TorchScript copies of the models a first answer runs, cached on disk.

Building a model with transformers imports about two seconds of Python (the model classes pull
in torch's compiler and distributed packages) before a single weight is read; a traced copy
loads with torch alone in a tenth of a second and runs the same operations, so it gives the
same numbers (checked on a second input before the copy is saved). The copy is keyed by what
it was traced from, including the torch and transformers versions, and is rebuilt when any of
them changes or the file cannot be loaded. Anything that goes wrong falls back to the eager
model: a cold start gets slower, never wrong.

TorchScript is in maintenance in torch (``torch.jit`` warns that it is deprecated in favour of
``torch.export``, whose loading imports the compiler stack this module exists to avoid); the
warnings are silenced here and the fallback covers its eventual removal.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

TRACED_DIR = "traced"


@dataclass(frozen=True, slots=True)
class Traceable:
    """An eager module that maps token tensors to tensors, and two inputs of other shapes:
    one to trace with, one to check the traced copy on."""

    module: Any
    example: tuple[Any, ...]
    check: tuple[Any, ...]


def traced_path(directory: Path, role: str, *identity: str) -> Path:
    """Where the traced copy of the model described by ``identity`` lives in ``directory``:
    ``<role>-<digest of identity>-<digest of the torch and transformers versions>.pt``."""
    versions = [_version("torch"), _version("transformers")]
    return directory / f"{role}-{_digest(identity)}-{_digest(versions)}.pt"


def _digest(parts: Sequence[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:12]


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Without torch.jit's deprecation notices and the tracer's notes on Python branches
    (checked instead by running the copy on inputs of other shapes)."""
    from torch.jit._trace import TracerWarning

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"torch\.jit")
        warnings.filterwarnings("ignore", category=TracerWarning)
        yield


def _version(package: str) -> str:
    try:
        return f"{package} {metadata.version(package)}"
    except metadata.PackageNotFoundError:
        return f"{package} absent"


def load_traced(path: Path | None, build: Callable[[], Traceable]) -> Any:
    """The traced module saved at ``path``; else the eager one ``build`` makes, traced and
    saved there when the copy checks out (``path`` None: the eager module, untraced)."""
    import torch

    if path is not None and path.is_file():
        try:
            with _quiet():
                module = torch.jit.load(str(path), map_location="cpu")  # type: ignore[no-untyped-call]
            logger.debug("loaded the traced model %s", path)
            return module.eval()
        except (RuntimeError, OSError, ValueError) as e:
            logger.warning("cannot load the traced model %s (%s); tracing it again", path, e)
    made = build()
    if path is None:
        return made.module
    try:
        traced = _trace(made)
        _save(traced, path)
    except (RuntimeError, OSError, ValueError, TypeError) as e:
        logger.warning("cannot trace the model for %s (%s); running it untraced", path, e)
        return made.module
    return traced


def _trace(made: Traceable) -> Any:
    import torch

    with torch.inference_mode(), _quiet():
        traced = torch.jit.trace(  # type: ignore[no-untyped-call]
            made.module, made.example, check_trace=False, strict=False
        )
        expected, got = made.module(*made.check), traced(*made.check)
    if not _same(expected, got):
        raise ValueError("the traced model computes other numbers than the eager one")
    return traced


def _same(expected: Any, got: Any) -> bool:
    import torch

    if isinstance(expected, torch.Tensor):
        return (
            isinstance(got, torch.Tensor)
            and expected.shape == got.shape
            and bool(torch.allclose(expected, got, rtol=1e-4, atol=1e-5))
        )
    if isinstance(expected, Sequence) and isinstance(got, Sequence):
        return len(expected) == len(got) and all(
            _same(a, b) for a, b in zip(expected, got, strict=True)
        )
    return False


def _save(traced: Any, path: Path) -> None:
    """Atomically: a concurrent start loads the old file or the new one, never a part."""
    import torch

    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=".traced.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        with _quiet():
            torch.jit.save(traced, str(tmp))
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    logger.info("saved a traced copy of the model to %s", path)
    # Copies of the same model traced under other torch or transformers versions.
    same_model = path.name.rsplit("-", 1)[0]
    for old in path.parent.glob(f"{same_model}-*.pt"):
        if old != path:
            old.unlink(missing_ok=True)
