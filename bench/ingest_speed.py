"""Benchmark: ingest of a corpus folder against the raw encode of its paragraphs.

    python -m bench.ingest_speed ../shared/eval/uanews/articles [--profile multilingual]

In one process, with one loaded model: the raw encode of every paragraph of the corpus's
articles (what a plain paragraph index embeds), then ``newsbot ingest`` of the folder into a
fresh data directory (parse, chunk, embed, store, sentence cache), then the raw encode again.
Prints both and the ratio of the ingest to the mean raw encode. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from bot.config.settings import Settings
from bot.factory import build_components, configured_embedder
from bot.factory import ingest as ingest_into
from index.chunking import split_paragraphs
from index.documents.parse import iter_article_files, read_article_file
from index.embedding.base import Embedder


def paragraphs(corpus: Path, max_bytes: int) -> list[str]:
    """Every paragraph of every article body in ``corpus``."""
    out: list[str] = []
    for path in iter_article_files(corpus):
        article = read_article_file(path, max_bytes=max_bytes).article
        out.extend(span.slice(article.text) for span in split_paragraphs(article.text))
    return out


def raw_encode(embedder: Embedder, texts: Sequence[str]) -> float:
    started = time.perf_counter()
    embedder.embed(texts, kind="document")
    return time.perf_counter() - started


def ingest_once(settings: Settings, embedder: Embedder, corpus: Path) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as tmp:
        comps = build_components(settings, embedder=embedder, data_dir=Path(tmp))
        started = time.perf_counter()
        report = ingest_into(comps, [corpus], progress=False)
        took = time.perf_counter() - started
        chunks = len(comps.store)
        comps.store.close()
        comps.sentence_cache.close()
    return took, f"{len(report.added)} articles, {chunks} chunks"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--profile", default=None, help="english or multilingual")
    parser.add_argument("--data-dir", type=Path, default=Path("data"))
    parser.add_argument(
        "--encoded", action="store_true", help="each chunk and sentence encoded on its own"
    )
    parser.add_argument(
        "--batch-sizes",
        default="",
        help="comma-separated encode batch sizes: time only the raw encode at each, then stop",
    )
    args = parser.parse_args(argv)
    overrides: dict[str, object] = {"data_dir": args.data_dir}
    if args.profile:
        overrides["profile"] = args.profile
    settings = Settings(**overrides)  # type: ignore[arg-type]
    if args.encoded:
        settings.ingest.pool_vectors = False
    embedder = configured_embedder(settings)
    embedder.warm()
    texts = paragraphs(args.corpus, settings.ingest.max_file_bytes)
    print(f"{args.corpus}: {len(texts)} paragraphs; model {embedder.name}; {os.cpu_count()} cores")
    if args.batch_sizes:
        for size in (int(x) for x in args.batch_sizes.split(",")):
            sized = configured_embedder(
                settings.model_copy(
                    update={"embedding": settings.embedding.model_copy(update={"batch_size": size})}
                )
            )
            sized.warm()
            print(f"raw encode at batch size {size}: {raw_encode(sized, texts):.1f} s")
        return
    before = raw_encode(embedder, texts)
    print(f"raw encode of the paragraphs: {before:.1f} s")
    took, what = ingest_once(settings, embedder, args.corpus)
    mode = "pooled vectors" if settings.ingest.pool_vectors else "each text encoded"
    print(f"newsbot ingest ({mode}): {what} in {took:.1f} s")
    after = raw_encode(embedder, texts)
    raw = (before + after) / 2
    print(f"raw encode again: {after:.1f} s; ingest / raw = {took / raw:.2f}")


if __name__ == "__main__":
    main()
