"""``newsbot train reranker|reader``: reproducible, seeded training runs (one
command each)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING

from answering.model_files import shipped_dir
from training.loop import Recipe
from training.steps import run_task

if TYPE_CHECKING:
    from bot.config.settings import Settings

logger = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    train = sub.add_parser(
        "train",
        help="train the shipped reranker or span reader (SQuAD training articles)",
    )
    train.add_argument("which", choices=["reranker", "reader"])
    train.add_argument(
        "--squad", type=Path, required=True, help="folder with dev-v1.1.json and dev-v2.0.json"
    )
    train.add_argument(
        "--out",
        type=Path,
        help="output folder (default: the shipped model's folder)",
    )
    train.add_argument("--limit", type=int, help="train on this many questions, drawn at random")
    train.add_argument("--epochs", type=float)
    train.add_argument("--batch-size", type=int)
    train.add_argument("--max-length", type=int)
    train.add_argument("--lr", type=float)
    train.add_argument("--seed", type=int)
    train.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")


def train_command(args: argparse.Namespace, settings: Settings) -> int:
    """Run the chosen training and print its figures as JSON."""
    from training import reader, reranker

    module = reranker if args.which == "reranker" else reader
    recipe: Recipe = module.RECIPE
    changes = {
        name: getattr(args, name)
        for name in ("epochs", "batch_size", "max_length", "lr", "seed", "threads")
        if getattr(args, name) is not None
    }
    recipe = dataclasses.replace(recipe, **changes)
    out = args.out or shipped_dir("rerank" if args.which == "reranker" else "span")
    meta = run_task(module.task(args.squad, recipe), args.squad, out, recipe, limit=args.limit)
    print(json.dumps({"out": str(out), **meta["figures"], "total_seconds": meta["total_seconds"]}))
    return 0


class TrainCommand:
    """``newsbot train``, as the ``newsbot.commands`` entry point ``train`` offers it."""

    def add_parser(self, sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        add_parser(sub)

    def run(self, args: argparse.Namespace, settings: Settings) -> int:
        return train_command(args, settings)


COMMAND = TrainCommand()
