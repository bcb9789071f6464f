"""Ingest: idempotency, updates, and every kind of bad input (rejected, nothing lost)."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.chunking import chunk_article
from index.documents.parse import read_article_file
from index.ingest import IngestOptions, embedding_text
from index.lexical import LexicalIndex
from index.search import HybridSearcher
from index.store.sqlite_faiss import FaissStore
from index.types import Article, Chunk, IngestReport
from tests.conftest import SAMPLE_ARTICLE, ingest_into
from tests.index.fakes import FakeEmbedder, MemoryStore

AnyStore = MemoryStore | FaissStore
FIFTY_MB = 50 * 1024 * 1024

UK_ARTICLE = """ title Атака дронів на Київщину
 date 2025-02-04
 source Укрінформ

Уночі російські війська запустили 65 ударних дронів по Україні. Сили протиповітряної оборони \
збили 37 з них над Черкаською, Чернігівською, Київською, Полтавською та Сумською областями.

Уламки дронів пошкодили кілька шкіл і поліклініку в Києві, повідомили місцеві посадовці.
"""


@pytest.fixture(params=["memory", "faiss"])
def any_store(
    request: pytest.FixtureRequest, tmp_path: Path, fake_embedder: FakeEmbedder
) -> Iterator[AnyStore]:
    store: AnyStore
    if request.param == "memory":
        store = MemoryStore(fake_embedder.name, fake_embedder.dim)
    else:
        store = FaissStore(tmp_path / "index", fake_embedder.name, fake_embedder.dim)
    yield store
    store.close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


@pytest.fixture
def good(corpus: Path) -> Path:
    """A copy of the bundled sample in the test's own corpus folder."""
    path = corpus / "izyum.txt"
    shutil.copyfile(SAMPLE_ARTICLE, path)
    return path


def sample_article() -> Article:
    return read_article_file(SAMPLE_ARTICLE, max_bytes=5_000_000).article


def searchable(store: AnyStore, embedder: FakeEmbedder, article_id: str) -> bool:
    """Whether a hybrid search for the drone sentence finds the article first."""
    searcher = HybridSearcher(store, embedder, LexicalIndex(store))
    passages = searcher.search("how many drones did air defenses shoot down")
    return bool(passages) and passages[0].article.id == article_id


def stored_texts(store: AnyStore) -> list[str]:
    return sorted(chunk.text for chunk in store.all_chunks())


# --- the good path and idempotency ----------------------------------------------------------------


def test_an_article_is_chunked_embedded_and_stored(
    any_store: AnyStore, fake_embedder: FakeEmbedder, good: Path
) -> None:
    report = ingest_into(any_store, fake_embedder, [good])
    expected = sample_article()
    assert report.added == [str(good)]
    assert report.changed
    assert not (report.updated or report.skipped or report.rejected or report.warnings)
    stored = any_store.get_article(expected.id)
    assert stored.text == expected.text
    assert stored.date == expected.date
    assert stored.source == "VOA / AP"
    assert stored.origin == str(good.resolve())
    chunks = chunk_article(expected)
    assert len(any_store) == len(chunks)
    assert stored_texts(any_store) == sorted(c.text for c in chunks)
    assert [info.id for info in any_store.articles()] == [expected.id]
    assert searchable(any_store, fake_embedder, expected.id)


def test_the_same_file_twice_is_stored_once(
    any_store: AnyStore, fake_embedder: FakeEmbedder, good: Path
) -> None:
    ingest_into(any_store, fake_embedder, [good])
    generation, size, calls = any_store.generation, len(any_store), len(fake_embedder.history)
    again = ingest_into(any_store, fake_embedder, [good])
    assert again.added == [] and again.updated == []
    assert again.skipped == [(str(good), "already indexed")]
    assert not again.changed
    assert len(any_store) == size
    assert any_store.generation == generation
    assert len(fake_embedder.history) == calls, "nothing is embedded again"


def test_the_same_file_listed_twice_in_one_ingest_is_stored_once(
    any_store: AnyStore, fake_embedder: FakeEmbedder, good: Path
) -> None:
    report = ingest_into(any_store, fake_embedder, [good, good])
    assert report.added == [str(good)]
    assert report.skipped == [(str(good), f"same content as {good}")]
    assert len(any_store.articles()) == 1


def test_a_byte_identical_copy_under_another_name_is_skipped(
    any_store: AnyStore, fake_embedder: FakeEmbedder, good: Path, corpus: Path
) -> None:
    copy = corpus / "zz-copy.txt"
    shutil.copyfile(good, copy)
    report = ingest_into(any_store, fake_embedder, [corpus])
    assert report.added == [str(good)]
    assert report.skipped == [(str(copy), f"same content as {good}")]
    assert len(any_store.articles()) == 1
    later = corpus.parent / "later-copy.md"
    shutil.copyfile(good, later)
    again = ingest_into(any_store, fake_embedder, [later])
    assert again.skipped == [(str(later), "already indexed")]
    assert len(any_store.articles()) == 1


