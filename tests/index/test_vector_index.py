"""The FAISS index chosen by size: flat below the threshold, IVF with 8-bit scalar
quantisation above, switched as the store grows and shrinks, and saved and reloaded."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pytest

from index.store import vector_index
from index.store.faiss_cache import VectorSnapshot
from index.store.sqlite_faiss import FaissStore
from index.store.vector_index import VectorIndexPolicy, build, kind_of, needs_rebuild, plan
from tests.index.conftest import DIM, MODEL, make_article, make_item
from tests.index.fakes import FakeEmbedder

SMALL = VectorIndexPolicy(ivf_threshold=200, nprobe=32)


def clustered(n: int, dim: int, seed: int = 0) -> npt.NDArray[np.float32]:
    """Unit vectors around 40 centres (embeddings cluster by topic; uniform noise does not)."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(size=(40, dim))
    rows = centres[rng.integers(0, 40, size=n)] + 0.35 * rng.normal(size=(n, dim))
    rows /= np.linalg.norm(rows, axis=1, keepdims=True)
    return rows.astype(np.float32)


def test_the_plan_follows_the_size() -> None:
    policy = VectorIndexPolicy(ivf_threshold=250_000)
    assert plan(249_999, policy) == ("flat", 0)
    assert plan(250_000, policy) == ("ivf", 2048)  # about 4·sqrt(n), a power of two
    assert plan(1_000_000, policy) == ("ivf", 4096)


def test_the_ivf_index_finds_what_exact_search_finds() -> None:
    vectors = clustered(3000, DIM)
    ids = np.arange(10, 3010, dtype=np.int64)
    exact = build(DIM, vectors, ids, VectorIndexPolicy(ivf_threshold=10**9))
    approx = build(DIM, vectors, ids, SMALL)
    assert (kind_of(exact), kind_of(approx)) == ("flat", "ivf")
    queries = clustered(50, DIM, seed=1)
    _, truth = exact.search(queries, 10)
    _, found = approx.search(queries, 10)
    recall = np.mean([len(set(t) & set(f)) / 10 for t, f in zip(truth, found, strict=True)])
    assert recall >= 0.9
    assert set(found.ravel()) <= set(ids.tolist())  # chunk rowids, not positions


def test_hysteresis_and_growth() -> None:
    flat = build(DIM, clustered(100, DIM), np.arange(100, dtype=np.int64), SMALL)
    assert not needs_rebuild(flat, 199, SMALL)
    assert needs_rebuild(flat, 200, SMALL)
    ivf = build(DIM, clustered(400, DIM), np.arange(400, dtype=np.int64), SMALL)
    assert not needs_rebuild(ivf, 150, SMALL)  # between half the threshold and the threshold
    assert needs_rebuild(ivf, 99, SMALL)
    assert needs_rebuild(ivf, 400 * 16, SMALL)  # outgrew its lists fourfold


def _text(i: int) -> str:
    """Five paragraphs of words drawn for article ``i`` (distinct vectors for the fake)."""
    rng = np.random.default_rng(i)
    words = [f"w{n}" for n in rng.integers(0, 5000, size=40)]
    return "\n\n".join(" ".join(words[p * 8 : p * 8 + 8]) + "." for p in range(5))


def test_the_store_switches_kind_as_it_grows_and_shrinks(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="index.store")
    embedder = FakeEmbedder(dim=DIM, name=MODEL)
    articles = [make_article(_text(i), title=f"T{i}", origin=f"/c/{i}.txt") for i in range(50)]
    with FaissStore(tmp_path, MODEL, DIM, SMALL) as store:
        store.upsert_many([make_item(embedder, a) for a in articles[:30]])  # 150 chunks
        assert kind_of(store._vectors.index) == "flat"
        store.upsert_many([make_item(embedder, a) for a in articles[30:]])  # 250 chunks
        assert kind_of(store._vectors.index) == "ivf"
        assert any("switching to an ivf index" in r.getMessage() for r in caplog.records)
        _, chunks, vectors = make_item(embedder, articles[42])
        assert store.search(vectors[0], 1)[0][0] == chunks[0].key
    assert not [r for r in caplog.records if "rebuilding" in r.getMessage()]
    with caplog.at_level(logging.WARNING), FaissStore(tmp_path, MODEL, DIM, SMALL) as store:
        index = store._vectors.index
        assert kind_of(index) == "ivf"  # loaded from disk, not rebuilt
        assert vector_index._faiss().extract_index_ivf(index).nprobe == 32
        assert not [r for r in caplog.records if "rebuilding" in r.getMessage()]
        for article in articles[:35]:
            store.remove(article.id)  # 75 chunks: under half the threshold
        assert kind_of(store._vectors.index) == "flat"
        _, chunks, vectors = make_item(embedder, articles[40])
        assert store.search(vectors[0], 1)[0][0] == chunks[0].key


def test_searches_do_not_wait_for_a_write_to_publish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a write swaps in new vectors (here held up inside ``apply``), searches answer
    from the last complete snapshot; after the swap the new articles are found."""
    embedder = FakeEmbedder(dim=DIM, name=MODEL)
    articles = [make_article(_text(i), title=f"T{i}", origin=f"/c/{i}.txt") for i in range(6)]
    entered, release = threading.Event(), threading.Event()
    real_apply = VectorSnapshot.apply

    def slow_apply(self: VectorSnapshot, *args: Any) -> VectorSnapshot:
        entered.set()
        release.wait(10)
        return real_apply(self, *args)

    with FaissStore(tmp_path, MODEL, DIM) as store:
        store.upsert_many([make_item(embedder, a) for a in articles[:3]])
        monkeypatch.setattr(VectorSnapshot, "apply", slow_apply)
        writer = threading.Thread(
            target=store.upsert_many, args=([make_item(embedder, a) for a in articles[3:]],)
        )
        writer.start()
        try:
            assert entered.wait(10)
            found: list[list[tuple[str, float]]] = []
            _, old_chunks, old_vectors = make_item(embedder, articles[0])
            searcher = threading.Thread(
                target=lambda: found.append(store.search(old_vectors[0], 1))
            )
            searcher.start()
            searcher.join(5)
            assert not searcher.is_alive()  # it did not wait for the write
            assert found[0][0][0] == old_chunks[0].key
        finally:
            release.set()
            writer.join(10)
        _, new_chunks, new_vectors = make_item(embedder, articles[4])
        assert store.search(new_vectors[0], 1)[0][0] == new_chunks[0].key


def test_an_index_of_the_wrong_kind_on_disk_is_rebuilt_once_and_saved(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    embedder = FakeEmbedder(dim=DIM, name=MODEL)
    articles = [make_article(_text(i), title=f"T{i}", origin=f"/c/{i}.txt") for i in range(50)]
    with FaissStore(tmp_path, MODEL, DIM) as store:  # 250 chunks, flat by default
        store.upsert_many([make_item(embedder, a) for a in articles])
    with caplog.at_level(logging.WARNING), FaissStore(tmp_path, MODEL, DIM, SMALL) as store:
        assert kind_of(store._vectors.index) == "ivf"
    assert "not the one for its size" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.WARNING), FaissStore(tmp_path, MODEL, DIM, SMALL) as store:
        assert kind_of(store._vectors.index) == "ivf"
    assert "rebuilding" not in caplog.text  # the rebuilt index was saved
