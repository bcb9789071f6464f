"""``newsbot eval``: a question set (JSON Lines) or SQuAD (JSON) over a cached index.

The index of an evaluation corpus is kept in ``DATA_DIR/eval-cache/<key>``; the key covers
everything that shapes it, so a change of model, chunking or corpus indexes afresh.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from answering.question import normalize_question
from answering.types import Answerer
from bot.commands.base import SubParsers
from bot.commands.ingest import format_report, ready
from bot.config.settings import Settings
from bot.factory import Components, build_components, configured_embedder
from bot.factory import ingest as ingest_into
from bot.policies import ingest_options
from evaluation import squad
from evaluation.report import format_report as format_eval
from evaluation.report import kind_failures
from evaluation.runner import (
    EvalItem,
    doc_ids,
    failures,
    format_summary,
    gold_ids,
    load_items,
    run_item,
    summarize,
)
from evaluation.squad_eval import Ask, Attempt, format_quality, run_questions, summarize_quality
from index.documents.parse import iter_article_files
from index.documents.text import ParsedArticle
from index.embedding.base import Embedder
from index.errors import NewsBotError
from index.ingest import INDEX_FORMAT, ingest_articles
from index.store.base import Store
from index.types import Article, IngestReport

logger = logging.getLogger(__name__)


def _index_key(settings: Settings, model_name: str) -> hashlib._Hash:
    """The part of an eval-cache key that is not the corpus: model, index format, chunking."""
    h = hashlib.sha256()
    h.update(f"{model_name}|format {INDEX_FORMAT}".encode())
    if settings.ingest.pool_vectors:  # (the key of indexes of encoded chunks is unchanged)
        h.update(f"|pooled vectors, pieces {settings.ingest.embed_pieces}".encode())
    h.update(settings.chunking.model_dump_json().encode())
    return h


def corpus_key(corpus: Path, settings: Settings, model_name: str) -> str:
    """A cache key for an eval corpus folder: its files' names and contents, and the index's."""
    h = _index_key(settings, model_name)
    for path in iter_article_files(corpus):
        h.update(str(path.relative_to(corpus)).encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


def articles_key(articles: Sequence[Article], settings: Settings, model_name: str) -> str:
    """A cache key for an article set: origins, ids and titles, and the index's."""
    h = _index_key(settings, model_name)
    for article in articles:
        h.update(f"{article.origin}\0{article.id}\0{article.title}\n".encode())
    return h.hexdigest()[:16]


def corpus_components(settings: Settings, corpus: Path) -> Components:
    """newsbot over ``corpus``, indexed once into ``eval-cache/<key>``; prints whether it
    indexed (and how long it took) or found the cache."""
    embedder = configured_embedder(settings)
    data_dir = settings.data_dir / "eval-cache" / corpus_key(corpus, settings, embedder.name)
    components = build_components(settings, embedder=embedder, data_dir=data_dir)
    if len(components.store) == 0:
        started = time.perf_counter()
        report = ingest_into(components, [corpus])
        took = time.perf_counter() - started
        print(format_report(report).splitlines()[0])
        print(f"indexing time: {took:.1f} s ({len(components.store)} chunks)")
    else:
        print(f"using cached index {data_dir} ({len(components.store)} chunks)")
    return components


def with_gold_ids(items: list[EvalItem], corpus: Path, settings: Settings) -> list[EvalItem]:
    """``items`` with the ids of their gold articles in ``corpus``; prints the gold documents
    the corpus lacks."""
    docs = [item.doc for item in items if item.doc is not None]
    ids = doc_ids(corpus, docs, max_bytes=settings.ingest.max_file_bytes)
    if missing := sorted(set(docs) - set(ids)):
        print(f"{len(missing)} gold docs not in {corpus}: {', '.join(missing[:5])}")
    return gold_ids(items, ids)


def article_lookups(
    store: Store,
) -> tuple[Callable[[str], Article | None], Callable[[str], str | None]]:
    """(an article by id, or None; the file name, without suffix, an article came from)."""

    def article_of(article_id: str) -> Article | None:
        try:
            return store.get_article(article_id)
        except KeyError:
            return None

    def doc_of(article_id: str) -> str | None:
        article = article_of(article_id)
        return Path(article.origin).stem if article and article.origin else None

    return article_of, doc_of


