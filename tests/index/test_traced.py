"""``index.traced``: traced copies are saved once, reused, checked against the eager module,
and replace the copies of the same model traced under other library versions."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import torch

from index.traced import Traceable, load_traced, traced_path


class _Scale(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * 2 + 1


class _Branchy(torch.nn.Module):
    """Takes a Python branch on its input: a trace bakes in the branch of the example."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * 2 if x.shape[1] < 4 else x - 1


def _made(module: Any, calls: list[int]) -> Traceable:
    calls.append(1)
    return Traceable(module, (torch.ones(1, 2),), (torch.arange(12.0).reshape(2, 6),))


def test_a_copy_is_traced_once_then_loaded(tmp_path: Path) -> None:
    path = traced_path(tmp_path, "scale", "v1")
    calls: list[int] = []
    first = load_traced(path, lambda: _made(_Scale(), calls))
    again = load_traced(path, lambda: _made(_Scale(), calls))
    x = torch.randn(3, 5)
    assert calls == [1]  # the second load built nothing
    assert isinstance(again, torch.jit.ScriptModule)
    assert torch.equal(first(x), _Scale()(x)) and torch.equal(again(x), _Scale()(x))


def test_a_copy_that_computes_other_numbers_is_not_used(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = traced_path(tmp_path, "branchy", "v1")
    with caplog.at_level(logging.WARNING):
        module = load_traced(path, lambda: _made(_Branchy(), []))
    assert isinstance(module, _Branchy)  # the eager module
    assert not path.exists()
    assert "running it untraced" in caplog.text


def test_without_a_path_the_eager_module_runs(tmp_path: Path) -> None:
    module = load_traced(None, lambda: _made(_Scale(), []))
    assert isinstance(module, _Scale)
    assert not any(tmp_path.iterdir())


def test_a_new_copy_replaces_those_of_other_library_versions(tmp_path: Path) -> None:
    path = traced_path(tmp_path, "scale", "v1")
    stale = path.with_name(path.name.rsplit("-", 1)[0] + "-000000000000.pt")
    stale.write_bytes(b"traced under older torch")
    other_model = traced_path(tmp_path, "scale", "v2")
    other_model.write_bytes(b"another model's copy")
    load_traced(path, lambda: _made(_Scale(), []))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([path.name, other_model.name])
