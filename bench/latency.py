"""Benchmark: cold start to first answer, warm latency over question sets (ingest
throughput: ``bench.ingest_speed``).

    python -m bench.latency [--bbc ../shared/eval/bbc/articles]

Prints figures; asserts nothing. Cold start runs ``newsbot ask`` in a fresh process twice:
on an empty data directory (includes indexing the bundled sample) and on a built one.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

from bot.commands.evaluate import corpus_key
from bot.config.settings import Settings
from bot.factory import Components, build_components, configured_embedder, ensure_corpus, index_dir
from bot.factory import ingest as ingest_into
from bot.policies import ingest_options
from evaluation.runner import load_items
from evaluation.stats import latency_figures, percentile
from index.chunking import chunk_article, split_sentences
from index.clauses import dense_pieces, piece_key
from index.documents.parse import iter_article_files
from index.embedding.base import PoolingEmbedder
from index.ingest import IngestOptions, embed_sentences
from index.pooled_vectors import plan_batch, run_plan
from index.traced import TRACED_DIR
from index.types import Article

QUESTION = "how many drones were intercepted?"
WAR_NEWS_QUESTION = (
    "How many Stinger anti-aircraft systems were in the $700 million weapons package?"
)


def cold_start(data_dir: Path, question: str = QUESTION, expect: str = "37") -> float:
    """Seconds from starting ``newsbot ask`` in a fresh process to its answer."""
    started = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "--data-dir",
            str(data_dir),
            "--log-level",
            "ERROR",
            "ask",
            "--json",
            question,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    took = time.perf_counter() - started
    answer = json.loads(out.stdout.strip().splitlines()[-1])["answer"]
    assert expect in (answer or ""), answer
    return took


def war_news_cold_start(settings: Settings, corpus: Path) -> None:
    """Cold start to the first answer with the war-news corpus indexed (its eval cache)."""
    embedder = configured_embedder(settings)
    data_dir = settings.data_dir / "eval-cache" / corpus_key(corpus, settings, embedder.name)
    comps = build_components(settings, embedder=embedder, data_dir=data_dir)
    chunks = len(comps.store)
    if chunks == 0:
        print("indexing the war-news corpus first (cached for later runs)...")
        ingest_into(comps, [corpus], progress=False)
        chunks = len(comps.store)
    comps.store.close()
    comps.sentence_cache.close()
    traced = data_dir / "models" / TRACED_DIR
    made = not any(traced.glob("*.pt"))
    runs = [cold_start(data_dir, WAR_NEWS_QUESTION, "1,400") for _ in range(4 if made else 3)]
    if made:  # the first start after an ingest traces the span reader (index.traced)
        print(f"first start after the ingest (saves the traced models): {runs.pop(0):.2f} s")
    print(
        f"cold start to first answer, war news ({chunks} chunks indexed): "
        + ", ".join(f"{took:.2f} s" for took in runs)
    )


def only_ingest_vectors(comps: Components) -> None:
    """Leave the sentence cache as ingest leaves it, so a first-time figure really is
    first-time: embed what ingest stores and an older index lacks, drop what earlier
    questions added."""
    started = time.perf_counter()
    articles = [comps.store.get_article(a.id) for a in comps.store.articles()]
    options = ingest_options(comps.settings)
    keep = ingest_keys(articles, options)
    cache = comps.sentence_cache
    missing = [a for a in articles if len(cache.get_many(sorted(keep[a.id]))) < len(keep[a.id])]
    if missing:
        ingest_articles_again(comps, missing)
        print(
            f"(stored the sentence vectors of {len(missing)} articles an older index lacked,"
            f" {time.perf_counter() - started:.0f} s)"
        )
    wanted = {key for keys in keep.values() for key in keys}
    path = index_dir(comps.settings.data_dir, comps.embedder.name) / "sentences.sqlite"
    with closing(sqlite3.connect(path)) as conn:
        stored = [key for (key,) in conn.execute("SELECT key FROM vectors")]
        conn.executemany(
            "DELETE FROM vectors WHERE key = ?", [(k,) for k in stored if k not in wanted]
        )
        conn.commit()


def ingest_keys(articles: list[Article], options: IngestOptions) -> dict[str, set[str]]:
    """Per article, the sentence-cache keys an ingest with ``options`` stores."""
    out: dict[str, set[str]] = {}
    for article in articles:
        chunks = chunk_article(
            article, max_chars=options.chunk_max_chars, overlap=options.chunk_overlap
        )
        if options.pool_vectors:
            plan = plan_batch([(article, chunks, "")], pieces=options.embed_pieces)
            out[article.id] = set(plan.pieces)
            continue
        keys: set[str] = set()
        spans = split_sentences(article.text)
        for i, span in enumerate(spans):
            previous = spans[i - 1].slice(article.text) if i else ""
            pieces = dense_pieces(span.slice(article.text), previous)
            count = len(pieces) if options.embed_pieces else 1
            keys.update(piece_key(article.id, span.start, span.end, j) for j in range(count))
        out[article.id] = keys
    return out


def ingest_articles_again(comps: Components, articles: list[Article]) -> None:
    """Store the sentence vectors of already indexed articles as an ingest does today."""
    options = ingest_options(comps.settings)
    for article in articles:
        chunks = chunk_article(
            article, max_chars=options.chunk_max_chars, overlap=options.chunk_overlap
        )
        if options.pool_vectors and isinstance(comps.embedder, PoolingEmbedder):
            plan = plan_batch([(article, chunks, "")], pieces=options.embed_pieces)
            comps.sentence_cache.put_many(run_plan(plan, comps.embedder)[1])
        else:
            embed_sentences(
                [article],
                embedder=comps.embedder,
                cache=comps.sentence_cache,
                pieces=options.embed_pieces,
            )


def warm_latency(
    settings: Settings, questions: list[str], data_dir: Path | None, rounds: int
) -> str:
    """First-time (new questions: clause vectors computed at question time) then repeated."""
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    comps = build_components(settings)
    ensure_corpus(comps, progress=False)
    only_ingest_vectors(comps)
    comps = build_components(settings, embedder=comps.embedder)  # empty memory caches
    comps.answerer.warm()
    first = []
    stages: dict[str, list[float]] = {}
    for q in questions:
        started = time.perf_counter()
        answer = comps.answerer.answer(q)
        first.append((time.perf_counter() - started) * 1000)
        for stage, ms in (answer.timings or {}).items():
            stages.setdefault(stage, []).append(ms)
    repeat = []
    for _ in range(rounds):
        for q in questions:
            started = time.perf_counter()
            comps.answerer.answer(q)
            repeat.append((time.perf_counter() - started) * 1000)
    where = ", ".join(
        f"{stage.removesuffix('_ms')} {percentile(values, 50):.1f}"
        for stage, values in stages.items()
    )
    return (
        f"first-time {latency_figures(first)}; repeated {latency_figures(repeat)}\n"
        f"  first-time stage medians (ms): {where}"
    )


def copy_files(files: list[Path], folder: Path) -> Path:
    """``files`` copied into a new ``folder`` (to index a subset of a corpus)."""
    folder.mkdir()
    for f in files:
        (folder / f.name).write_bytes(f.read_bytes())
    return folder


def subset_latency(settings: Settings, corpus: Path, questions: list[str], count: int) -> None:
    """Warm latency over an index of the first ``count`` articles of ``corpus`` (about 4
    chunks an article: 250 articles give about 1k chunks)."""
    files = iter_article_files(corpus)[:count]
    with tempfile.TemporaryDirectory() as tmp:
        sub = copy_files(files, Path(tmp) / "articles")
        comps = build_components(settings, data_dir=Path(tmp) / "data")
        ingest_into(comps, [sub], progress=False)
        chunks = len(comps.store)
        figures = warm_latency(settings, questions, Path(tmp) / "data", 3)
    print(f"warm latency, bbc_dev questions over {count} BBC articles ({chunks} chunks): {figures}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bbc", type=Path, default=Path("../shared/eval/bbc/articles"))
    parser.add_argument("--seed", type=Path, default=Path("../shared/eval/seed_dev.jsonl"))
    parser.add_argument("--bbc-questions", type=Path, default=Path("../shared/eval/bbc_dev.jsonl"))
    parser.add_argument("--war-news", type=Path, default=Path("../shared/eval/uanews/articles"))
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--subsets", type=int, nargs="*", default=[250], help="BBC articles in smaller indexes"
    )
    args = parser.parse_args()
    settings = Settings(data_dir=args.data_dir)

    with tempfile.TemporaryDirectory() as tmp:
        empty = cold_start(Path(tmp) / "d")
        built = cold_start(Path(tmp) / "d")
    print(
        f"cold start to first answer: {empty:.2f} s on an empty data dir (indexes the "
        f"sample), {built:.2f} s with the index built"
    )
    if args.war_news.is_dir():
        war_news_cold_start(settings, args.war_news)

    seed = [i.question for i in load_items(args.seed)]
    with tempfile.TemporaryDirectory() as tmp:
        print(
            f"warm latency, seed_dev ({len(seed)} q): "
            f"{warm_latency(settings, seed, Path(tmp), args.rounds)}"
        )
    if args.bbc.is_dir():
        embedder = configured_embedder(settings)
        key = corpus_key(args.bbc, settings, embedder.name)
        data_dir = settings.data_dir / "eval-cache" / key
        bbc = [i.question for i in load_items(args.bbc_questions)]
        comps = build_components(settings, embedder=embedder, data_dir=data_dir)
        if len(comps.store) == 0:
            print("indexing the BBC corpus first (cached for later runs)...")
            ingest_into(comps, [args.bbc], progress=False)
        print(
            f"warm latency, bbc_dev ({len(bbc)} q, {len(comps.store)} chunks): "
            f"{warm_latency(settings, bbc, data_dir, args.rounds)}"
        )
        for count in args.subsets:
            subset_latency(settings, args.bbc, bbc, count)


if __name__ == "__main__":
    main()
