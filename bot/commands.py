"""The subcommands of ``newsbot``. Each builds what it needs from Settings and prints results."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.factory import (
    Components,
    build_components,
    configured_embedder,
    ensure_corpus,
)
from bot.factory import ingest as ingest_into
from bot.settings import Settings
from index.documents.parse import iter_article_files
from index.embedding.base import Embedder
from index.ingest import INDEX_FORMAT
from index.types import IngestReport
from index.web.base import Fetcher

logger = logging.getLogger(__name__)


def _ready(
    settings: Settings, *, data_dir: Path | None = None, embedder: Embedder | None = None
) -> Components:
    components = build_components(settings, data_dir=data_dir, embedder=embedder)
    report = ensure_corpus(components)
    if report is not None:
        print(format_report(report), file=sys.stderr)
    return components


def format_report(report: IngestReport, *, failed: Mapping[str, str] | None = None) -> str:
    """The summary line (added, updated, skipped, failed), then each reason; ``failed`` adds
    whole sources that failed (feed URL -> why) to the rejected articles."""
    failed = failed or {}
    lines = [
        f"added {len(report.added)}, updated {len(report.updated)}, "
        f"skipped {len(report.skipped)}, failed {len(report.rejected) + len(failed)}"
    ]
    lines += [f"  skipped {name}: {why}" for name, why in report.skipped[:20]]
    if len(report.skipped) > 20:
        lines.append(f"  ... and {len(report.skipped) - 20} more skipped")
    lines += [f"  failed feed {url}: {why}" for url, why in failed.items()]
    lines += [f"  failed {name}: {why}" for name, why in report.rejected]
    lines += [f"  warning {name}: {why}" for name, why in report.warnings]
    return "\n".join(lines)


def run(settings: Settings, *, embedder: Embedder | None = None) -> int:
    """The Telegram bot when a token is configured, else the console chat (``embedder``
    replaces the configured one, for tests)."""
    components = _ready(settings, embedder=embedder)
    try:
        if settings.telegram.token is not None:
            _run_telegram(settings, components, settings.telegram.token.get_secret_value())
            return 0
        from bot.console import run_console

        components.answerer.warm()
        return run_console(components.answerer, components.store)
    finally:
        components.store.close()
        components.sentence_cache.close()


def _run_telegram(settings: Settings, components: Components, token: str) -> None:
    """Build the bot's stores in the data directory and run the Telegram bot until stopped."""
    from bot.answering.topics import TopicFinder
    from bot.chat_prefs import ChatPrefsStore, prefs_path
    from bot.feedback import FeedbackStore, feedback_path
    from bot.follows import Follows, FollowStore, follows_path
    from bot.library_index import build_library
    from bot.telegram.app import build_application, run_application
    from bot.telegram.journal import UpdateJournal, journal_path
    from index.topic_match import TopicMatcher

    data_dir = settings.data_dir
    with contextlib.ExitStack() as opened:
        library = opened.enter_context(contextlib.closing(build_library(components)))
        journal = opened.enter_context(
            contextlib.closing(UpdateJournal(journal_path(data_dir, token)))
        )
        feedback = opened.enter_context(contextlib.closing(FeedbackStore(feedback_path(data_dir))))
        prefs = opened.enter_context(contextlib.closing(ChatPrefsStore(prefs_path(data_dir))))
        follow_store = opened.enter_context(contextlib.closing(FollowStore(follows_path(data_dir))))
        matcher = TopicMatcher(
            components.store, components.embedder, min_score=settings.follow.min_score
        )
        app = build_application(
            settings,
            components.answerer,
            components.store,
            library,
            journal,
            feedback=feedback,
            chat_prefs=prefs,
            topics=TopicFinder(components.searcher, min_score=settings.search.topic_min_score),
            follows=Follows(follow_store, matcher),
        )
        run_application(app, settings)


