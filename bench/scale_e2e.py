"""Benchmark: full-pipeline answer latency at 100k chunks of real text.

    python -m bench.scale_e2e [--chunks 100000] [--data-dir data]

Only about 12k chunks of real news text exist here (the BBC and war-news corpora), and
embedding 100k chunks with their sentences takes hours on 2 cores. So the BBC index (built
by ``bench.latency`` or ``newsbot eval``, in the eval cache) is grown to ``--chunks`` with
copies of its own articles: each copy is a distinct article (its own id and origin) with the
original's real text and chunks, and the original's chunk vectors plus a little noise, so
dense and BM25 search run over ``--chunks`` real-text entries and every question meets
near-duplicate distractors. A copy's sentence vectors are the original's (the same text
gives the same vectors; a real index has them all from ingest), read through an alias of the
sentence cache. Then the bbc_dev questions are asked first-time and repeated, as in
``bench.latency``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import closing
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.commands.evaluate import corpus_key
from bot.config.settings import Settings
from bot.factory import build_components, configured_embedder, index_dir
from evaluation.runner import load_items
from evaluation.stats import latency_figures, percentile
from index.sentence_cache import SentenceVectorCache
from index.store.schema import DB_NAME
from index.types import Article, Chunk

COPY = "~"  # copy ids: "<original id>~<n>" (no ':' — chunk and piece keys split on it)


class AliasedSentenceCache(SentenceVectorCache):
    """The sentence cache, where a copy's piece keys read the original article's vectors."""

    def get_many(self, keys: Sequence[str]) -> dict[str, npt.NDArray[np.float32]]:
        originals = {k: _original(k) for k in keys}
        found = super().get_many(sorted(set(originals.values())))
        return {k: found[o] for k, o in originals.items() if o in found}


def _original(key: str) -> str:
    article, sep, rest = key.partition(":")
    return f"{article.split(COPY)[0]}{sep}{rest}"


def source_items(
    source: Path, model: str
) -> Iterator[tuple[Article, list[Chunk], npt.NDArray[np.float32]]]:
    """Every article of a built index with its chunks and stored chunk vectors."""
    comps_dir = index_dir(source, model)
    with closing(sqlite3.connect(comps_dir / DB_NAME)) as conn:
        rows = conn.execute(
            "SELECT c.article_id, v.vector FROM chunks c JOIN vectors v ON v.chunk_id = c.id"
            " ORDER BY c.article_id, c.ordinal"
        ).fetchall()
    vectors: dict[str, list[npt.NDArray[np.float32]]] = {}
    for article_id, blob in rows:
        vectors.setdefault(article_id, []).append(np.frombuffer(blob, dtype=np.float32))
    settings = Settings(data_dir=source)
    comps = build_components(settings, embedder=configured_embedder(settings), data_dir=source)
    for info in comps.store.articles():
        article = comps.store.get_article(info.id)
        chunks = comps.store.chunks([f"{info.id}:{i}" for i in range(info.chunks)])
        yield article, chunks, np.stack(vectors[info.id])
    comps.store.close()


def copy_of(
    item: tuple[Article, list[Chunk], npt.NDArray[np.float32]], n: int, rng: np.random.Generator
) -> tuple[Article, list[Chunk], npt.NDArray[np.float32]]:
    article, chunks, vectors = item
    cid = f"{article.id}{COPY}{n}"
    copy = Article(
        id=cid,
        text=article.text,
        title=article.title,
        date=article.date,
        source=article.source,
        url=None,
        origin=f"{article.origin}#copy{n}",
    )
    moved = [Chunk(cid, c.ordinal, c.start, c.end, c.text, c.sentences) for c in chunks]
    noise = rng.normal(0.0, 0.02, size=vectors.shape).astype(np.float32)
    return copy, moved, vectors + noise


def grow(source: Path, target: Path, model: str, chunks: int) -> tuple[int, float]:
    """Build ``target``: the source index's articles, then copies up to ``chunks``."""
    shutil.copytree(index_dir(source, model), index_dir(target, model))
    items = list(source_items(source, model))
    settings = Settings(data_dir=target)
    comps = build_components(settings, data_dir=target)
    started = time.perf_counter()
    rng = np.random.default_rng(0)
    n = 0
    batch: list[tuple[Article, list[Chunk], npt.NDArray[np.float32]]] = []
    while len(comps.store) + sum(len(c) for _, c, _ in batch) < chunks:
        n += 1
        for item in items:
            batch.append(copy_of(item, n, rng))
            if len(batch) == 2000 or len(comps.store) + sum(len(c) for _, c, _ in batch) >= chunks:
                comps.store.upsert_many(batch)
                batch = []
                if len(comps.store) >= chunks:
                    break
    if batch:
        comps.store.upsert_many(batch)
    total = len(comps.store)
    comps.store.close()
    return total, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bbc", type=Path, default=Path("../shared/eval/bbc/articles"))
    parser.add_argument("--bbc-questions", type=Path, default=Path("../shared/eval/bbc_dev.jsonl"))
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--chunks", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir)
    embedder = configured_embedder(settings)
    source = settings.data_dir / "eval-cache" / corpus_key(args.bbc, settings, embedder.name)
    if not (index_dir(source, embedder.name) / DB_NAME).exists():
        raise SystemExit(f"build the BBC index first (python -m bench.latency): {source}")
    questions = [i.question for i in load_items(args.bbc_questions)]
    with tempfile.TemporaryDirectory(dir=args.data_dir) as tmp:
        target = Path(tmp)
        total, took = grow(source, target, embedder.name, args.chunks)
        print(f"grown to {total} chunks in {took:.0f} s (BBC articles and their copies)")
        cache = AliasedSentenceCache(
            index_dir(target, embedder.name) / "sentences.sqlite", embedder.dim
        )
        comps = build_components(settings, embedder=embedder, data_dir=target, sentence_cache=cache)
        comps.answerer.warm()
        first: list[float] = []
        stages: dict[str, list[float]] = {}
        for q in questions:
            answer = comps.answerer.answer(q)
            first.append(answer.latency_ms or 0.0)
            for stage, ms in (answer.timings or {}).items():
                stages.setdefault(stage, []).append(ms)
        repeat = [
            comps.answerer.answer(q).latency_ms or 0.0
            for _ in range(args.rounds)
            for q in questions
        ]
        where = ", ".join(
            f"{s.removesuffix('_ms')} {percentile(v, 50):.1f}" for s, v in stages.items()
        )
        print(
            f"warm latency, bbc_dev ({len(questions)} q, {len(comps.store)} chunks): "
            f"first-time {latency_figures(first)}; repeated {latency_figures(repeat)}\n"
            f"  first-time stage medians (ms): {where}"
        )
        comps.store.close()


if __name__ == "__main__":
    main()
