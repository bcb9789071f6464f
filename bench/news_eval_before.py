"""The answers of an earlier revision of newsbot, for ``bench.news_eval --before REV``.

The revision is checked out into a temporary ``git worktree``; its own ``newsbot`` command runs
there in a subprocess with this interpreter (the project's virtual environment) and the
worktree as the working directory, so the worktree's packages import before the installed
ones. It ingests each corpus into a data directory of its own in the eval cache (kept between
runs, keyed by revision and corpus) and answers the questions with ``ask --json -``, one JSON
object per line; those become ``Answer``s again, to be scored as newsbot's are.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from answering.types import Answer, Quote
from bench.eval_table import restore_sentence_cache, snapshot_sentence_cache
from bot.index_folders import index_folders

logger = logging.getLogger(__name__)

REPO = Path(__file__).resolve().parent.parent
INGESTED = "ingested.ok"  # written once the revision's ingest of the corpus has finished


def _git(*args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(REPO), *args], check=True, capture_output=True, text=True
    )
    return done.stdout.strip()


@contextmanager
def worktree(rev: str) -> Iterator[tuple[str, Path]]:
    """The full commit id of ``rev`` and a temporary worktree of it, removed afterwards."""
    sha = _git("rev-parse", "--verify", f"{rev}^{{commit}}")
    with tempfile.TemporaryDirectory(prefix="newsbot-before-") as tmp:
        tree = Path(tmp) / "tree"
        _git("worktree", "add", "--detach", "--quiet", str(tree), sha)
        try:
            yield sha, tree
        finally:
            _git("worktree", "remove", "--force", str(tree))


def quote_of(obj: Mapping[str, Any]) -> Quote:
    date = obj.get("date")
    return Quote(
        article_id=str(obj["article_id"]),
        title=str(obj.get("title") or ""),
        date=dt.date.fromisoformat(date) if date else None,
        source=obj.get("source"),
        url=None,
        text=str(obj["text"]),
        start=int(obj["start"]),
        end=int(obj["end"]),
        answer=obj.get("answer"),
    )


def answer_of(question: str, obj: Mapping[str, Any]) -> Answer:
    """An ``Answer`` from one line of ``newsbot ask --json``; an error line is a decline."""
    if "error" in obj:
        return Answer(question, None)
    quotes = tuple(quote_of(q) for q in obj.get("quotes") or ())
    latency = float(obj.get("latency_ms") or 0.0)
    return Answer(question, obj.get("answer"), quotes=quotes, latency_ms=latency)


class Revision:
    """newsbot at an earlier revision, run from its worktree."""

    def __init__(self, sha: str, tree: Path, *, cache: Path, model_name: str, threads: int):
        self.sha = sha
        self.tree = tree
        self.cache = cache.resolve()
        self.model_name = model_name
        self.env = {**os.environ, "OMP_NUM_THREADS": str(threads), "HF_HUB_OFFLINE": "1"}
        self.env["MKL_NUM_THREADS"] = str(threads)
        self.env["TOKENIZERS_PARALLELISM"] = "false"
        self._check_imports()

    @property
    def label(self) -> str:
        return f"newsbot at {self.sha[:7]}"

    def _run(self, args: Sequence[str], stdin: str | None = None, *, ok: int = 0) -> str:
        """Its output; ``ok`` is a second exit status that is no failure."""
        done = subprocess.run(
            [sys.executable, *args],
            cwd=self.tree,
            env=self.env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode not in (0, ok):
            raise RuntimeError(f"{self.label}: {' '.join(args)} failed:\n{done.stderr[-2000:]}")
        return done.stdout

    def _check_imports(self) -> None:
        found = self._run(["-c", "import bot, index; print(bot.__file__); print(index.__file__)"])
        if any(not Path(line).is_relative_to(self.tree) for line in found.split()):
            raise RuntimeError(f"{self.label}: imports the installed packages:\n{found}")

    def data_dir(self, corpus_key: str) -> Path:
        """Its data directory for a corpus, ingested once (again if the last one broke off)."""
        return self.cache / f"before-{self.sha[:12]}-{corpus_key}"

    def built_with(self, data_dir: Path) -> str:
        """The model the revision's index in ``data_dir`` was built with (its default may not
        be today's: the English profile's embedder became int8 in issue 18)."""
        found = index_folders(data_dir)
        return found[0].summary.model_name if len(found) == 1 else self.model_name

    def ingest(self, corpus: Path, data_dir: Path) -> None:
        if (data_dir / INGESTED).exists():
            return
        data_dir.mkdir(parents=True, exist_ok=True)
        cli = ["-m", "bot.cli", "--data-dir", str(data_dir)]
        out = self._run([*cli, "ingest", str(corpus.resolve())])
        print(f"{self.label} ingested {corpus}: {out.strip().splitlines()[0]}")
        snapshot_sentence_cache(data_dir, self.built_with(data_dir))
        (data_dir / INGESTED).write_text(self.sha + "\n", encoding="utf-8")

    def answers(self, corpus: Path, corpus_key: str, questions: Sequence[str]) -> list[Answer]:
        """Its answers to ``questions`` (one line each) over ``corpus``."""
        if any("\n" in q or not q.strip() for q in questions):
            raise ValueError("questions must be single non-blank lines")
        data_dir = self.data_dir(corpus_key)
        self.ingest(corpus, data_dir)
        restore_sentence_cache(data_dir, self.built_with(data_dir))
        cli = ["-m", "bot.cli", "--data-dir", str(data_dir), "ask", "--json", "-"]
        # (exit status 2: some question was refused, answered with an error line)
        out = self._run(cli, stdin="".join(f"{q}\n" for q in questions), ok=2)
        rows = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
        if len(rows) != len(questions):
            raise RuntimeError(f"{self.label}: {len(rows)} answers to {len(questions)} questions")
        return [answer_of(q, row) for q, row in zip(questions, rows, strict=True)]
