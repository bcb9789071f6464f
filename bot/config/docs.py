"""Keeps ``.env.example`` and the README's settings table in step with ``Settings``.

``python -m bot.config.docs`` rewrites both; a test fails when either has drifted.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bot.config.settings import env_fields

README_BEGIN = "<!-- settings:begin -->"
README_END = "<!-- settings:end -->"


def render_env_example() -> str:
    lines = [
        "# newsbot settings. Copy to .env and edit; every field is optional.",
        "# Environment variables override this file. Nested groups use a double underscore.",
        "",
    ]
    for name, default, description in env_fields():
        lines.append(f"# {description}")
        lines.append(f"{name}={default}")
        lines.append("")
    return "\n".join(lines)


def render_readme_table() -> str:
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, default, description in env_fields():
        shown = f"`{default}`" if default else "(empty)"
        rows.append(f"| `{name}` | {shown} | {description.replace('|', '/')} |")
    return "\n".join([README_BEGIN, *rows, README_END])


def replace_readme_table(readme: str) -> str:
    pattern = re.compile(re.escape(README_BEGIN) + ".*?" + re.escape(README_END), re.S)
    if not pattern.search(readme):
        raise ValueError("README has no settings markers")
    return pattern.sub(lambda _: render_readme_table(), readme)


def main(root: Path) -> int:
    (root / ".env.example").write_text(render_env_example(), encoding="utf-8")
    readme = root / "README.md"
    readme.write_text(replace_readme_table(readme.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
