"""newsbot, the txtai peer and (optionally) an earlier revision on the news question sets.

    python -m bench.news_eval [--before REV] [--skip-bbc] [--skip-squad] [--limit 400]

Sets: uanews_dev over the uanews articles, bbc_dev over the BBC articles, seed_dev over the
bundled sample and the SQuAD 2.0 evaluation split (``--limit`` questions drawn with ``--seed``,
over the paragraphs of its 12 articles, written once as article files). Every system answers
the same questions over the same articles and is scored by ``evaluation.report``: answered
from the right article, wrong answers, false declines, unanswerable questions declined,
short-answer exact match, short answers of another kind than asked, p50/p95 latency. One
markdown table per set, the systems side by side. Indexes are cached under the data
directory's ``eval-cache``, as ``newsbot eval --corpus`` and ``bench.eval_table`` cache them.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import platform
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

from answering.types import Answer, Quote
from bench.eval_table import (
    SHARED,
    Dataset,
    fill_sentence_cache,
    folder_components,
    peer_for,
    set_threads,
    stem_of,
)
from bench.news_eval_before import Revision, worktree
from bench.peer import PeerPipeline
from bot.commands.evaluate import articles_key, corpus_key
from bot.config.settings import Settings
from bot.factory import bundled_corpus, configured_embedder
from evaluation import squad
from evaluation.report import compare, kind_failures, kind_line
from evaluation.runner import (
    EvalItem,
    ItemResult,
    doc_ids,
    failures,
    gold_ids,
    load_items,
    run_item,
    score_answer,
)
from evaluation.squad import GoldItem
from evaluation.squad_eval import Attempt
from index.embedding.base import Embedder
from index.store.base import Store
from index.types import Article

logger = logging.getLogger(__name__)

ArticleOf = Callable[[str], Article | None]


@dataclass(frozen=True, slots=True)
class NewsSet:
    """A question set with its gold articles resolved, and newsbot over its corpus folder."""

    name: str
    items: list[EvalItem]
    corpus: Path
    dataset: Dataset  # newsbot's components and cache folder (what the peer is built from)


def news_set(
    name: str, items: list[EvalItem], corpus: Path, settings: Settings, embedder: Embedder
) -> NewsSet:
    components, cache = folder_components(settings, embedder, corpus)
    docs = [item.doc for item in items if item.doc is not None]
    items = gold_ids(items, doc_ids(corpus, docs, max_bytes=settings.ingest.max_file_bytes))
    if unknown := sum(1 for item in items if item.doc is not None and item.gold_id is None):
        print(f"{name}: {unknown} questions name a doc that is not in {corpus}")
    golds = [GoldItem(item, item.gold_id) for item in items]
    return NewsSet(name, items, corpus, Dataset(name, golds, components, cache))


def squad_folder(settings: Settings, docs: Sequence[Article]) -> Path:
    """SQuAD's paragraphs as article files (title and source headers), written once."""
    folder = settings.data_dir / "eval-cache" / f"squad-files-{articles_key(docs, settings, '')}"
    if not folder.exists():
        partial = folder.with_name(folder.name + ".partial")
        partial.mkdir(parents=True, exist_ok=True)
        for article in docs:
            head = f" title {article.title}\n source {article.source}\n\n"
            (partial / f"{squad_stem(article)}.txt").write_text(head + article.text, "utf-8")
        partial.rename(folder)
    return folder


def squad_stem(article: Article) -> str:
    """``squad:Sky_(United_Kingdom)#3`` -> ``Sky_(United_Kingdom)-003``."""
    title, _, index = article.origin.removeprefix("squad:").rpartition("#")
    return f"{title}-{int(index):03d}"


def squad_set(args: argparse.Namespace, settings: Settings, embedder: Embedder) -> NewsSet:
    docs, golds = squad.load_open_corpus(args.squad, all_articles=False)
    stems = {article.id: squad_stem(article) for article in docs}
    chosen = squad.sample(golds, args.limit, args.seed)
    items = [replace(g.item, doc=stems[g.doc] if g.doc else None) for g in chosen]
    name = f"squad2_eval (n={len(items)}, {len(docs)} paragraphs)"
    return news_set(name, items, squad_folder(settings, docs), settings, embedder)


def news_sets(args: argparse.Namespace, settings: Settings, embedder: Embedder) -> list[NewsSet]:
    shared: Path = args.shared
    out = [
        news_set(
            "uanews_dev",
            load_items(shared / "uanews_dev.jsonl"),
            shared / "uanews" / "articles",
            settings,
            embedder,
        )
    ]
    if not args.skip_bbc:
        bbc = load_items(shared / "bbc_dev.jsonl")
        out.append(news_set("bbc_dev", bbc, shared / "bbc" / "articles", settings, embedder))
    with bundled_corpus() as sample:
        seed = load_items(shared / "seed_dev.jsonl")
        out.append(news_set("seed_dev", seed, sample, settings, embedder))
    if not args.skip_squad:
        out.append(squad_set(args, settings, embedder))
    return out


