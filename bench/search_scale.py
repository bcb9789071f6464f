"""Dense search at scale: the index newsbot chooses by size, against exact search.

    python -m bench.search_scale [--sizes 10000 100000 1000000] [--queries 300] [--threads 1]

Synthetic unit vectors of the embedder's dimension (384), drawn around topic centres as real
embeddings cluster, stand in for chunks (embedding a million real chunks takes about nine hours
on two cores; the end-to-end figures use real text, see ``bench.latency``). Queries are
perturbed stored vectors, as a question lies near its passage. For each size: the kind of
index ``index.store.vector_index`` builds (flat below the threshold, IVF-SQ8 above), its build
time, the memory its vectors take (the serialised index, and the process's resident growth),
recall@10 against exact inner-product search, and per-query latency p50/p95 (one query at a
time, ``--threads`` FAISS threads). For the IVF index, ``nprobe`` is also swept.
"""

from __future__ import annotations

import argparse
import gc
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from evaluation.stats import percentile
from index.store import vector_index
from index.store.vector_index import VectorIndexPolicy

DIM = 384


def rss_mb() -> float:
    """The resident memory of this process, in MB."""
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * 4096 / 2**20


def synthetic(
    n: int, *, topics: int, spread: float, seed: int, dim: int = DIM
) -> npt.NDArray[np.float32]:
    """``n`` unit vectors around ``topics`` random centres, built in blocks (little memory)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(topics, dim)).astype(np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        stop = min(n, start + 100_000)
        block = centres[rng.integers(0, topics, size=stop - start)]
        block += spread * rng.normal(size=block.shape).astype(np.float32)
        block /= np.linalg.norm(block, axis=1, keepdims=True)
        out[start:stop] = block
    return out


def queries_near(data: npt.NDArray[np.float32], count: int, seed: int) -> npt.NDArray[np.float32]:
    rng = np.random.default_rng(seed)
    picked = data[rng.integers(0, len(data), size=count)]
    noisy = picked + 0.5 * rng.normal(size=picked.shape).astype(np.float32) / np.sqrt(DIM)
    unit: npt.NDArray[np.float32] = (noisy / np.linalg.norm(noisy, axis=1, keepdims=True)).astype(
        np.float32
    )
    return unit


def exact_top(
    data: npt.NDArray[np.float32], queries: npt.NDArray[np.float32], k: int
) -> npt.NDArray[np.int64]:
    import faiss

    flat = faiss.IndexFlatIP(DIM)
    flat.add(data)
    _, ids = flat.search(queries, k)
    return np.asarray(ids, dtype=np.int64)


def timed_search(
    index: Any, queries: npt.NDArray[np.float32], k: int
) -> tuple[npt.NDArray[np.int64], list[float]]:
    found = np.empty((len(queries), k), dtype=np.int64)
    times = []
    for i in range(len(queries)):
        t0 = time.perf_counter()
        _, ids = index.search(queries[i : i + 1], k)
        times.append((time.perf_counter() - t0) * 1000)
        found[i] = ids[0]
    return found, times


def recall(truth: npt.NDArray[np.int64], found: npt.NDArray[np.int64]) -> float:
    hits = [len(set(t.tolist()) & set(f.tolist())) for t, f in zip(truth, found, strict=True)]
    return float(np.mean(hits)) / int(truth.shape[1])


def one_size(n: int, args: argparse.Namespace, policy: VectorIndexPolicy) -> None:
    data = synthetic(n, topics=max(50, n // 500), spread=args.spread, seed=n)
    queries = queries_near(data, args.queries, seed=n + 1)
    truth = exact_top(data, queries, 10)
    ids = np.arange(n, dtype=np.int64)
    gc.collect()
    before = rss_mb()
    t0 = time.perf_counter()
    index = vector_index.build(DIM, data, ids, policy)
    build_s = time.perf_counter() - t0
    grown = rss_mb() - before
    import faiss

    stored_mb = faiss.serialize_index(index).nbytes / 2**20
    kind, nlist = vector_index.plan(n, policy)
    found, times = timed_search(index, queries, 10)
    label = f"{kind}" + (f" IVF{nlist},SQ8 nprobe {policy.nprobe}" if kind == "ivf" else "")
    print(
        f"{n:>9,} vectors: {label}; build {build_s:.1f} s; index {stored_mb:.0f} MB "
        f"(resident +{grown:.0f} MB); recall@10 {recall(truth, found):.3f}; "
        f"p50 {percentile(times, 50):.2f} ms  p95 {percentile(times, 95):.2f} ms"
    )
    if kind == "ivf":
        ivf = faiss.extract_index_ivf(index)
        for nprobe in args.sweep:
            ivf.nprobe = nprobe
            found, times = timed_search(index, queries, 10)
            print(
                f"           nprobe {nprobe:>3}: recall@10 {recall(truth, found):.3f}; "
                f"p50 {percentile(times, 50):.2f} ms  p95 {percentile(times, 95):.2f} ms"
            )
    del index, data
    gc.collect()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--spread", type=float, default=0.6, help="noise around topic centres")
    parser.add_argument("--sweep", type=int, nargs="*", default=[16, 32, 64, 96])
    parser.add_argument("--threshold", type=int, help="override search.ivf_threshold")
    parser.add_argument("--nprobe", type=int, help="override search.nprobe")
    args = parser.parse_args()
    import faiss

    faiss.omp_set_num_threads(args.threads)
    policy = VectorIndexPolicy()
    if args.threshold:
        policy = replace(policy, ivf_threshold=args.threshold)
    if args.nprobe:
        policy = replace(policy, nprobe=args.nprobe)
    print(
        f"dense search, dim {DIM}, {args.queries} queries, {args.threads} FAISS thread(s); "
        f"IVF from {policy.ivf_threshold:,} vectors"
    )
    for n in args.sizes:
        one_size(n, args, policy)


if __name__ == "__main__":
    main()
