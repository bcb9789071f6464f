"""The installed ``newsbot`` declares everything its feed and web code imports.

pip 23.2 (the one shipped with Python 3.11) leaves out ``lxml_html_clean``, which justext asks
for only through the extra ``lxml[html_clean]``, and ``newsbot`` then failed to import
``lxml.html.clean`` as soon as feeds or Telegram loaded. The check runs in a fresh interpreter
in which every installed distribution that newsbot's requirements do not reach, when no extra
is resolved, cannot be imported: as if pip had installed only those.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import clean_environ

# Run in a subprocess: the modules must load fresh there, behind the blocking finder.
_CHECK = r"""
import importlib, importlib.abc, importlib.metadata as md, pkgutil, re, sys
from packaging.requirements import Requirement

def canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()

def reached(root):
    # What pip installs for ``root`` if it resolves no extras, here or in any dependency.
    seen, todo = set(), [root]
    while todo:
        name = canonical(todo.pop())
        if name in seen:
            continue
        seen.add(name)
        try:
            lines = md.requires(name) or []
        except md.PackageNotFoundError:
            continue
        for line in lines:
            req = Requirement(line)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return seen

allowed = reached("newsbot")
blocked = {
    top for top, dists in md.packages_distributions().items()
    if not {canonical(d) for d in dists} & allowed
}

class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in blocked:
            raise ModuleNotFoundError(f"{name} (not a requirement of newsbot)", name=name)
        return None

sys.meta_path.insert(0, NotInstalled())
package = importlib.import_module(sys.argv[1])
for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
    importlib.import_module(info.name)
print("ok", len(allowed))
"""


@pytest.mark.parametrize("package", ["index.feeds", "index.web"])
def test_the_installed_package_declares_what_its_feed_code_imports(package: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", _CHECK, package],
        capture_output=True,
        text=True,
        timeout=120,
        env=clean_environ(),
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("ok ")
