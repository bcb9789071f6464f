"""Index folders are named by what the model is, not where it lies (issue 17): a data directory
that moves keeps its index, indexes named by an older version are carried over, and an index
the settings do not select is reported at start."""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from bot.config.index import EmbeddingSettings
from bot.config.settings import Settings
from bot.factory import Components, configured_embedder, ensure_corpus
from bot.index_folders import index_dir
from index.embedding.identity import model_identity
from index.embedding.sentence_transformer import (
    INT8_SUFFIX,
    PACKAGED_MODEL,
    SentenceTransformerEmbedder,
    packaged_model_path,
)
from index.store.schema import DB_NAME
from index.store.sqlite_faiss import FaissStore
from tests.components import opened
from tests.conftest import SAMPLE_ARTICLE, ingest_into
from tests.index.fakes import FakeEmbedder

MINILM_DIM = 384


def _settings(data_dir: Path, model: Path | None = None) -> Settings:
    embedding = EmbeddingSettings(model=str(model) if model else "")
    return Settings(_env_file=None, data_dir=data_dir, embedding=embedding)  # type: ignore[call-arg]


def _folder(components: Components) -> Path:
    assert isinstance(components.store, FaissStore)
    return components.store.path


def _model_name_in(index: Path) -> str:
    with closing(sqlite3.connect(index / DB_NAME)) as conn:
        return str(conn.execute("SELECT value FROM meta WHERE key = 'model_name'").fetchone()[0])


