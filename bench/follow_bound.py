"""Choose the topic alerts' bound (``Settings.follow.min_score``) on the news development sets.

    python -m bench.follow_bound [--data-dir data] [--set uanews_dev]

Each answerable English question of the set stands for a followed topic; its gold article is
the article it should alert on, and every other article of the corpus one it should not
(an approximation: the war-news articles share many topics, so some of these "false"
alerts are fair). The configured embedder scores every question against every article with
``TopicMatcher``, one search per article as the bot does; for a grid of bounds the script
prints the share of gold articles that would alert (recall) and the share of other articles
that would (false alerts per article). The bound chosen is the lowest that keeps false alerts
at or under ``--max-false`` (1%), so recall is as high as that allows.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from bench.eval_table import SHARED, folder_components
from bot.config.settings import Settings
from bot.factory import configured_embedder
from evaluation.runner import doc_ids, gold_ids, load_items
from index.topic_match import TopicMatcher

GRID = tuple(round(0.20 + 0.025 * step, 3) for step in range(25))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--set", default="uanews_dev", choices=["uanews_dev", "bbc_dev"])
    parser.add_argument("--max-false", type=float, default=0.01)
    args = parser.parse_args(argv)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    if args.data_dir is not None:
        settings = settings.model_copy(update={"data_dir": args.data_dir})
    corpus = SHARED / args.set.removesuffix("_dev") / "articles"
    embedder = configured_embedder(settings)
    components, _ = folder_components(settings, embedder, corpus)
    items = load_items(SHARED / f"{args.set}.jsonl")
    ids = doc_ids(corpus, [i.doc for i in items if i.doc], max_bytes=settings.ingest.max_file_bytes)
    items = [i for i in gold_ids(items, ids) if i.gold_id and i.answerable and i.lang == "en"]
    articles = [a.id for a in components.store.articles()]
    matcher = TopicMatcher(components.store, components.embedder, min_score=-1.0)
    topics = [item.question for item in items]
    started = time.perf_counter()
    hits = matcher.match(topics, articles)
    took = time.perf_counter() - started
    gold = {item.question: item.gold_id for item in items}
    positive = np.array([h.score for h in hits if gold[h.topic] == h.article.id])
    negative = np.array([h.score for h in hits if gold[h.topic] != h.article.id])
    print(
        f"{args.set}: {len(topics)} English questions as topics, {len(articles)} articles, "
        f"{matcher.searches} searches in {took:.1f} s"
    )
    print(
        f"gold article score: median {np.median(positive):.3f}, 10th percentile "
        f"{np.percentile(positive, 10):.3f}; other articles: median {np.median(negative):.3f}, "
        f"99th percentile {np.percentile(negative, 99):.3f}"
    )
    print("bound  recall  false alerts per article")
    chosen = None
    for bound in GRID:
        recall = float(np.mean(positive >= bound))
        false = float(np.mean(negative >= bound))
        print(f"{bound:.3f}  {recall:6.1%}  {false:7.2%}")
        if chosen is None and false <= args.max_false:
            chosen = (bound, recall, false)
    if chosen is not None:
        bound, recall, false = chosen
        print(
            f"chosen: {bound:.3f} (the lowest with at most {args.max_false:.0%} false alerts): "
            f"recall {recall:.1%}, false alerts {false:.2%}"
        )
    components.store.close()
    components.sentence_cache.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
