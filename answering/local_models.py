"""Local model folders: checked, loaded offline once on first use, failures as ``ModelError``."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from index.errors import ModelError

logger = logging.getLogger(__name__)

T = TypeVar("T")


def check_model_folder(model_path: str, what: str) -> Path:
    """The model folder as a ``Path``; ``ModelError`` when it is not a model folder."""
    if not model_path:
        raise ModelError(f"no {what} model folder is configured")
    path = Path(model_path).expanduser()
    if not path.is_dir():
        raise ModelError(f"{what} model folder {model_path!r} does not exist")
    if not (path / "config.json").is_file():
        raise ModelError(f"{what} model folder {model_path!r} has no config.json")
    return path


def load_folder(model_path: str, what: str, name: str, load: Callable[[Path], T]) -> T:
    """``load`` over the checked folder (of a ``what`` model), with transformers' progress
    bars off (they would interleave with the log); any failure is a ``ModelError`` naming
    the model as ``name``."""
    path = check_model_folder(model_path, what)
    logger.info("loading %s model %s", what, path)
    try:
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        return load(path)
    except Exception as e:
        raise ModelError(f"cannot load {name} {model_path!r}: {e}") from e


class Once(Generic[T]):
    """A value made on first use and kept, under a lock: the bot's threads may ask at once,
    and a model is loaded only once."""

    def __init__(self, make: Callable[[], T]) -> None:
        self._make = make
        self._lock = threading.Lock()
        self._value: T | None = None

    def get(self) -> T:
        with self._lock:
            if self._value is None:
                self._value = self._make()
            return self._value
