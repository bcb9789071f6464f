"""``newsbot ingest PATH|URL...``: index article files, folders and web articles."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from bot.commands.base import SubParsers
from bot.config.settings import Settings
from bot.factory import Components, build_components, ensure_corpus
from bot.factory import ingest as ingest_into
from index.embedding.base import Embedder
from index.types import IngestReport
from index.web.base import Fetcher

logger = logging.getLogger(__name__)


def ready(
    settings: Settings, *, data_dir: Path | None = None, embedder: Embedder | None = None
) -> Components:
    """The configured components, with the bundled sample corpus indexed into an empty index."""
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


def ingest(
    settings: Settings,
    targets: Sequence[str | Path],
    *,
    fetcher: Fetcher | None = None,
    embedder: Embedder | None = None,
) -> int:
    """Index local files and folders, and the articles at http(s) URLs; 1 if all failed."""
    from bot.library.indexed import build_fetcher, ingest_urls, is_url

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


class IngestCommand:
    """``newsbot ingest``."""

    def add_parser(self, sub: SubParsers) -> None:
        parser = sub.add_parser("ingest", help="add article files or folders, or web articles")
        parser.add_argument("paths", nargs="+", metavar="PATH_OR_URL", help="a file, folder or URL")

    def run(self, args: argparse.Namespace, settings: Settings) -> int:
        return ingest(settings, args.paths)


COMMAND = IngestCommand()