def evaluate(settings: Settings, file: Path, *, corpus: Path | None, show_failures: bool) -> int:
    """``newsbot eval FILE``: the summary, then the report by kind and language."""
    items = load_items(file)
    if corpus is None:
        components = ready(settings)
    else:
        components = corpus_components(settings, corpus)
        items = with_gold_ids(items, corpus, settings)
    components.answerer.warm()
    article_of, doc_of = article_lookups(components.store)
    results = [run_item(item, components.answerer, article_of) for item in items]
    print(format_summary(summarize(results), title=f"{file.name}"))
    print(format_eval(results))
    if show_failures:
        print("\n".join(failures(results, doc_of) + kind_failures(results)))
    return 0


def newsbot_ask(components: Components, answerer: Answerer | None = None) -> Ask:
    """newsbot as an ``Ask``: its answer (from ``answerer``, default the components' own),
    and (in a separate, untimed call to the searcher) the passages it retrieved."""
    max_chars = components.settings.telegram.max_question_chars
    searcher = components.searcher
    chosen = answerer or components.answerer

    def ask(question: str) -> Attempt:
        try:
            answer = chosen.answer(question)
        except NewsBotError:
            return Attempt(None, None, 0.0)
        query = normalize_question(question, max_chars=max_chars)
        retrieved = tuple(p.article.id for p in searcher.search(query))
        first = answer.quotes[0].text if answer.quotes else None
        return Attempt(answer.answer, first, answer.latency_ms, retrieved, answer.confidence)

    return ask


def index_articles(
    settings: Settings, embedder: Embedder, articles: Sequence[Article]
) -> tuple[Components, str]:
    """newsbot over ``articles``, indexed once into ``eval-cache/<key>`` under the data dir;
    with a line saying whether it indexed (and how long it took) or found the cache."""
    data_dir = settings.data_dir / "eval-cache" / articles_key(articles, settings, embedder.name)
    components = build_components(settings, embedder=embedder, data_dir=data_dir)
    if len(components.store) == 0:
        started = time.perf_counter()
        report = ingest_articles(
            ((a.origin, ParsedArticle(a)) for a in articles),
            store=components.store,
            embedder=embedder,
            options=ingest_options(settings),
            report=IngestReport(),
            sentence_cache=components.sentence_cache,
        )
        took = time.perf_counter() - started
        note = f"indexed {len(report.added)} articles in {took:.1f} s"
    else:
        note = f"using cached index {data_dir}"
    logger.info("%s: %s", data_dir, note)
    return components, f"{note} ({len(components.store)} chunks)"


def evaluate_squad(
    settings: Settings, file: Path, *, limit: int | None, seed: int, all_articles: bool
) -> int:
    """``newsbot eval FILE.json``: SQuAD's evaluation questions over an open corpus."""
    docs, golds = squad.load_open_corpus(file, all_articles=all_articles)
    components, note = index_articles(settings, configured_embedder(settings), docs)
    sys.stdout.write(note + "\n")
    components.answerer.warm()
    chosen = squad.sample(golds, limit, seed)
    results = run_questions(chosen, newsbot_ask(components))
    corpus = "all articles" if all_articles else f"{len(squad.EVAL_ARTICLES)} evaluation articles"
    title = f"{file.name} ({len(docs)} paragraphs of {corpus}; seed {seed})"
    sys.stdout.write(format_quality(summarize_quality(results), title=title) + "\n")
    return 0


class EvalCommand:
    """``newsbot eval``: a question set (JSON Lines) or SQuAD (``.json``)."""

    def add_parser(self, sub: SubParsers) -> None:
        ev = sub.add_parser("eval", help="run a question set (JSON Lines) and print the figures")
        ev.add_argument("file", type=Path)
        ev.add_argument("--corpus", type=Path, help="index this folder of articles (cached)")
        ev.add_argument("--failures", action="store_true", help="list the questions it got wrong")
        ev.add_argument("--limit", type=int, help="SQuAD (.json): ask this many, drawn at random")
        ev.add_argument("--seed", type=int, default=0, help="SQuAD: the seed of that draw")
        ev.add_argument(
            "--all-articles",
            action="store_true",
            help="SQuAD: index every article, not only the 12",
        )

    def run(self, args: argparse.Namespace, settings: Settings) -> int:
        if args.file.suffix.lower() == ".json":
            return evaluate_squad(
                settings,
                args.file,
                limit=args.limit,
                seed=args.seed,
                all_articles=args.all_articles,
            )
        return evaluate(settings, args.file, corpus=args.corpus, show_failures=args.failures)


COMMAND = EvalCommand()
