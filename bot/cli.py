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
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from pydantic import ValidationError

from bot.cli_plugins import command_plugins
from bot.settings import Settings

logger = logging.getLogger(__name__)


def _interval(text: str) -> float:
    from index.feeds.registry import MIN_INTERVAL_S

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not value >= MIN_INTERVAL_S:
        raise argparse.ArgumentTypeError(f"at least {MIN_INTERVAL_S:g} seconds")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="newsbot", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="data directory (index and database)")
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    sub = parser.add_subparsers(dest="command")
    sub.add_parser("run", help="the Telegram bot, or the console chat without a token")
    ingest = sub.add_parser("ingest", help="add article files or folders, or web articles")
    ingest.add_argument("paths", nargs="+", metavar="PATH_OR_URL", help="a file, folder or URL")
    ask = sub.add_parser("ask", help="answer one question ('-' reads questions from stdin)")
    ask.add_argument("question")
    ask.add_argument("--json", action="store_true", help="print a JSON object per answer")
    ev = sub.add_parser("eval", help="run a question set (JSON Lines) and print the figures")
    ev.add_argument("file", type=Path)
    ev.add_argument("--corpus", type=Path, help="index this folder of articles (cached)")
    ev.add_argument("--failures", action="store_true", help="list the questions it got wrong")
    ev.add_argument("--limit", type=int, help="SQuAD (.json): ask this many, drawn at random")
    ev.add_argument("--seed", type=int, default=0, help="SQuAD: the seed of that draw")
    ev.add_argument(
        "--all-articles", action="store_true", help="SQuAD: index every article, not only the 12"
    )
    sub.add_parser("sources", help="list the indexed articles, newest first")
    feeds = sub.add_parser("feeds", help="RSS and Atom feeds: add, list, remove, poll")
    feeds_sub = feeds.add_subparsers(dest="feeds_command", required=True)
    feed_add = feeds_sub.add_parser("add", help="subscribe to a feed")
    feed_add.add_argument("url")
    feed_add.add_argument(
        "--interval", type=_interval, metavar="SECONDS", help="poll interval (default: settings)"
    )
    feeds_sub.add_parser("list", help="the feeds, their last poll and errors")
    feed_remove = feeds_sub.add_parser("remove", help="unsubscribe from a feed")
    feed_remove.add_argument("id", type=int)
    feeds_sub.add_parser("poll", help="poll every feed once and exit (for cron)")
    feedback = sub.add_parser("feedback", help="users' votes on answers")
    feedback_sub = feedback.add_subparsers(dest="feedback_command", required=True)
    export = feedback_sub.add_parser(
        "export", help="write the votes as a question set (JSON Lines) that eval reads"
    )
    export.add_argument("file", type=Path)
    models = sub.add_parser("models", help="list or install optional models")
    models_sub = models.add_subparsers(dest="models_command", required=True)
    models_sub.add_parser("list", help="the installable models and where they are installed")
    install = models_sub.add_parser("install", help="download, verify and install a model")
    install.add_argument("which", choices=["multilingual"])
    install.add_argument("--force", action="store_true", help="reinstall even if verified")
    for plugin in command_plugins().values():
        plugin.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    overrides: dict[str, object] = {}
    if args.data_dir is not None:
        overrides["data_dir"] = args.data_dir
    if args.log_level is not None:
        overrides["log_level"] = args.log_level
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as e:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in e.errors()
        )
        print(f"newsbot: invalid settings: {problems}", file=sys.stderr)
        return 2
    from bot.logging_setup import configure_logging

    token = settings.telegram.token.get_secret_value() if settings.telegram.token else ""
    interactive = args.command in (None, "run") and token
    level = settings.log_level or (
        "INFO" if interactive or args.command in ("ingest", "train") else "WARNING"
    )
    configure_logging(level, secrets=[token])
    from bot import commands
    from index.errors import NewsBotError

    try:
        match args.command:
            case None | "run":
                return commands.run(settings)
            case "ingest":
                return commands.ingest(settings, args.paths)
            case "ask":
                return commands.ask(settings, args.question, as_json=args.json)
            case "eval" if args.file.suffix.lower() == ".json":
                from bot.evaluation_squad import evaluate_squad

                return evaluate_squad(
                    settings,
                    args.file,
                    limit=args.limit,
                    seed=args.seed,
                    all_articles=args.all_articles,
                )
            case "eval":
                return commands.evaluate(
                    settings, args.file, corpus=args.corpus, show_failures=args.failures
                )
            case "sources":
                return commands.sources(settings)
            case "feeds":
                from bot import commands_feeds

                match args.feeds_command:
                    case "add":
                        return commands_feeds.feeds_add(
                            settings, args.url, interval_s=args.interval
                        )
                    case "list":
                        return commands_feeds.feeds_list(settings)
                    case "remove":
                        return commands_feeds.feeds_remove(settings, args.id)
                    case "poll":
                        return commands_feeds.feeds_poll(settings)
            case "feedback":
                from bot.commands_feedback import feedback_export

                return feedback_export(settings, args.file)
            case name if name in (plugins := command_plugins()):
                return plugins[name].run(args, settings)
            case "models":
                from bot.commands_models import models_install, models_list

                if args.models_command == "install":
                    return models_install(settings, args.which, force=args.force)
                return models_list(settings)
    except NewsBotError as e:
        logger.error("%s", e, exc_info=level == "DEBUG")
        print(f"newsbot: {e.user_message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    print(json.dumps({"error": f"unknown command {args.command}"}), file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
