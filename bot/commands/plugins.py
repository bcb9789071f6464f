"""Subcommands that other installed packages add to ``newsbot`` (``newsbot train`` comes from
the training package), found through the ``newsbot.commands`` entry points, so that the bot
never imports them itself and runs without them.
"""

from __future__ import annotations

import logging
from importlib.metadata import entry_points

from bot.commands.base import Command

logger = logging.getLogger(__name__)

#: The entry point group a package names its ``newsbot`` subcommands in.
GROUP = "newsbot.commands"


def command_plugins() -> dict[str, Command]:
    """The installed subcommands by name; one that cannot be loaded is left out, and logged."""
    plugins: dict[str, Command] = {}
    for point in entry_points(group=GROUP):
        try:
            plugins[point.name] = point.load()
        except ImportError as e:  # (e.g. the training extras are not installed)
            logger.warning("newsbot %s is not available: %s", point.name, e)
    return plugins
