"""bench.hnsw_scale at a tiny size on a real PostgreSQL: one row per index and setting."""

from __future__ import annotations

import pytest

from bench.hnsw_scale import arguments, run, table


@pytest.mark.postgres
def test_both_indexes_are_measured_against_exact_search(postgres_url: str) -> None:
    sizes = ["--chunks", "3000", "--queries", "20", "--ef-search", "10"]
    rows = run(arguments([*sizes, "--maintenance-work-mem", "64MB", "--url", postgres_url]))
    assert [row.index for row in rows] == [
        "FAISS flat (SQLite store)",
        "pgvector HNSW m 16, ef_construction 64, ef_search 100 (store)",
        "pgvector HNSW m 16, ef_construction 64, ef_search 10",
    ]
    faiss, store, narrow = rows
    assert faiss.recall == 1.0  # below the IVF threshold FAISS searches exactly
    assert 0.5 <= store.recall <= 1.0 and 0.0 < narrow.recall <= 1.0
    assert store.build.startswith("load ") and "index" in store.memory
    assert narrow.build == narrow.memory == ""
    assert all(0 < row.p50_ms <= row.p95_ms for row in rows)
    lines = table(rows).splitlines()
    assert len(lines) == 2 + len(rows) and lines[2].startswith("| FAISS flat")