def article_lookup(store: Store) -> ArticleOf:
    def article_of(article_id: str) -> Article | None:
        try:
            return store.get_article(article_id)
        except KeyError:
            return None

    return article_of


def peer_answer(question: str, attempt: Attempt, article_of: ArticleOf) -> Answer:
    """The peer's attempt as an answer: its sentence is the short answer and the one quote,
    from the article of its top passage."""
    if attempt.short is None or not attempt.retrieved:
        return Answer(question, None, latency_ms=attempt.latency_ms)
    article = article_of(attempt.retrieved[0])
    text = attempt.first_quote or attempt.short
    start = article.text.find(text) if article else -1
    quote = Quote(
        article_id=attempt.retrieved[0],
        title=article.title if article else "",
        date=article.date if article else None,
        source=article.source if article else None,
        url=article.url if article else None,
        text=text,
        start=start,
        end=start + len(text),
    )
    return Answer(question, attempt.short, quotes=(quote,), latency_ms=attempt.latency_ms)


def run_systems(
    s: NewsSet, settings: Settings, before: Revision | None, *, peer: bool
) -> list[tuple[str, list[ItemResult]]]:
    """Each system's results on the set's questions: newsbot, the revision, the peer."""
    ds = s.dataset
    fill_sentence_cache(ds)
    article_of = article_lookup(ds.components.store)
    answerer = ds.components.answerer
    answerer.warm()
    out = [("newsbot", [run_item(item, answerer, article_of) for item in s.items])]
    if before is not None:
        key = corpus_key(s.corpus, settings, ds.components.embedder.name)
        answers = before.answers(s.corpus, key, [item.question for item in s.items])
        out.append((before.label, score_all(s.items, answers, article_of)))
    if peer:
        pipeline = peer_for(ds, settings)
        pipeline.warm()
        replies = [peer_answer(i.question, pipeline.ask(i.question), article_of) for i in s.items]
        out.append((PeerPipeline.name, score_all(s.items, replies, article_of)))
    return out


def score_all(
    items: Sequence[EvalItem], answers: Sequence[Answer], article_of: ArticleOf
) -> list[ItemResult]:
    return [score_answer(i, a, article_of) for i, a in zip(items, answers, strict=True)]


def report(s: NewsSet, systems: Sequence[tuple[str, Sequence[ItemResult]]], *, show: bool) -> str:
    """The set's table, each system's count of wrong-kind short answers, and with ``show``
    each system's failures."""
    lines = [f"## {s.name}", "", compare(systems), ""]
    lines += [f"{system}: {kind_line(results)}" for system, results in systems]
    if show:
        doc_of = stem_of(s.dataset.components)
        for system, results in systems:
            lines += ["", f"{system}, failures:", *failures(results, doc_of)]
            lines += kind_failures(results)
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared eval folder")
    parser.add_argument("--squad", type=Path, default=SHARED / "squad" / "dev-v2.0.json")
    parser.add_argument("--limit", type=int, default=400, help="SQuAD questions (0: all)")
    parser.add_argument("--seed", type=int, default=0, help="the seed of the SQuAD draw")
    parser.add_argument("--before", metavar="REV", help="also newsbot at git revision REV")
    parser.add_argument("--skip-bbc", action="store_true", help="leave out bbc_dev")
    parser.add_argument("--skip-squad", action="store_true", help="leave out SQuAD")
    parser.add_argument("--skip-peer", action="store_true", help="leave out the txtai peer")
    parser.add_argument("--failures", action="store_true", help="list each system's failures")
    parser.add_argument("--data-dir", type=Path, help="data directory (holds the eval cache)")
    parser.add_argument("--threads", type=int, default=1, help="torch and faiss CPU threads")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.limit = args.limit or None
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    importlib.import_module("bm25s")  # it sets its logger to DEBUG on import
    logging.getLogger("bm25s").setLevel(logging.WARNING)
    set_threads(args.threads)
    data_dir = (args.data_dir or Settings().data_dir).resolve()
    settings = Settings(data_dir=data_dir)
    settings.embedding.threads = args.threads
    embedder = configured_embedder(settings)
    tables = []
    with ExitStack() as stack:
        before = None
        if args.before:
            sha, tree = stack.enter_context(worktree(args.before))
            cache = data_dir / "eval-cache"
            before = Revision(
                sha, tree, cache=cache, model_name=embedder.name, threads=args.threads
            )
        for s in news_sets(args, settings, embedder):
            systems = run_systems(s, settings, before, peer=not args.skip_peer)
            tables.append(report(s, systems, show=args.failures))
            print(f"done {s.name}: {len(s.items)} questions", flush=True)
    cpu = f"{platform.machine()}, {os.cpu_count()} cores, {args.threads} thread(s)"
    print(f"\n{cpu}" + ("" if args.skip_squad else f"; SQuAD sample seed {args.seed}") + "\n")
    print("\n\n".join(tables))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
