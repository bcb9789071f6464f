"""Subcommands that other installed packages add to ``newsbot`` (``newsbot train`` comes from
the training package), found through the ``newsbot.commands`` entry points, so that the bot
never imports them itself and runs without them.
"""

from __future__ import annotations

import argparse
import logging
from importlib.metadata import entry_points
from typing import Protocol, TypeAlias

from bot.settings import Settings

logger = logging.getLogger(__name__)

#: The entry point group a package names its ``newsbot`` subcommands in.
GROUP = "newsbot.commands"

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class CommandPlugin(Protocol):
    """A subcommand: its arguments, and what it does with them."""

    def add_parser(self, sub: SubParsers) -> None:
        """Add the subcommand (named as its entry point) with its arguments to ``sub``."""
        ...

    def run(self, args: argparse.Namespace, settings: Settings) -> int:
        """Run it; the exit status."""
        ...


def command_plugins() -> dict[str, CommandPlugin]:
    """The installed subcommands by name; one that cannot be loaded is left out, and logged."""
    plugins: dict[str, CommandPlugin] = {}
    for point in entry_points(group=GROUP):
        try:
            plugins[point.name] = point.load()
        except ImportError as e:  # (e.g. the training extras are not installed)
            logger.warning("newsbot %s is not available: %s", point.name, e)
    return plugins