def test_a_changed_file_replaces_its_old_chunks(
    any_store: AnyStore, fake_embedder: FakeEmbedder, good: Path
) -> None:
    ingest_into(any_store, fake_embedder, [good])
    old = sample_article()
    good.write_text(
        " title Correction\n date 2025-02-05\n\n"
        "Air defenses shot down 40 drones overnight. Officials corrected the earlier figure.\n",
        encoding="utf-8",
    )
    report = ingest_into(any_store, fake_embedder, [good])
    assert report.updated == [str(good)]
    assert report.added == [] and report.rejected == []
    assert not any_store.has_content(old.id)
    infos = any_store.articles()
    assert len(infos) == 1
    new = any_store.get_article(infos[0].id)
    assert new.title == "Correction"
    assert new.origin == str(good.resolve())
    assert stored_texts(any_store) == [
        "Air defenses shot down 40 drones overnight. Officials corrected the earlier figure."
    ]
    assert all(chunk.article_id == new.id for chunk in any_store.all_chunks())


def test_a_store_reopened_from_disk_keeps_articles_and_skips_them_again(
    tmp_path: Path, fake_embedder: FakeEmbedder, good: Path
) -> None:
    path = tmp_path / "index"
    with FaissStore(path, fake_embedder.name, fake_embedder.dim) as store:
        assert ingest_into(store, fake_embedder, [good]).added == [str(good)]
    with FaissStore(path, fake_embedder.name, fake_embedder.dim) as store:
        assert store.has_content(sample_article().id)
        assert ingest_into(store, fake_embedder, [good]).skipped == [(str(good), "already indexed")]
        assert searchable(store, fake_embedder, sample_article().id)


def test_small_batches_store_every_article(
    any_store: AnyStore, fake_embedder: FakeEmbedder, corpus: Path
) -> None:
    for i in range(5):
        (corpus / f"a{i}.txt").write_text(
            f" title Story {i}\n\nStory number {i} happened. It had {i} parts.", encoding="utf-8"
        )
    options = IngestOptions(batch_chunks=1, progress=False)
    report = ingest_into(any_store, fake_embedder, [corpus], options)
    assert sorted(report.added) == sorted(str(corpus / f"a{i}.txt") for i in range(5))
    assert len(any_store.articles()) == 5
    assert len(fake_embedder.history) == 5, "one embedding call per flushed batch"


def test_embedding_text_prefixes_an_explicit_title_only() -> None:
    chunk = Chunk("x", 0, 0, 5, "Body.", ())
    titled = Article(id="x", text="Body.", title="Title")
    derived = Article(id="x", text="Body.", title="Body.", title_derived=True)
    assert embedding_text(titled, chunk) == "Title\nBody."
    assert embedding_text(derived, chunk) == "Body."


# --- bad inputs: a clear reason, and nothing already indexed is lost ------------------------------


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(200)
UK_BYTES = UK_ARTICLE.encode("utf-8")


def _file(name: str, data: bytes) -> Callable[[Path], Path]:
    """What writes the file ``name`` holding ``data`` into the folder it is given."""

    def make(folder: Path) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    return make


_empty = _file("empty.txt", b"")
_png_named_txt = _file("photo.txt", PNG)
_nul_bytes = _file("nul.txt", b"Looks like text\x00\x00\x00but is not")


def _huge(folder: Path) -> Path:
    path = folder / "huge.txt"
    with path.open("wb") as f:
        f.truncate(FIFTY_MB)  # sparse: no 50 MB are written
    return path


def _missing(folder: Path) -> Path:
    return folder / "does-not-exist.txt"


def _empty_folder(folder: Path) -> Path:
    path = folder / "nothing"
    path.mkdir()
    return path


def _folder_without_articles(folder: Path) -> Path:
    path = folder / "pictures"
    path.mkdir()
    (path / "a.png").write_bytes(b"\x89PNG")
    (path / "notes.docx").write_bytes(b"PK\x03\x04")
    return path


#: Test id -> what makes the bad input, and words its rejection must say.
BAD_INPUTS: dict[str, tuple[Callable[[Path], Path], tuple[str, ...]]] = {
    "empty": (_empty, ("empty",)),
    "blank": (_file("blank.txt", b"  \n\n\t\n"), ("empty",)),
    "png": (_file("photo.png", PNG), ("binary",)),
    "png_named_txt": (_png_named_txt, ("binary",)),
    "nul_bytes": (_nul_bytes, ("binary",)),
    "huge": (_huge, ("too large", str(FIFTY_MB), "5000000")),
    "invalid_utf8": (_file("garbled.txt", bytes(range(0x80, 0x100)) * 4), ("encoding",)),
    "invalid_utf8_in_cyrillic": (
        _file("broken-uk.txt", UK_BYTES[:120] + b"\xff\xfe" + UK_BYTES[120:]),
        ("encoding",),
    ),
    "header_only": (
        _file("header-only.txt", b" title Nothing here\n date 2025-02-04\n"),
        ("empty",),
    ),
    "missing": (_missing, ("no such file",)),
    "empty_folder": (_empty_folder, ("no article files",)),
    "folder_without_articles": (_folder_without_articles, ("no article files",)),
}


