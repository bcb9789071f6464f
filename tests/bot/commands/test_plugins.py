"""Subcommands from other packages: ``newsbot train`` through its entry point, and a plugin
that cannot load leaves the rest of ``newsbot`` working."""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint

import pytest

from bot import cli
from bot.commands import plugins as cli_plugins
from training.cli import COMMAND


def test_train_comes_from_the_training_packages_entry_point() -> None:
    assert cli_plugins.command_plugins()["train"] is COMMAND
    args = cli._parser().parse_args(["train", "reader", "--squad", "x"])
    assert (args.command, args.which) == ("train", "reader")


def test_a_plugin_that_cannot_load_is_left_out_and_logged(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    broken = EntryPoint("broken", "no_such_package.cli:COMMAND", cli_plugins.GROUP)
    train = EntryPoint("train", "training.cli:COMMAND", cli_plugins.GROUP)
    monkeypatch.setattr(cli_plugins, "entry_points", lambda group: [broken, train])
    with caplog.at_level(logging.WARNING, logger="bot.commands.plugins"):
        assert list(cli_plugins.command_plugins()) == ["train"]
    assert "newsbot broken is not available" in caplog.text
    assert cli._parser().parse_args(["sources"]).command == "sources"
