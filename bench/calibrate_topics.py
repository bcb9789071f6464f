"""Choose the relevance bound of /latest TOPIC (``Settings.search.topic_min_score``).

    python -m bench.calibrate_topics [--data-dir data] [--seed-from /path/to/data]

Dev data: the uanews_dev questions over the war-news articles (shared/eval/uanews). Each
English question, and each gold article's title (a topic shorter, as people type them), is a
topic. ``TopicFinder`` at each bound of a grid searches it twice: over the war news, where
the topic's gold article must be listed (*related kept*), and over the BBC articles
(business, politics, sport, tech, entertainment: news, but none about the war), where
nothing should be (*unrelated dropped*). It prints both shares per bound and picks the
bound with the highest sum (ties: the lower bound, to list more).

``--seed-from`` copies the evaluation indexes from another data folder into this one first
(an index opened by this version is migrated to its schema, so never open another
checkout's indexes in place).
"""

from __future__ import annotations

import argparse
import shutil
from collections.abc import Sequence
from pathlib import Path

from answering.topics import TopicFinder
from bench.eval_table import SHARED, folder_components, stem_of
from bot.commands.evaluate import corpus_key
from bot.config.settings import Settings
from bot.factory import Components, configured_embedder
from evaluation import squad
from index.embedding.base import Embedder

GRID = [round(0.30 + 0.02 * step, 2) for step in range(26)]


def _found(components: Components, topic: str, bound: float) -> list[str]:
    return TopicFinder(components.searcher, min_score=bound).articles_about(topic)


def _topics(components: Components, path: Path) -> list[tuple[str, str]]:
    """(topic, gold article id): the English questions, then each gold article's title."""
    ids = {stem: article_id for article_id, stem in _stems(components).items()}
    pairs: list[tuple[str, str]] = []
    titles: dict[str, str] = {}
    for gold in squad.load_jsonl(path):
        doc = gold.doc or ""
        if gold.item.lang != "en" or doc not in ids:
            continue
        pairs.append((gold.item.question, ids[doc]))
        titles[ids[doc]] = components.store.get_article(ids[doc]).title
    return pairs + [(title, article_id) for article_id, title in titles.items()]


def _stems(components: Components) -> dict[str, str]:
    stem = stem_of(components)
    return {a.id: stem(a.id) or "" for a in components.store.articles()}


def choose(news: Components, other: Components, topics: Sequence[tuple[str, str]]) -> float:
    """Print the grid; the bound that keeps the most related and drops the most unrelated."""
    best, best_sum = GRID[0], -1.0
    print("bound  related kept  unrelated dropped")
    for bound in GRID:
        kept = sum(gold in _found(news, topic, bound) for topic, gold in topics) / len(topics)
        dropped = sum(not _found(other, topic, bound) for topic, _ in topics) / len(topics)
        print(f"{bound:5.2f}  {kept:12.1%}  {dropped:17.1%}")
        if kept + dropped > best_sum:
            best, best_sum = bound, kept + dropped
    return best


def _seed(settings: Settings, embedder: Embedder, source: Path, corpora: Sequence[Path]) -> None:
    for corpus in corpora:
        key = corpus_key(corpus, settings, embedder.name)
        target = settings.data_dir / "eval-cache" / key
        if not target.exists() and (source / "eval-cache" / key).exists():
            shutil.copytree(source / "eval-cache" / key, target)
            print(f"copied the index of {corpus.name} ({key})")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--seed-from", type=Path, default=None)
    parser.add_argument("--shared", type=Path, default=SHARED)
    args = parser.parse_args(argv)
    settings = Settings(data_dir=args.data_dir)
    embedder = configured_embedder(settings)
    corpora = [args.shared / "uanews" / "articles", args.shared / "bbc" / "articles"]
    if args.seed_from is not None:
        _seed(settings, embedder, args.seed_from, corpora)
    news, _ = folder_components(settings, embedder, corpora[0])
    other, _ = folder_components(settings, embedder, corpora[1])
    topics = _topics(news, args.shared / "uanews_dev.jsonl")
    questions = sum(1 for topic, _ in topics if topic.endswith("?"))
    print(f"{len(topics)} topics ({questions} questions, {len(topics) - questions} titles)")
    bound = choose(news, other, topics)
    print(f"chosen bound: {bound:.2f} (model {embedder.name})")


if __name__ == "__main__":
    main()