@pytest.mark.parametrize(("make", "words"), list(BAD_INPUTS.values()), ids=list(BAD_INPUTS))
def test_a_bad_input_is_rejected_with_a_reason_and_nothing_is_lost(
    any_store: AnyStore,
    fake_embedder: FakeEmbedder,
    good: Path,
    tmp_path: Path,
    make: Callable[[Path], Path],
    words: tuple[str, ...],
) -> None:
    first = ingest_into(any_store, fake_embedder, [good])
    assert first.added == [str(good)]
    good_id = sample_article().id
    before = (any_store.generation, stored_texts(any_store))
    bad_dir = tmp_path / "bad"
    bad_dir.mkdir()
    bad = make(bad_dir)

    report = ingest_into(any_store, fake_embedder, [bad])

    assert report.added == [] and report.updated == [] and report.skipped == []
    assert len(report.rejected) == 1
    name, reason = report.rejected[0]
    assert name == str(bad)
    for word in words:
        assert word in reason, f"{reason!r} should mention {word!r}"
    assert not report.changed
    assert (any_store.generation, stored_texts(any_store)) == before
    assert any_store.has_content(good_id)
    assert [info.id for info in any_store.articles()] == [good_id]
    assert searchable(any_store, fake_embedder, good_id)


def test_bad_files_in_a_folder_do_not_stop_the_good_ones(
    any_store: AnyStore, fake_embedder: FakeEmbedder, good: Path, corpus: Path
) -> None:
    bad = [_empty(corpus), _png_named_txt(corpus), _nul_bytes(corpus), _huge(corpus)]
    report = ingest_into(any_store, fake_embedder, [corpus])
    assert report.added == [str(good)]
    assert sorted(name for name, _ in report.rejected) == sorted(str(p) for p in bad)
    assert searchable(any_store, fake_embedder, sample_article().id)


def test_an_unreadable_file_is_rejected_with_the_os_reason(
    any_store: AnyStore,
    fake_embedder: FakeEmbedder,
    good: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ingest_into(any_store, fake_embedder, [good])
    locked = tmp_path / "locked.txt"
    locked.write_text("Some text.", encoding="utf-8")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    report = ingest_into(any_store, fake_embedder, [locked])
    assert report.rejected == [(str(locked), "cannot read the file (Permission denied)")]
    monkeypatch.undo()
    assert any_store.has_content(sample_article().id)


def _after_good(
    store: AnyStore, embedder: FakeEmbedder, good: Path, path: Path, data: bytes
) -> IngestReport:
    """The report of ingesting ``path``, written with ``data``, into a store that holds
    ``good``; it must say that ``path`` alone was added."""
    ingest_into(store, embedder, [good])
    path.write_bytes(data)
    report = ingest_into(store, embedder, [path])
    assert (report.added, report.rejected) == ([str(path)], [])
    return report


def test_a_cp1251_article_is_indexed_with_the_right_text(
    any_store: AnyStore, fake_embedder: FakeEmbedder, good: Path, corpus: Path
) -> None:
    legacy = corpus / "uk-cp1251.txt"
    _after_good(any_store, fake_embedder, good, legacy, UK_ARTICLE.encode("cp1251"))
    infos = {info.title: info for info in any_store.articles()}
    assert "Атака дронів на Київщину" in infos
    stored = any_store.get_article(infos["Атака дронів на Київщину"].id)
    assert stored.source == "Укрінформ"
    assert "Сили протиповітряної оборони збили 37 з них" in stored.text
    assert stored.text.endswith("повідомили місцеві посадовці.")
    assert any_store.has_content(sample_article().id)


def test_a_bad_date_is_indexed_without_a_date_and_reported(
    any_store: AnyStore, fake_embedder: FakeEmbedder, good: Path, corpus: Path
) -> None:
    dated = corpus / "bad-date.txt"
    text = " title Floods in the valley\n date 31/31/2025\n\nHeavy rain flooded the valley.\n"
    report = _after_good(any_store, fake_embedder, good, dated, text.encode())
    assert len(report.warnings) == 1
    name, warning = report.warnings[0]
    assert name == str(dated)
    assert "31/31/2025" in warning and "date" in warning
    infos = {info.title: info for info in any_store.articles()}
    assert infos["Floods in the valley"].date is None
    assert any_store.get_article(infos["Floods in the valley"].id).date is None
    assert searchable(any_store, fake_embedder, sample_article().id)


def test_rejections_and_additions_are_reported_together(
    any_store: AnyStore, fake_embedder: FakeEmbedder, good: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "missing"
    report = ingest_into(any_store, fake_embedder, [missing, good])
    assert report.added == [str(good)]
    assert report.rejected == [(str(missing), "no such file or folder")]
    assert report.changed
