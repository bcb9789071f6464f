"""``newsbot feedback ...``: what users said about the answers (their 👍 / 👎 votes).

newsbot feedback export FILE.jsonl   the votes as a question set for ``newsbot eval``
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.commands.base import SubParsers
from bot.config.settings import Settings
from bot.feedback import FeedbackStore, StoredVote, feedback_path
from bot.feedback_export import export_votes


def feedback_export(settings: Settings, file: Path) -> int:
    """Write the votes in ``settings.data_dir`` to ``file`` (replaced atomically): a line per
    question and answer, an expected answer where 👍 outnumber 👎, else a question to review."""
    path = feedback_path(settings.data_dir)
    votes: list[StoredVote] = []
    if path.exists():  # (no file yet: no votes, and nothing to create)
        store = FeedbackStore(path)
        try:
            votes = store.votes()
        finally:
            store.close()
    done = export_votes(votes, file)
    print(
        f"wrote {done.expected + done.review} questions to {file}: "
        f"{done.expected} with an expected answer, {done.review} to review "
        f"(from {len(votes)} votes)"
    )
    return 0


class FeedbackCommand:
    """``newsbot feedback export FILE.jsonl``."""

    def add_parser(self, sub: SubParsers) -> None:
        feedback = sub.add_parser("feedback", help="users' votes on answers")
        feedback_sub = feedback.add_subparsers(dest="feedback_command", required=True)
        export = feedback_sub.add_parser(
            "export", help="write the votes as a question set (JSON Lines) that eval reads"
        )
        export.add_argument("file", type=Path)

    def run(self, args: argparse.Namespace, settings: Settings) -> int:
        return feedback_export(settings, args.file)


COMMAND = FeedbackCommand()
