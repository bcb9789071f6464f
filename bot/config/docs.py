"""Keeps ``.env.example`` and the settings table of ``docs/SETTINGS.md`` in step with ``Settings``.

``python -m bot.config.docs`` rewrites both; a test fails when either has drifted.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from bot.config.settings import env_fields

SETTINGS_DOC = Path("docs") / "SETTINGS.md"
TABLE_BEGIN = "<!-- settings:begin -->"
TABLE_END = "<!-- settings:end -->"


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


def render_settings_table() -> str:
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, default, description in env_fields():
        shown = f"`{default}`" if default else "(empty)"
        rows.append(f"| `{name}` | {shown} | {description.replace('|', '/')} |")
    return "\n".join([TABLE_BEGIN, *rows, TABLE_END])


def replace_settings_table(page: str) -> str:
    """``page`` with the text between its settings markers replaced by the current table."""
    pattern = re.compile(re.escape(TABLE_BEGIN) + ".*?" + re.escape(TABLE_END), re.S)
    if not pattern.search(page):
        raise ValueError(f"{SETTINGS_DOC} has no settings markers")
    return pattern.sub(lambda _: render_settings_table(), page)


def main(root: Path) -> int:
    (root / ".env.example").write_text(render_env_example(), encoding="utf-8")
    page = root / SETTINGS_DOC
    page.write_text(replace_settings_table(page.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path.cwd()))