def _fake_weights(folder: Path, seed: int = 0) -> Path:
    """A model folder with 5 MiB of weights: enough that its digest samples, not reads, them."""
    folder.mkdir(parents=True)
    (folder / "model.safetensors").write_bytes(
        bytes((seed + i * 7) % 251 for i in range(256)) * (5 * 4096)
    )
    (folder / "config.json").write_text("{}", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def minilm_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packaged MiniLM copied once (hard-linked from here into each test's data dir)."""
    target = tmp_path_factory.mktemp("minilm") / "minilm"
    shutil.copytree(packaged_model_path(), target)
    return target


def _install_model(minilm: Path, data_dir: Path) -> Path:
    folder = data_dir / "models" / "minilm"
    shutil.copytree(minilm, folder, copy_function=os.link)
    return folder


def test_a_model_folder_is_named_by_its_weights_wherever_it_lies(tmp_path: Path) -> None:
    folder = _fake_weights(tmp_path / "old" / "models" / "m")
    before = SentenceTransformerEmbedder(str(folder))
    assert before.name.startswith("m@") and str(tmp_path) not in before.name
    assert before.legacy_name == str(folder)
    shutil.move(tmp_path / "old", tmp_path / "new")
    moved = tmp_path / "new" / "models" / "m"
    assert SentenceTransformerEmbedder(str(moved)).name == before.name
    (moved / "README.md").write_text("edited", encoding="utf-8")
    assert model_identity(moved) == before.name
    other = _fake_weights(tmp_path / "other" / "m", seed=1)
    assert model_identity(other) != before.name


def test_the_packaged_model_keeps_its_name_and_its_index_folder() -> None:
    embedder = SentenceTransformerEmbedder()
    assert embedder.name == PACKAGED_MODEL and embedder.legacy_name is None
    # The English indexes built before names changed are where they were: nothing to rename.
    folder = index_dir(Path("data"), PACKAGED_MODEL)
    assert folder.name == "sentence-transformers-all-MiniLM-L6-v2-e9e2c881"


def test_the_english_model_embeds_in_int8_unless_its_fp32_index_holds_articles(
    tmp_path: Path,
) -> None:
    assert configured_embedder(_settings(tmp_path)).name == PACKAGED_MODEL + INT8_SUFFIX
    fp32 = FaissStore(index_dir(tmp_path, PACKAGED_MODEL), PACKAGED_MODEL, MINILM_DIM)
    try:
        assert configured_embedder(_settings(tmp_path)).name == PACKAGED_MODEL + INT8_SUFFIX
        ingest_into(fp32, FakeEmbedder(dim=MINILM_DIM), [SAMPLE_ARTICLE])
    finally:
        fp32.close()
    # An operator's existing archive stays answerable: no switch to an empty index.
    assert configured_embedder(_settings(tmp_path)).name == PACKAGED_MODEL
    chosen = _settings(tmp_path).model_copy(update={"embedding": EmbeddingSettings(int8=True)})
    assert configured_embedder(chosen).name == PACKAGED_MODEL + INT8_SUFFIX
    folder = _fake_weights(tmp_path / "models" / "m")
    assert not configured_embedder(_settings(tmp_path, folder)).name.endswith(INT8_SUFFIX)


@pytest.mark.integration
def test_an_index_is_found_after_its_data_directory_moves(
    tmp_path: Path, minilm_copy: Path
) -> None:
    """The issue's case: the model lies in the data directory (as the multilingual profile
    installs it), the whole directory moves, and the bot must find the index it built."""
    old = tmp_path / "old-volume" / "data"
    model = _install_model(minilm_copy, old)
    with opened(_settings(old, model)) as components:
        report = ensure_corpus(components, progress=False)
        assert report is not None and len(report.added) == 1
        articles = [a.id for a in components.store.articles()]
        chunks = len(components.store)
        built_in = _folder(components).name
    shutil.move(tmp_path / "old-volume", tmp_path / "restored")
    new = tmp_path / "restored" / "data"
    with opened(_settings(new, new / "models" / "minilm")) as components:
        assert _folder(components) == new / "indexes" / built_in
        assert ensure_corpus(components, progress=False) is None  # no re-ingest of the sample
        assert [a.id for a in components.store.articles()] == articles
        assert len(components.store) == chunks
        answer = components.answerer.answer("How many drones were intercepted?")
        assert answer.answer is not None and "37" in answer.answer
    assert [p.name for p in (new / "indexes").iterdir()] == [built_in]


def _old_layout_index(data_dir: Path, model: Path) -> Path:
    """An index as older versions built it: named, and labelled, by the model's path."""
    folder = index_dir(data_dir, str(model))
    store = FaissStore(folder, str(model), MINILM_DIM)
    try:
        ingest_into(store, FakeEmbedder(dim=MINILM_DIM), [SAMPLE_ARTICLE])
    finally:
        store.close()
    return folder


@pytest.mark.integration
@pytest.mark.parametrize("moved", [False, True], ids=["in-place", "moved-before-upgrade"])
def test_an_index_named_by_the_old_scheme_is_carried_over(
    tmp_path: Path, minilm_copy: Path, caplog: pytest.LogCaptureFixture, moved: bool
) -> None:
    data = tmp_path / "data"
    model = _install_model(minilm_copy, data)
    old_folder = _old_layout_index(data, model)
    if moved:
        shutil.move(data, tmp_path / "elsewhere")
        data = tmp_path / "elsewhere"
        model = data / "models" / "minilm"
    caplog.set_level(logging.INFO)
    with opened(_settings(data, model)) as components:
        identity = model_identity(model)
        assert _folder(components) == index_dir(data, identity)
        assert len(components.store.articles()) == 1
        assert ensure_corpus(components, progress=False) is None
    assert not (data / "indexes" / old_folder.name).exists()
    assert _model_name_in(index_dir(data, identity)) == identity
    assert "renamed index" in caplog.text and "rebuilding" not in caplog.text
    assert "do not select" not in caplog.text


def test_an_index_the_settings_do_not_select_is_named_at_start(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(tmp_path)
    with opened(settings, FakeEmbedder(name="a-multilingual-model")) as other:
        ingest_into(other.store, FakeEmbedder(name="a-multilingual-model"), [SAMPLE_ARTICLE])
        other_folder = _folder(other).name
    caplog.set_level(logging.WARNING)
    with opened(settings, FakeEmbedder()) as components:
        selected = _folder(components).name
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    message = warnings[0].getMessage()
    assert "do not select" in message and "\n" not in message
    assert f"{other_folder} (built with a-multilingual-model, 1 articles)" in message
    assert f"from {selected} only" in message


def test_no_warning_when_the_data_directory_holds_only_the_selected_index(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = _settings(tmp_path)
    for _ in range(2):
        with opened(settings, FakeEmbedder()) as components:
            ingest_into(components.store, FakeEmbedder(), [SAMPLE_ARTICLE])
    (tmp_path / "indexes" / ".partial.tmp").mkdir()
    caplog.set_level(logging.WARNING)
    with opened(settings, FakeEmbedder()):
        pass
    assert "do not select" not in caplog.text
