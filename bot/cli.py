"""The ``newsbot`` command: builds Settings, models, store and answerer, and runs a subcommand.

newsbot [run]                 the Telegram bot if a token is set, else the console chat
newsbot ingest PATH|URL...    add article files or folders, or web articles
newsbot ask QUESTION [--json] one answer ("-" reads one question per line from stdin)
newsbot eval FILE [--corpus DIR]
newsbot sources               the indexed articles, newest first
newsbot feeds add|list|remove|poll   RSS/Atom feeds (poll: every feed once, for cron)
newsbot feedback export FILE.jsonl   users' votes as a question set for eval
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.commands import built_in
from bot.commands.base import Command
from bot.commands.plugins import command_plugins
from bot.config.settings import Settings

logger = logging.getLogger(__name__)

#: Commands that log their progress at INFO by default; the others stay quiet but for warnings.
_CHATTY = ("ingest", "train")


def all_commands() -> dict[str, Command]:
    """The built-in subcommands and those installed packages add, by name."""
    return {**built_in(), **command_plugins()}


def _parser(commands: Mapping[str, Command] | None = None) -> argparse.ArgumentParser:
    commands = all_commands() if commands is None else commands
    parser = argparse.ArgumentParser(prog="newsbot", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="data directory (index and database)")
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    sub = parser.add_subparsers(dest="command")
    for command in commands.values():
        command.add_parser(sub)
    return parser


def _settings(args: argparse.Namespace) -> Settings | None:
    """Settings from the environment and ``.env``, with the command line's overrides; None
    (and the problems on stderr) when they are invalid."""
    overrides: dict[str, object] = {}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    if args.log_level is not None:
        overrides["log_level"] = args.log_level
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()
        )
        print(f"newsbot: invalid settings: {problems}", file=sys.stderr)
        return None


def _configure_logging(command: str, settings: Settings) -> str:
    """Logging on stderr, with the token redacted; the level it chose."""
    from bot.logging_setup import configure_logging

    token = settings.telegram.token.get_secret_value() if settings.telegram.token else ""
    interactive = command == "run" and token
    level = settings.log_level or ("INFO" if interactive or command in _CHATTY else "WARNING")
    configure_logging(level, secrets=[token])
    return level


def main(argv: Sequence[str] | None = None) -> int:
    commands = all_commands()
    args = _parser(commands).parse_args(argv)
    settings = _settings(args)
    if settings is None:
        return 2
    name = args.command or "run"
    level = _configure_logging(name, settings)
    from index.errors import NewsBotError

    try:
        return commands[name].run(args, settings)
    except NewsBotError as e:
        logger.error("%s", e, exc_info=level == "DEBUG")
        print(f"newsbot: {e.user_message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
