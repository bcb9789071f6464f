"""What a ``newsbot`` subcommand is: its arguments, and what it does with them."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeAlias

from bot.config.settings import Settings

SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class Command(Protocol):
    """A subcommand of ``newsbot``, built in or from another package's entry point."""

    def add_parser(self, sub: SubParsers) -> None:
        """Add the subcommand with its arguments to ``sub``."""
        ...

    def run(self, args: argparse.Namespace, settings: Settings) -> int:
        """Run it; the exit status."""
        ...


@dataclass(frozen=True, slots=True)
class BareCommand:
    """A subcommand with no arguments of its own: ``action(settings)`` gives its exit status."""

    name: str
    help: str
    action: Callable[[Settings], int]

    def add_parser(self, sub: SubParsers) -> None:
        sub.add_parser(self.name, help=self.help)

    def run(self, args: argparse.Namespace, settings: Settings) -> int:
        return self.action(settings)
