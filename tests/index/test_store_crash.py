"""``FaissStore`` on disk: crash safety, reopening, model checks and damaged files."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from index.errors import IndexCorruptError, IndexModelMismatchError, StoreError
from index.store import faiss_cache, sqlite_writes
from index.store.factory import open_store
from index.store.sqlite_faiss import FaissStore
from index.types import Article
from tests.index.conftest import DIM, ELECTION, FLOOD, MARKET, MODEL, make_item, open_faiss
from tests.index.fakes import FakeEmbedder

REPO = Path(__file__).resolve().parents[2]


class SimulatedCrash(BaseException):
    """Stands in for the process dying (not an ``Exception``, so nothing catches it)."""


def _assert_consistent(path: Path, embedder: FakeEmbedder, articles: list[Article]) -> None:
    """Reopen ``path``: exactly ``articles`` are stored, and each one's chunks are findable."""
    with open_faiss(path) as store:
        assert {info.id for info in store.articles()} == {a.id for a in articles}
        chunks = store.all_chunks()
        assert len(store) == len(chunks)
        for chunk in chunks:
            query = embedder.embed([chunk.text], kind="query")[0]
            assert store.search(query, 1)[0][0] == chunk.key
        manifest = json.loads((path / "vectors.json").read_text())
        assert manifest["generation"] == store.generation
        assert manifest["count"] == len(chunks)


def _rebuilt(caplog: pytest.LogCaptureFixture) -> bool:
    return any("rebuilding it from the database" in r.getMessage() for r in caplog.records)


def _caught_up(caplog: pytest.LogCaptureFixture) -> bool:
    return any("bringing the vectors from generation" in r.getMessage() for r in caplog.records)


