"""Settings: environment parsing, secrets, and docs kept in step with the model."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config.docs import (
    SETTINGS_DOC,
    render_env_example,
    render_settings_table,
    replace_settings_table,
)
from bot.config.settings import Settings, env_fields

ROOT = Path(__file__).resolve().parents[2]


def test_env_example_lists_every_setting() -> None:
    assert (ROOT / ".env.example").read_text(encoding="utf-8") == render_env_example(), (
        "run: python -m bot.config.docs"
    )


def test_settings_page_lists_every_setting() -> None:
    page = (ROOT / SETTINGS_DOC).read_text(encoding="utf-8")
    assert render_settings_table() in page, "run: python -m bot.config.docs"
    for name, _, _ in env_fields():
        assert f"`{name}`" in page


def test_the_table_is_rewritten_between_its_markers_only() -> None:
    stale = (
        "# Settings\n\nintro\n\n<!-- settings:begin -->\n| old |\n<!-- settings:end -->\n\nend\n"
    )
    page = replace_settings_table(stale)
    assert page.startswith("# Settings\n\nintro\n\n") and page.endswith("\n\nend\n")
    assert render_settings_table() in page and "| old |" not in page
    with pytest.raises(ValueError, match="markers"):
        replace_settings_table("# Settings without markers\n")


def test_the_readme_points_at_the_settings_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/SETTINGS.md)" in readme and "(.env.example)" in readme


def test_every_field_has_a_description() -> None:
    for name, _, description in env_fields():
        assert description.strip(), name


def test_nested_env_and_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_TELEGRAM__TOKEN", "123:secret-token")
    monkeypatch.setenv("NEWSBOT_TELEGRAM__ADMINS", "[7, 8]")
    monkeypatch.setenv("NEWSBOT_SEARCH__K", "5")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.telegram.token is not None
    assert settings.telegram.token.get_secret_value() == "123:secret-token"
    assert "secret-token" not in repr(settings)
    assert settings.telegram.admins == [7, 8]
    assert settings.search.k == 5


def test_empty_values_mean_default(tmp_path: Path) -> None:
    env = tmp_path / ".env"
    env.write_text(render_env_example(), encoding="utf-8")
    settings = Settings(_env_file=env)  # type: ignore[call-arg]
    assert settings.telegram.token is None
    assert settings.corpus_dir is None
    assert settings == Settings(_env_file=None)  # type: ignore[call-arg]


def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_SEARCH__K", "0")
    with pytest.raises(ValueError, match="k"):
        Settings(_env_file=None)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    "value", ['["@ann"]', '["ann_news"]', '[1001, "ann_news"]', "@ann", "1001"]
)
def test_admins_are_numeric_ids_never_usernames(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("NEWSBOT_TELEGRAM__ADMINS", value)
    with pytest.raises(ValueError, match=r"admins|telegram"):
        Settings(_env_file=None)  # type: ignore[call-arg]


def test_admin_ids_may_be_written_as_strings_of_digits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSBOT_TELEGRAM__ADMINS", '["1001", 1002]')
    assert Settings(_env_file=None).telegram.admins == [1001, 1002]  # type: ignore[call-arg]
