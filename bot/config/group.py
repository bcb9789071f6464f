"""The base of every nested settings group: unknown keys are an error, not silently ignored."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Group(BaseModel):
    """A nested settings group of ``Settings`` (``NEWSBOT_<GROUP>__<FIELD>``)."""

    model_config = ConfigDict(extra="forbid")