def ingest(
    settings: Settings,
    targets: Sequence[str | Path],
    *,
    fetcher: Fetcher | None = None,
    embedder: Embedder | None = None,
) -> int:
    """Index local files and folders, and the articles at http(s) URLs; 1 if all failed."""
    from bot.library_index import build_fetcher, ingest_urls, is_url

    urls = [str(t).strip() for t in targets if is_url(str(t))]
    paths = [Path(t) for t in targets if not is_url(str(t))]
    components = build_components(settings, embedder=embedder)
    started = time.perf_counter()
    try:
        report = ingest_into(components, paths)
        if urls:
            web = fetcher or build_fetcher(settings)
            try:
                ingest_urls(components, urls, fetcher=web, report=report)
            finally:
                if fetcher is None:
                    web.close()
    finally:
        components.store.close()
        components.sentence_cache.close()
    print(format_report(report))
    logger.info("ingest took %.1f s", time.perf_counter() - started)
    return 1 if report.rejected and not report.changed and not report.skipped else 0


def ask(settings: Settings, question: str, *, as_json: bool) -> int:
    from bot.console import reply
    from index.errors import NewsBotError

    components = _ready(settings)
    if question == "-":  # (a single question loads what it needs itself: no rehearsal first)
        components.answerer.warm()
    questions = (line for line in sys.stdin) if question == "-" else iter([question])
    status = 0
    for text in questions:
        if question == "-" and not text.strip():
            continue
        if not as_json:
            print(reply(components.answerer, text))
            continue
        try:
            obj = components.answerer.answer(text).as_json()
        except NewsBotError as e:
            obj = {"error": e.code, "message": e.user_message}
            status = 2
        print(json.dumps(obj, ensure_ascii=False), flush=True)
    return status


def sources(settings: Settings) -> int:
    from bot.render_text import render_sources

    components = _ready(settings)
    print(render_sources(components.store.articles()))
    return 0


def corpus_key(corpus: Path, settings: Settings, model_name: str) -> str:
    """A cache key for an eval corpus: its files' names and contents, the model, the chunking."""
    h = hashlib.sha256()
    h.update(f"{model_name}|format {INDEX_FORMAT}".encode())
    if settings.ingest.pool_vectors:  # (the key of indexes of encoded chunks is unchanged)
        h.update(f"|pooled vectors, pieces {settings.ingest.embed_pieces}".encode())
    h.update(settings.chunking.model_dump_json().encode())
    for path in iter_article_files(corpus):
        h.update(str(path.relative_to(corpus)).encode())
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()[:16]


def evaluate(settings: Settings, file: Path, *, corpus: Path | None, show_failures: bool) -> int:
    """``newsbot eval FILE``: the summary, then the report by kind and language."""
    from bot.evaluation import (
        doc_ids,
        failures,
        format_summary,
        gold_ids,
        load_items,
        run_item,
        summarize,
    )
    from bot.evaluation_report import format_report as format_eval
    from bot.evaluation_report import kind_failures
    from index.types import Article

    items = load_items(file)
    if corpus is None:
        components = _ready(settings)
    else:
        embedder = configured_embedder(settings)
        key = corpus_key(corpus, settings, embedder.name)
        data_dir = settings.data_dir / "eval-cache" / key
        components = build_components(settings, embedder=embedder, data_dir=data_dir)
        if len(components.store) == 0:
            started = time.perf_counter()
            report = ingest_into(components, [corpus])
            took = time.perf_counter() - started
            print(format_report(report).splitlines()[0])
            print(f"indexing time: {took:.1f} s ({len(components.store)} chunks)")
        else:
            print(f"using cached index {data_dir} ({len(components.store)} chunks)")
        docs = [item.doc for item in items if item.doc is not None]
        ids = doc_ids(corpus, docs, max_bytes=settings.ingest.max_file_bytes)
        items = gold_ids(items, ids)
        if missing := sorted(set(docs) - set(ids)):
            print(f"{len(missing)} gold docs not in {corpus}: {', '.join(missing[:5])}")
    components.answerer.warm()
    store = components.store

    def article_of(article_id: str) -> Article | None:
        try:
            return store.get_article(article_id)
        except KeyError:
            return None

    def doc_of(article_id: str) -> str | None:
        article = article_of(article_id)
        return Path(article.origin).stem if article and article.origin else None

    results = [run_item(item, components.answerer, article_of) for item in items]
    print(format_summary(summarize(results), title=f"{file.name}"))
    print(format_eval(results))
    if show_failures:
        print("\n".join(failures(results, doc_of) + kind_failures(results)))
    return 0
