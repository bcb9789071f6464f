"""The subcommands of ``newsbot``, one module per command group."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.commands.base import Command


def built_in() -> dict[str, Command]:
    """The subcommands newsbot itself has, by name (imported when the CLI starts, not before)."""
    from bot.commands import ask, evaluate, feedback, feeds, ingest, models, run

    return {
        "run": run.COMMAND,
        "ingest": ingest.COMMAND,
        "ask": ask.ASK,
        "eval": evaluate.COMMAND,
        "sources": ask.SOURCES,
        "feeds": feeds.COMMAND,
        "feedback": feedback.COMMAND,
        "models": models.COMMAND,
    }
