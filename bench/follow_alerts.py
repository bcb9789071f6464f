"""What topic alerts cost: 1,000 followed topics against 100 new articles.

    python -m bench.follow_alerts [--data-dir data] [--topics 1000] [--articles 100]

Over the war-news index (``uanews``, built once in the eval cache with the configured
embedder), 100 of its articles stand for a poll's new articles and 1,000 topics of two to four
words, drawn from the corpus' sentences with a fixed seed, for the followed topics. Prints the
time to embed the topics the first time (later polls reuse the vectors), the matching time of
a poll with the vectors cached, the number of searches (one per article, for all topics
together) and how many topics were embedded, and the matches found at the configured bound.
"""

from __future__ import annotations

import argparse
import random
import re
import time
from pathlib import Path

from bench.eval_table import SHARED, folder_components
from bot.config.settings import Settings
from bot.factory import configured_embedder
from index.topic_match import TopicMatcher

_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
SEED = 19


def topics_from(texts: list[str], count: int) -> list[str]:
    """``count`` distinct topics of 2-4 consecutive words of the texts, drawn with a seed."""
    rng = random.Random(SEED)
    words = [_WORD.findall(text) for text in texts]
    words = [w for w in words if len(w) >= 4]
    found: dict[str, None] = {}
    while len(found) < count:
        sentence = rng.choice(words)
        size = rng.randint(2, 4)
        start = rng.randrange(0, len(sentence) - size + 1)
        found[" ".join(sentence[start : start + size])] = None
    return list(found)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--topics", type=int, default=1000)
    parser.add_argument("--articles", type=int, default=100)
    args = parser.parse_args(argv)
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    if args.data_dir is not None:
        settings = settings.model_copy(update={"data_dir": args.data_dir})
    embedder = configured_embedder(settings)
    components, _ = folder_components(settings, embedder, SHARED / "uanews" / "articles")
    store = components.store
    new = [a.id for a in store.articles()[: args.articles]]
    topics = topics_from([c.text for c in store.all_chunks()], args.topics)
    bound = settings.follow.min_score
    matcher = TopicMatcher(store, components.embedder, min_score=bound)
    embedder.warm()

    started = time.perf_counter()
    matcher.match(topics, new[:1])
    first = time.perf_counter() - started
    matcher.searches = matcher.embedded = 0

    started = time.perf_counter()
    hits = matcher.match(topics, new)
    took = time.perf_counter() - started
    pairs = len(topics) * len(new)
    print(f"{len(topics)} topics, {len(new)} new articles, bound {bound} ({embedder.name})")
    print(f"first poll: topics embedded and matched against 1 article in {first:.2f} s")
    print(
        f"a poll of {len(new)} articles: {took * 1000:.0f} ms "
        f"({took * 1000 / len(new):.1f} ms per article, all {len(topics)} topics)"
    )
    print(
        f"searches: {matcher.searches} (one per article for all topics; a search per topic "
        f"would be {pairs}); topics embedded: {matcher.embedded}"
    )
    print(f"matches at the bound: {len(hits)} of {pairs} topic-article pairs")
    store.close()
    components.sentence_cache.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
