"""``newsbot models ...``: the operator commands that list and install optional models.

newsbot models list                    the installable models and where they are installed
newsbot models install multilingual    download, verify and install EmbeddingGemma-300m
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from bot.commands.base import SubParsers
from bot.config.settings import Settings
from index.embedding.install import (
    RECIPES,
    ChunkFetcher,
    install_model,
    installed_model_path,
)

logger = logging.getLogger(__name__)


def models_root(settings: Settings) -> Path:
    """Where optional models are installed: ``<data_dir>/models``."""
    return settings.data_dir / "models"


def _out(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def models_install(
    settings: Settings,
    which: str,
    *,
    force: bool = False,
    fetcher: ChunkFetcher | None = None,
) -> int:
    """Installs the model named ``which`` (a key of ``RECIPES``) under ``models_root``.

    Prints the licence before downloading. Returns 0 on success, 2 for an unknown name; a failed
    download or verification raises ``ModelInstallError`` (the CLI prints its message).
    """
    recipe = RECIPES.get(which)
    if recipe is None:
        _err(f"newsbot: unknown model {which!r}; choose one of: {', '.join(sorted(RECIPES))}")
        return 2
    _out(f"{recipe.name}: {recipe.description}")
    _out(
        f"This model is licensed under the {recipe.licence_name}: {recipe.licence_url}\n"
        "By installing it you agree to those terms."
    )
    started = time.perf_counter()
    path = install_model(
        recipe,
        models_root(settings),
        fetcher=fetcher,
        progress=sys.stderr.isatty(),
        force=force,
        announce=_err,
    )
    logger.info("models install %s took %.1f s", which, time.perf_counter() - started)
    _out(f"Installed and verified: {path}")
    _out(
        f"To use it, set NEWSBOT_PROFILE={which} (or NEWSBOT_EMBEDDING__MODEL={path}) and "
        "re-index the articles (the index is tied to its embedding model)."
    )
    return 0


def models_list(settings: Settings) -> int:
    """Prints each installable model, its licence and whether (and where) it is installed."""
    root = models_root(settings)
    for key, recipe in sorted(RECIPES.items()):
        path = installed_model_path(recipe, root)
        where = f"installed at {path}" if path else f"not installed (newsbot models install {key})"
        _out(f"{key}\t{recipe.name}\t{recipe.dim}-dim\t{where}")
        _out(f"\t{recipe.description}; licence: {recipe.licence_name} ({recipe.licence_url})")
    return 0


class ModelsCommand:
    """``newsbot models list|install``."""

    def add_parser(self, sub: SubParsers) -> None:
        models = sub.add_parser("models", help="list or install optional models")
        models_sub = models.add_subparsers(dest="models_command", required=True)
        models_sub.add_parser("list", help="the installable models and where they are installed")
        install = models_sub.add_parser("install", help="download, verify and install a model")
        install.add_argument("which", choices=["multilingual"])
        install.add_argument("--force", action="store_true", help="reinstall even if verified")

    def run(self, args: argparse.Namespace, settings: Settings) -> int:
        if args.models_command == "install":
            return models_install(settings, args.which, force=args.force)
        return models_list(settings)


COMMAND = ModelsCommand()
