"""The base of every nested settings group, and the field of a share between 0 and 1."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Group(BaseModel):
    """A nested settings group of ``Settings`` (``NEWSBOT_<GROUP>__<FIELD>``): unknown keys are
    an error, not silently ignored; the docstring under each field is its description."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


def fraction(default: float) -> Any:
    """A field for a share, a probability or a score between 0 and 1."""
    return Field(default=default, ge=0.0, le=1.0)
