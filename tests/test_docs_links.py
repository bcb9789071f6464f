"""The README and docs/ point at things that exist: links, their anchors, and the repository
paths they name in code spans."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FOLDERS = (
    "answering",
    "bench",
    "bot",
    "docs",
    "evaluation",
    "index",
    "prompts",
    "tests",
    "training",
)

_FENCE = re.compile(r"^```.*?^```", re.M | re.S)
_CODE = re.compile(r"`[^`\n]*`")
_LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*$", re.M)
_DEFINITION = re.compile(r"^\s*(?:async\s+)?(?:def|class)\s+(\w+)", re.M)
_PATH = re.compile(r"`((?:" + "|".join(FOLDERS) + r")/[\w./*-]*)")


def links(markdown: str) -> list[str]:
    """The targets of the markdown links in ``markdown``, outside code."""
    prose = _CODE.sub("", _FENCE.sub("", markdown))
    return _LINK.findall(prose)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = _CODE.sub(lambda m: m.group(0).strip("`"), heading).lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(page: Path) -> set[str]:
    return {anchor(h) for h in _HEADING.findall(_FENCE.sub("", page.read_text(encoding="utf-8")))}


def test_the_helpers_read_markdown_as_github_does() -> None:
    text = "See [a](docs/A.md#two-words) and `[b](not/a/link.md)`.\n```\n[c](nor/this)\n```\n"
    assert links(text) == ["docs/A.md#two-words"]
    assert anchor("Operators: admin commands in Telegram") == "operators-admin-commands-in-telegram"
    assert anchor("`ask --json`") == "ask---json"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_relative_link_resolves(page: Path) -> None:
    broken = []
    for target in links(page.read_text(encoding="utf-8")):
        if re.match(r"[a-z]+:", target):
            continue  # http(s), mailto: not checked offline
        path, _, fragment = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists() or (
            fragment and file.suffix == ".md" and fragment not in anchors(file)
        ):
            broken.append(target)
    assert broken == [], f"{page.name}: links to nothing: {broken}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_repository_path_named_exists(page: Path) -> None:
    named = _PATH.findall(_FENCE.sub("", page.read_text(encoding="utf-8")))
    missing = [p for p in named if not any(ROOT.glob(p.rstrip("/")))]
    assert missing == [], f"{page.name}: names paths that do not exist: {missing}"


def _defined_names() -> set[str]:
    names: set[str] = set()
    for folder in FOLDERS:
        for module in (ROOT / folder).rglob("*.py"):
            names.update(_DEFINITION.findall(module.read_text(encoding="utf-8")))
    return names


def test_the_readmes_route_of_a_question_names_real_files_and_functions() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    route = next(block for block in _FENCE.findall(readme) if "Telegram update" in block)
    paths = re.findall(r"[\w.]+/[\w./]*", route)
    assert len(paths) >= 8 and [p for p in paths if not (ROOT / p).exists()] == []
    words = re.findall(r"[A-Za-z_][\w.]*", re.sub(r"[\w.]+/[\w./]*", " ", route))
    named = {
        part
        for w in words
        if "_" in w or re.fullmatch(r"[A-Z]\w+\.\w+", w)
        for part in w.split(".")
    }
    assert named - _defined_names() == set(), "the route names functions that do not exist"


def test_the_readme_names_every_top_level_folder_and_links_every_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for folder in (*FOLDERS, "data"):
        assert f"\n{folder}/ " in readme, folder
    linked = set(links(readme))
    for page in PAGES[1:]:
        assert f"docs/{page.name}" in linked, page.name
