"""newsbot against an off-the-shelf peer (``bench.peer``) on every evaluation set, one process.

    python -m bench.eval_table [--limit 400] [--seed 0] [--all-articles] [--data-dir DIR]

Sets: seed_dev over the bundled sample, bbc_dev over the BBC articles, and the SQuAD 2.0
evaluation split as an open corpus (``--limit`` questions drawn with ``--seed``) over the
paragraphs of its 12 articles and, with ``--all-articles``, also over every paragraph. Each corpus
is indexed once into the eval cache (newsbot's and the peer's index, keyed by contents, model
and chunking). Prints a markdown table (system x set) and the newsbot/peer ratios, and plots
answer-in-first-quote accuracy against p50 latency to ``docs/eval_quality_latency.png``.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import platform
import shutil
import sqlite3
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from answering.pipeline import PipelineAnswerer
from bench.eval_render import Row, plot, ratios, table
from bench.peer import PeerPipeline, declined_below, tune_threshold
from bot.commands.evaluate import articles_key, corpus_key, index_articles, newsbot_ask
from bot.config.settings import Settings
from bot.factory import (
    Components,
    build_answerer,
    build_components,
    bundled_corpus,
    configured_embedder,
    index_dir,
    ingest,
)
from evaluation import squad
from evaluation.squad import GoldItem
from evaluation.squad_eval import QualityResult, run_questions, summarize_quality
from index.embedding.base import Embedder
from index.ingest import embed_sentences
from index.types import Article

logger = logging.getLogger(__name__)

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
WARM = "newsbot, asked again"  # the same questions once more: question-time vectors cached
# Other configurations over the same index: settings changed per group. They run after
# newsbot, so their question-time clause vectors are cached (their latency is a floor).
VARIANTS: dict[str, dict[str, dict[str, Any]]] = {
    "newsbot, features only": {"rerank": {"kind": "none"}, "reader": {"span": "features"}},
    "newsbot, span reader declines only (sure_no_answer 0)": {"reader": {"sure_no_answer": 0.0}},
    "newsbot + trained reranker": {"rerank": {"kind": "trained"}},
}
PLOT = Path(__file__).resolve().parent.parent / "docs" / "eval_quality_latency.png"


@dataclass(frozen=True, slots=True)
class Dataset:
    name: str
    golds: list[GoldItem]
    components: Components
    cache: Path  # the eval-cache folder holding newsbot's index
    doc_of: Callable[[str], str | None] | None = None


def folder_components(
    settings: Settings, embedder: Embedder, corpus: Path
) -> tuple[Components, Path]:
    """newsbot over a folder of article files, in the cache ``newsbot eval --corpus`` uses."""
    data_dir = settings.data_dir / "eval-cache" / corpus_key(corpus, settings, embedder.name)
    restore_sentence_cache(data_dir, embedder.name)
    components = build_components(settings, embedder=embedder, data_dir=data_dir)
    if len(components.store) == 0:
        started = time.perf_counter()
        ingest(components, [corpus], progress=False)
        print(f"indexed {corpus} in {time.perf_counter() - started:.0f} s")
    return components, data_dir


def stem_of(components: Components) -> Callable[[str], str | None]:
    """Article id -> the stem of the file it came from (the ``doc`` of the BBC questions)."""
    stems = {a.id: Path(a.origin).stem for a in components.store.articles()}
    return stems.get


def datasets(args: argparse.Namespace, settings: Settings, embedder: Embedder) -> list[Dataset]:
    shared: Path = args.shared
    out = []
    with bundled_corpus() as sample:
        seed, cache = folder_components(settings, embedder, sample)
    out.append(Dataset("seed_dev", squad.load_jsonl(shared / "seed_dev.jsonl"), seed, cache))
    if not args.skip_bbc:
        bbc, cache = folder_components(settings, embedder, shared / "bbc" / "articles")
        golds = squad.load_jsonl(shared / "bbc_dev.jsonl")
        out.append(Dataset("bbc_dev", golds, bbc, cache, stem_of(bbc)))
    for everything in [False, True] if args.all_articles else [False]:
        docs, golds = squad.load_open_corpus(args.squad, all_articles=everything)
        cache = settings.data_dir / "eval-cache" / articles_key(docs, settings, embedder.name)
        restore_sentence_cache(cache, embedder.name)
        comps, note = index_articles(settings, embedder, docs)
        print(f"SQuAD over {len(docs)} paragraphs: {note}")
        chosen = squad.sample(golds, args.limit, args.seed)
        name = f"squad2_eval (n={len(chosen)}, {len(docs)} paragraphs)"
        out.append(Dataset(name, chosen, comps, cache))
    return out


def articles_of(components: Components) -> list[Article]:
    return [components.store.get_article(a.id) for a in components.store.articles()]


def _snapshot(cache_dir: Path, model_name: str) -> tuple[Path, Path]:
    live = index_dir(cache_dir, model_name) / "sentences.sqlite"
    return live, cache_dir / "sentences-after-ingest.sqlite"


def restore_sentence_cache(cache_dir: Path, model_name: str) -> None:
    """Put the sentence-vector cache back as ingest left it, dropping what earlier runs' questions
    added (clause pieces), so every run measures first-time questions: a repeat run would
    otherwise be faster than the first."""
    live, snapshot = _snapshot(cache_dir, model_name)
    if snapshot.exists():
        for suffix in ("", "-wal", "-shm"):
            Path(f"{live}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(snapshot, live)


def fill_sentence_cache(dataset: Dataset) -> None:
    """Embed the sentence vectors an older index lacks (as ingest now does), then keep a
    snapshot of the cache in that state for ``restore_sentence_cache``."""
    started = time.perf_counter()
    components = dataset.components
    cache = components.sentence_cache
    n = embed_sentences(
        articles_of(components),
        embedder=components.embedder,
        cache=cache,
        pieces=components.settings.ingest.embed_pieces,
    )
    if n:
        print(f"embedded {n} missing sentence vectors in {time.perf_counter() - started:.0f} s")
    _, snapshot = _snapshot(dataset.cache, components.embedder.name)
    if n or not snapshot.exists():  # (ingest now embeds more: keep that state)
        snapshot_sentence_cache(dataset.cache, components.embedder.name)


def snapshot_sentence_cache(cache_dir: Path, model_name: str) -> None:
    """Keep the sentence-vector cache as it is now, for ``restore_sentence_cache`` (nothing
    when there is no cache)."""
    live, snapshot = _snapshot(cache_dir, model_name)
    if live.exists():
        with closing(sqlite3.connect(live)) as src, closing(sqlite3.connect(snapshot)) as dst:
            src.backup(dst)


def variant_answerer(
    components: Components, changes: dict[str, dict[str, Any]]
) -> PipelineAnswerer:
    """newsbot with other settings (per group) over the same searcher and reader."""
    s = components.settings
    settings = s.model_copy(
        update={
            group: getattr(s, group).model_copy(update=fields) for group, fields in changes.items()
        }
    )
    return build_answerer(settings, components.searcher, components.answerer._reader)


def peer_for(dataset: Dataset, settings: Settings) -> PeerPipeline:
    """The peer over the same articles as newsbot, its index beside newsbot's in the cache."""
    return PeerPipeline.build(
        articles_of(dataset.components),
        dataset.cache / "peer-txtai",
        max_chars=settings.chunking.max_chars,
        overlap=settings.chunking.overlap_sentences,
        k=settings.search.k,
    )


