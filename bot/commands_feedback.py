"""``newsbot feedback ...``: what users said about the answers (their 👍 / 👎 votes).

newsbot feedback export FILE.jsonl   the votes as a question set for ``newsbot eval``
"""

from __future__ import annotations

from pathlib import Path

from bot.feedback import FeedbackStore, StoredVote, feedback_path
from bot.feedback_export import export_votes
from bot.settings import Settings


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