def test_reopen_uses_the_saved_index(
    tmp_path: Path, embedder: FakeEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    with open_store(tmp_path, MODEL, DIM) as store:
        store.upsert_many([make_item(embedder, ELECTION), make_item(embedder, FLOOD)])

    with caplog.at_level(logging.WARNING):
        _assert_consistent(tmp_path, embedder, [ELECTION, FLOOD])
    assert not _rebuilt(caplog)


@pytest.mark.parametrize("crash_on", ["vectors.faiss", "vectors.json"])
def test_crash_after_the_commit_is_repaired_on_open(
    tmp_path: Path,
    embedder: FakeEmbedder,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    crash_on: str,
) -> None:
    store = open_faiss(tmp_path, save_interval_s=0)  # (a save after every write)
    store.upsert(*make_item(embedder, ELECTION))
    real_write = faiss_cache.atomic_write

    def crashing_write(path: Path, data: bytes) -> None:
        if path.name == crash_on:
            raise SimulatedCrash
        real_write(path, data)

    monkeypatch.setattr(faiss_cache, "atomic_write", crashing_write)
    with pytest.raises(SimulatedCrash):
        store.upsert(*make_item(embedder, FLOOD))
    with pytest.raises(SimulatedCrash):  # closing retries the save (and still closes)
        store.close()
    monkeypatch.undo()

    # The files saved at generation 1 (or an index at 2 under a manifest still at 1) are
    # brought up to the database, not rebuilt from it.
    with caplog.at_level(logging.INFO):
        _assert_consistent(tmp_path, embedder, [ELECTION, FLOOD])
    assert _caught_up(caplog)
    assert not _rebuilt(caplog)


def test_a_failed_save_is_logged_and_the_write_stands(
    tmp_path: Path,
    embedder: FakeEmbedder,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    def full_disk(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    with open_faiss(tmp_path, save_interval_s=0) as store:
        monkeypatch.setattr(faiss_cache, "atomic_write", full_disk)
        with caplog.at_level(logging.ERROR):
            assert store.upsert(*make_item(embedder, MARKET)) == "added"
        assert "could not save" in caplog.text
        query = embedder.embed(["central bank interest rates"], kind="query")[0]
        assert store.search(query, 1)[0][0].startswith(MARKET.id)
    monkeypatch.undo()

    _assert_consistent(tmp_path, embedder, [MARKET])


def test_an_exception_inside_the_transaction_keeps_the_previous_state(
    tmp_path: Path, embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_faiss(tmp_path) as store:
        store.upsert(*make_item(embedder, ELECTION))
        real_write_one = sqlite_writes.write_article
        calls: list[str] = []

        def failing_write_one(*args: object) -> str:
            calls.append("call")
            if len(calls) == 2:
                raise SimulatedCrash
            return real_write_one(*args)  # type: ignore[arg-type]

        monkeypatch.setattr(sqlite_writes, "write_article", failing_write_one)
        with pytest.raises(SimulatedCrash):
            store.upsert_many([make_item(embedder, FLOOD), make_item(embedder, MARKET)])
        monkeypatch.undo()

        assert calls == ["call", "call"]
        assert store.generation == 1
        assert not store.has_content(FLOOD.id)
        assert len(store) == 2
        assert store.upsert(*make_item(embedder, FLOOD)) == "added"

    _assert_consistent(tmp_path, embedder, [ELECTION, FLOOD])


_CHILD = """
import os, sys
from tests.index.fakes import FakeEmbedder
from index.store import faiss_cache
from tests.index.conftest import DIM, ELECTION, FLOOD, MARKET, MODEL, make_item, open_faiss

def die(*args, **kwargs):
    os._exit(3)

embedder = FakeEmbedder(dim=DIM, name=MODEL)
store = open_faiss(sys.argv[1], save_interval_s=0 if sys.argv[2] == "before-save" else 3600)
store.upsert(*make_item(embedder, ELECTION))
if sys.argv[2] == "before-save":
    faiss_cache.atomic_write = die
elif sys.argv[2] == "unsaved":
    store.upsert_many([make_item(embedder, FLOOD), make_item(embedder, MARKET)])
    die()
else:
    from index.store import sqlite_writes
    write_one = sqlite_writes.write_article
    def dying_write_one(conn, article, *rest):
        return die() if article is MARKET else write_one(conn, article, *rest)
    sqlite_writes.write_article = dying_write_one
store.upsert_many([make_item(embedder, FLOOD), make_item(embedder, MARKET)])
"""


@pytest.mark.parametrize(
    ("moment", "survivors"),
    [
        ("before-save", [ELECTION, FLOOD, MARKET]),
        ("unsaved", [ELECTION, FLOOD, MARKET]),  # killed before the timed save of the file
        ("mid-transaction", [ELECTION]),
    ],
)
def test_a_killed_process_leaves_a_loadable_store(
    tmp_path: Path, embedder: FakeEmbedder, moment: str, survivors: list[Article]
) -> None:
    child = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(_CHILD), str(tmp_path), moment],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert child.returncode == 3, child.stderr
    _assert_consistent(tmp_path, embedder, survivors)


def test_a_file_saved_before_later_writes_is_brought_up_to_date(
    tmp_path: Path, embedder: FakeEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    manifest = tmp_path / "vectors.json"
    with open_faiss(tmp_path, save_interval_s=0) as store:
        store.upsert_many([make_item(embedder, ELECTION), make_item(embedder, FLOOD)])
    saved = ((tmp_path / "vectors.faiss").read_bytes(), manifest.read_bytes())
    with open_faiss(tmp_path) as store:
        assert store.remove(ELECTION.id)
        store.upsert(*make_item(embedder, MARKET))
    # As if the process had died before its timed save: the files are one write behind.
    (tmp_path / "vectors.faiss").write_bytes(saved[0])
    manifest.write_bytes(saved[1])

    with caplog.at_level(logging.INFO):
        _assert_consistent(tmp_path, embedder, [FLOOD, MARKET])
    added, removed = (len(make_item(embedder, a)[1]) for a in (MARKET, ELECTION))
    assert f"{added} added, {removed} removed" in caplog.text
    assert not _rebuilt(caplog)
    assert json.loads(manifest.read_text())["generation"] == 3


@pytest.mark.parametrize("damage", ["missing", "garbage", "truncated", "bad manifest", "future"])
def test_a_damaged_faiss_file_is_rebuilt(
    tmp_path: Path, embedder: FakeEmbedder, caplog: pytest.LogCaptureFixture, damage: str
) -> None:
    index_file = tmp_path / "vectors.faiss"
    manifest = tmp_path / "vectors.json"
    with open_faiss(tmp_path) as store:
        store.upsert(*make_item(embedder, ELECTION))
        store.upsert(*make_item(embedder, FLOOD))
    if damage == "missing":
        index_file.unlink()
    elif damage == "garbage":
        index_file.write_bytes(os.urandom(300))
    elif damage == "truncated":
        index_file.write_bytes(index_file.read_bytes()[:-50])
    elif damage == "bad manifest":
        manifest.write_text("{not json")
    else:  # claims a generation the database never reached
        manifest.write_text(json.dumps({**json.loads(manifest.read_text()), "generation": 9}))

    with caplog.at_level(logging.WARNING):
        _assert_consistent(tmp_path, embedder, [ELECTION, FLOOD])
    assert _rebuilt(caplog)


def test_a_manifest_that_lies_about_the_index_is_caught(
    tmp_path: Path, embedder: FakeEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    manifest = tmp_path / "vectors.json"
    with open_faiss(tmp_path) as store:
        store.upsert(*make_item(embedder, ELECTION))
        old_index = (tmp_path / "vectors.faiss").read_bytes()
        store.upsert(*make_item(embedder, FLOOD))
    (tmp_path / "vectors.faiss").write_bytes(old_index)  # manifest still says generation 2

    with caplog.at_level(logging.WARNING):
        _assert_consistent(tmp_path, embedder, [ELECTION, FLOOD])
    assert "holds other chunks" in caplog.text
    assert json.loads(manifest.read_text())["generation"] == 2


def test_a_write_by_another_instance_is_seen_by_search(
    tmp_path: Path, embedder: FakeEmbedder
) -> None:
    with open_faiss(tmp_path) as reader, open_faiss(tmp_path) as writer:
        reader.upsert(*make_item(embedder, ELECTION))
        writer.upsert(*make_item(embedder, FLOOD))
        query = embedder.embed(["rescue teams evacuated residents"], kind="query")[0]

        assert reader.search(query, 1)[0][0] == f"{FLOOD.id}:1"
        assert reader.upsert(*make_item(embedder, MARKET)) == "added"
        assert writer.generation == reader.generation == 3

    _assert_consistent(tmp_path, embedder, [ELECTION, FLOOD, MARKET])


@pytest.mark.parametrize(("name", "dim"), [("another-model", DIM), (MODEL, DIM * 2)])
def test_another_model_is_refused(
    tmp_path: Path, embedder: FakeEmbedder, name: str, dim: int
) -> None:
    with open_faiss(tmp_path) as store:
        store.upsert(*make_item(embedder, ELECTION))

    with pytest.raises(IndexModelMismatchError) as caught:
        FaissStore(tmp_path, name, dim)

    assert caught.value.params == {
        "built_with": f"{MODEL} (dim {DIM})",
        "configured": f"{name} (dim {dim})",
    }
    assert "Re-index" in caught.value.user_message
    assert "re-index" in str(caught.value)
    _assert_consistent(tmp_path, embedder, [ELECTION])


def test_a_file_that_is_not_a_database_is_corrupt(tmp_path: Path) -> None:
    (tmp_path / "newsbot.sqlite").write_bytes(b"this is not sqlite" * 100)

    with pytest.raises(IndexCorruptError, match="not a readable database"):
        open_faiss(tmp_path)


def test_another_sqlite_database_is_corrupt(tmp_path: Path) -> None:
    with sqlite3.connect(tmp_path / "newsbot.sqlite") as conn:
        conn.execute("CREATE TABLE unrelated (x)")
    conn.close()

    with pytest.raises(IndexCorruptError, match="not a newsbot database"):
        open_faiss(tmp_path)


def test_a_stored_vector_of_the_wrong_size_is_corrupt(
    tmp_path: Path, embedder: FakeEmbedder
) -> None:
    with open_faiss(tmp_path) as store:
        store.upsert(*make_item(embedder, ELECTION))
    with sqlite3.connect(tmp_path / "newsbot.sqlite") as conn:
        conn.execute("UPDATE vectors SET vector = ?", (np.ones(3, np.float32).tobytes(),))
    conn.close()
    (tmp_path / "vectors.faiss").unlink()

    with pytest.raises(IndexCorruptError, match="float32"):
        open_faiss(tmp_path)


def test_stale_temp_files_are_removed_on_open(tmp_path: Path) -> None:
    open_faiss(tmp_path).close()
    stale = tmp_path / ".vectors.faiss.old.tmp"
    fresh = tmp_path / ".vectors.faiss.new.tmp"
    stale.write_bytes(b"x")
    fresh.write_bytes(b"x")
    hour_ago = time.time() - 3600
    os.utime(stale, (hour_ago, hour_ago))

    open_faiss(tmp_path).close()

    assert not stale.exists()
    assert fresh.exists()


def test_stats_report_the_size_on_disk(tmp_path: Path, embedder: FakeEmbedder) -> None:
    with open_faiss(tmp_path) as store:
        empty = store.stats()
        store.upsert(*make_item(embedder, ELECTION))
        stats = store.stats()

    assert (stats.articles, stats.chunks, stats.generation) == (1, 2, 1)
    assert stats.size_bytes > empty.size_bytes > 0


def test_a_closed_store_refuses_calls(tmp_path: Path, embedder: FakeEmbedder) -> None:
    store = open_faiss(tmp_path)
    store.close()

    with pytest.raises(StoreError, match="closed"):
        store.articles()
    with pytest.raises(StoreError, match="closed"):
        store.upsert(*make_item(embedder, ELECTION))


def test_the_vectors_file_is_saved_on_a_timer_and_by_flush(
    tmp_path: Path, embedder: FakeEmbedder
) -> None:
    manifest = tmp_path / "vectors.json"
    with open_faiss(tmp_path, save_interval_s=3600) as store:
        store.upsert(*make_item(embedder, ELECTION))
        store.upsert(*make_item(embedder, FLOOD))
        saved = json.loads(manifest.read_text())["generation"] if manifest.exists() else 0
        assert saved < store.generation  # not rewritten after every write
        query = embedder.embed(["flooded river"], kind="query")[0]
        assert store.search(query, 1)[0][0].startswith(FLOOD.id)  # searchable all the same
        store.flush()
        assert json.loads(manifest.read_text())["generation"] == store.generation
        store.upsert(*make_item(embedder, MARKET))
    # (closing saves it too)
    _assert_consistent(tmp_path, embedder, [ELECTION, FLOOD, MARKET])
