"""BM25 over a store's chunks: stemming, stopwords, lazy rebuilds, empty cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from index import lexical_files
from index.lexical import LexicalIndex
from tests.index.conftest import (
    DIM,
    ELECTION,
    FLOOD,
    MODEL,
    AnyStore,
    add_samples,
    make_article,
    make_item,
    open_faiss,
    while_reading,
)
from tests.index.fakes import FakeEmbedder, MemoryStore


def test_an_empty_store_finds_nothing(store: AnyStore) -> None:
    lexical = LexicalIndex(store)

    assert lexical.search("election", 5) == []
    assert lexical.generation == 0


def test_stemmed_words_match(filled: AnyStore) -> None:
    hits = LexicalIndex(filled).search("Which residents were evacuating?", 5)

    assert hits[0][0] == f"{FLOOD.id}:1"
    assert all(score > 0 for _, score in hits)


def test_results_are_best_first_and_limited(filled: AnyStore) -> None:
    hits = LexicalIndex(filled).search("election rates rain flooded interest", 2)

    assert len(hits) == 2
    assert hits[0][1] >= hits[1][1] > 0


@pytest.mark.parametrize("query", ["", "   ", "the of and", "zyxwv qwertz", "?!"])
def test_queries_without_known_terms_find_nothing(filled: AnyStore, query: str) -> None:
    assert LexicalIndex(filled).search(query, 5) == []


def test_a_corpus_of_stopwords_only_finds_nothing(embedder: FakeEmbedder) -> None:
    store = MemoryStore(MODEL, DIM)
    store.upsert(*make_item(embedder, make_article("The and of.")))

    assert LexicalIndex(store).search("the", 3) == []


def test_the_index_follows_store_writes(store: AnyStore, embedder: FakeEmbedder) -> None:
    lexical = LexicalIndex(store)
    store.upsert(*make_item(embedder, ELECTION))
    assert lexical.search("flooded", 3) == []

    store.upsert(*make_item(embedder, FLOOD))
    keys = [key for key, _ in lexical.search("flooded", 3)]
    assert keys[0] == f"{FLOOD.id}:0"  # the body says "flooded"; the title "floods" too
    assert all(key.startswith(f"{FLOOD.id}:") for key in keys)

    store.remove(FLOOD.id)
    assert lexical.search("flooded", 3) == []
    assert lexical.generation == store.generation == 3


def test_the_index_is_not_rebuilt_while_the_store_is_unchanged(
    filled: AnyStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    lexical = LexicalIndex(filled)
    lexical.refresh()
    builds: list[int] = []
    real_build = lexical._build

    def counting_build(generation: int) -> object:
        builds.append(generation)
        return real_build(generation)

    monkeypatch.setattr(lexical, "_build", counting_build)

    lexical.search("election", 3)
    lexical.search("flooded", 3)
    assert builds == []


def test_no_progress_bars_are_printed(filled: AnyStore, capsys: pytest.CaptureFixture[str]) -> None:
    LexicalIndex(filled).search("markets fell", 3)

    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", "")


def test_concurrent_searches_during_writes(store: AnyStore, embedder: FakeEmbedder) -> None:
    lexical = LexicalIndex(store)
    store.upsert(*make_item(embedder, ELECTION))

    def read() -> None:
        hits = lexical.search("voters election paragraph", 5)
        assert hits and hits[0][1] > 0

    def write() -> None:
        for n in range(10):
            store.upsert(*make_item(embedder, make_article(f"Paragraph {n} about voters.")))

    assert while_reading(read, write) == []
    assert len(lexical.search("voters", 20)) == 1 + 10


def test_titles_and_dates_are_searchable(store: AnyStore, embedder: FakeEmbedder) -> None:
    add_samples(store, embedder)
    lexical = LexicalIndex(store)
    # Neither "valley" in the second chunk nor the date is in the chunk texts themselves.
    by_title = [key for key, _ in lexical.search("valley evacuated residents", 1)]
    assert by_title == [f"{FLOOD.id}:1"]
    by_date = lexical.search("what happened on Saturday 1 June 2024", 5)
    assert by_date[0][0].startswith(f"{FLOOD.id}:")


def test_a_saved_index_is_loaded_instead_of_rebuilt(
    tmp_path: Path, embedder: FakeEmbedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_faiss(tmp_path) as store:
        add_samples(store, embedder)
        LexicalIndex(store, tmp_path).refresh()
        again = LexicalIndex(store, tmp_path)
        monkeypatch.setattr(again, "_build", _no_build)
        assert again.search("flooded river", 1)[0][0].startswith(FLOOD.id)
        assert again.generation == store.generation


def test_a_saved_index_of_another_generation_is_rebuilt(
    tmp_path: Path, embedder: FakeEmbedder
) -> None:
    with open_faiss(tmp_path) as store:
        store.upsert(*make_item(embedder, ELECTION))
        LexicalIndex(store, tmp_path).refresh()
        store.upsert(*make_item(embedder, FLOOD))
        again = LexicalIndex(store, tmp_path)
        assert again.search("flooded river", 1)[0][0].startswith(FLOOD.id)
        assert len(list(tmp_path.glob("bm25-*"))) >= 1
        pointer = json.loads((tmp_path / lexical_files.POINTER).read_text())
        assert pointer["generation"] == store.generation


@pytest.mark.parametrize("damage", ["pointer", "folder"])
def test_a_damaged_saved_index_is_rebuilt(
    tmp_path: Path, embedder: FakeEmbedder, damage: str
) -> None:
    with open_faiss(tmp_path) as store:
        store.upsert_many([make_item(embedder, a) for a in (ELECTION, FLOOD)])
        LexicalIndex(store, tmp_path).refresh()
        if damage == "pointer":
            (tmp_path / lexical_files.POINTER).write_text("{not json")
        else:
            for path in next(tmp_path.glob("bm25-*")).iterdir():
                path.write_bytes(b"garbage")
        again = LexicalIndex(store, tmp_path)
        assert again.search("flooded river", 1)[0][0].startswith(FLOOD.id)


def test_an_empty_store_saves_and_loads_an_empty_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_faiss(tmp_path) as store:
        LexicalIndex(store, tmp_path).refresh()
        again = LexicalIndex(store, tmp_path)
        monkeypatch.setattr(again, "_build", _no_build)
        assert again.search("anything", 3) == []


def _no_build(generation: int) -> object:
    raise AssertionError(f"rebuilt generation {generation} instead of loading it")
