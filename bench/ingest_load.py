"""Does the bot stay responsive while it ingests? Answer latency idle and during an ingest.

    python -m bench.ingest_load [--articles 1000] [--rounds 2]

Over a copy of the BBC index (the ``newsbot eval --corpus`` cache of
``../shared/eval/bbc/articles``), the bbc_dev questions are answered in a loop: first idle,
(after one unmeasured round, so both figures are for questions asked before), then
while a second thread ingests ``--articles`` new articles (SQuAD development paragraphs,
one article each: real text the bot has not seen) into the same store, as the bot's ingest
worker does for /add and feeds. Every committed batch changes the store, so answers during
the ingest also pay for refreshing the lexical index. Prints both latency figures, the
ingest's duration, and its throughput with and without questions being answered.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import threading
import time
from pathlib import Path

from bench.eval_table import SHARED, folder_components
from bot.config.settings import Settings
from bot.factory import build_components, configured_embedder, index_dir
from bot.policies import ingest_options
from evaluation import squad
from evaluation.stats import latency_figures
from index.documents.text import ParsedArticle
from index.ingest import ingest_articles
from index.types import IngestReport


def new_articles(count: int) -> list[tuple[str, ParsedArticle]]:
    docs, _ = squad.load_squad(SHARED / "squad" / "dev-v1.1.json")
    return [(doc.origin or doc.id, ParsedArticle(doc)) for doc in docs[:count]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=2, help="idle rounds over the questions")
    parser.add_argument("--data-dir", type=Path, default=Path("data"), help="holds the eval cache")
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir)
    embedder = configured_embedder(settings)
    _, cache = folder_components(settings, embedder, SHARED / "bbc" / "articles")
    questions = [gold.item.question for gold in squad.load_jsonl(SHARED / "bbc_dev.jsonl")]
    items = new_articles(args.articles)
    with tempfile.TemporaryDirectory() as tmp:
        source = index_dir(cache, embedder.name)
        target = index_dir(Path(tmp), embedder.name)
        shutil.copytree(source, target)
        comps = build_components(settings, embedder=embedder, data_dir=Path(tmp))
        comps.answerer.warm()
        before = len(comps.store)
        for q in questions:  # once unmeasured: later rounds, idle or busy, repeat questions
            comps.answerer.answer(q)
        idle = []
        for _ in range(args.rounds):
            for q in questions:
                started = time.perf_counter()
                comps.answerer.answer(q)
                idle.append((time.perf_counter() - started) * 1000)

        report = IngestReport()
        took: list[float] = []

        def ingest() -> None:
            started = time.perf_counter()
            ingest_articles(
                items,
                store=comps.store,
                embedder=comps.embedder,
                options=ingest_options(settings, progress=False),
                report=report,
                sentence_cache=comps.sentence_cache,
            )
            took.append(time.perf_counter() - started)

        worker = threading.Thread(target=ingest, name="ingest")
        worker.start()
        busy = []
        while worker.is_alive():
            for q in questions:
                if not worker.is_alive():
                    break
                started = time.perf_counter()
                comps.answerer.answer(q)
                busy.append((time.perf_counter() - started) * 1000)
        worker.join()
        added = len(comps.store) - before
    print(
        f"store: {before} chunks (BBC) + {added} chunks from {len(report.added)} new articles "
        f"ingested in {took[0]:.1f} s ({len(report.added) / took[0]:.1f} articles/s) "
        f"while answering"
    )
    print(f"answer latency idle:          {latency_figures(idle)}")
    print(f"answer latency during ingest: {latency_figures(busy)}")


if __name__ == "__main__":
    main()