def set_threads(n: int) -> None:
    """The same CPU threads for both systems (one process); 1 keeps latency steady on a
    shared machine, where torch's default of one thread per core can stall."""
    import faiss
    import torch

    torch.set_num_threads(n)
    faiss.omp_set_num_threads(n)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared eval folder")
    parser.add_argument("--squad", type=Path, default=SHARED / "squad" / "dev-v2.0.json")
    parser.add_argument("--limit", type=int, default=400, help="SQuAD questions (0: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--all-articles",
        action="store_true",
        help="also ask the SQuAD questions over the paragraphs of every article in the file",
    )
    parser.add_argument("--skip-bbc", action="store_true", help="leave out bbc_dev")
    parser.add_argument("--skip-peer", action="store_true", help="newsbot's rows only")
    parser.add_argument("--data-dir", type=Path, help="data directory (holds the eval cache)")
    parser.add_argument("--plot", type=Path, default=PLOT)
    parser.add_argument("--threads", type=int, default=1, help="torch and faiss CPU threads")
    args = parser.parse_args(argv)
    args.limit = args.limit or None
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    importlib.import_module("bm25s")  # it sets its logger to DEBUG on import
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    set_threads(args.threads)
    settings = Settings(data_dir=args.data_dir) if args.data_dir else Settings()
    settings.embedding.threads = args.threads
    embedder = configured_embedder(settings)
    results: dict[tuple[str, str], list[QualityResult]] = {}
    for ds in datasets(args, settings, embedder):
        fill_sentence_cache(ds)
        ds.components.answerer.warm()
        ask = newsbot_ask(ds.components)
        results[("newsbot", ds.name)] = run_questions(ds.golds, ask, doc_of=ds.doc_of)
        results[(WARM, ds.name)] = run_questions(ds.golds, ask, doc_of=ds.doc_of)
        for label, changes in VARIANTS.items():
            variant = variant_answerer(ds.components, changes)
            variant.warm()
            ask = newsbot_ask(ds.components, variant)
            results[(label, ds.name)] = run_questions(ds.golds, ask, doc_of=ds.doc_of)
        if not args.skip_peer:
            peer = peer_for(ds, settings)
            peer.warm()
            results[(PeerPipeline.name, ds.name)] = run_questions(
                ds.golds, peer.ask, doc_of=ds.doc_of
            )
        print(f"done {ds.name}: {len(ds.golds)} questions")
    peer_dev = [results.get((PeerPipeline.name, name), []) for name in ("seed_dev", "bbc_dev")]
    threshold = tune_threshold([r for rs in peer_dev for r in rs])
    rows: list[Row] = []
    for (system, name), rs in results.items():
        rows.append((system, name, summarize_quality(rs)))
        if system == PeerPipeline.name:
            peer_t = [declined_below(r, threshold) for r in rs]
            rows.append((f"peer@{threshold:.2f}", name, summarize_quality(peer_t)))
    cpu = f"{platform.machine()}, {os.cpu_count()} cores, {args.threads} thread(s)"
    print(f"\n{cpu}; SQuAD sample seed {args.seed}; peer threshold tuned on the news dev sets\n")
    print(table(rows))
    if not args.skip_peer:
        print("\nnewsbot / peer ratios:\n")
        print(ratios(rows))
    if not args.skip_peer or args.plot != PLOT:  # the docs' plot shows the peer too
        plot(rows, args.plot)
        print(f"\nplot: {args.plot}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
