"""newsbot's settings: one pydantic-settings ``Settings`` that nests the groups of bot/config/.

Read from the environment (prefix ``NEWSBOT_``, nested delimiter ``__``, for example
``NEWSBOT_TELEGRAM__TOKEN``) and from a ``.env`` file. Only ``bot/cli.py`` builds it; everything
else receives values from it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config.answering import AnswerSettings, ReaderSettings, RerankSettings
from bot.config.feeds import FeedsSettings, FetchSettings
from bot.config.follow import FollowSettings
from bot.config.index import ChunkingSettings, EmbeddingSettings, IngestSettings, SearchSettings
from bot.config.state import StateSettings
from bot.config.store import StoreSettings
from bot.config.telegram import TelegramSettings

__all__ = ["Settings", "env_fields"]


class Settings(BaseSettings):
    """newsbot's settings. Every field can be set as ``NEWSBOT_<GROUP>__<FIELD>``."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        use_attribute_docstrings=True,
    )

    profile: Literal["english", "multilingual"] = "english"
    """Embedding profile: the packaged English MiniLM, or EmbeddingGemma-300m for questions in any
    language (install it first: newsbot models install multilingual)."""
    data_dir: Path = Path("data")
    """Where the index and its database live."""
    corpus_dir: Path | None = None
    """Articles indexed when the data directory is empty. Empty: the bundled sample."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] | None = None
    """Logging level. Empty: INFO for the bot, WARNING for console commands."""
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    """Telegram."""
    embedding: EmbeddingSettings = Field(default_factory=EmbeddingSettings)
    """The embedding model."""
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings)
    """How articles are cut into passages."""
    search: SearchSettings = Field(default_factory=SearchSettings)
    """Retrieval."""
    store: StoreSettings = Field(default_factory=StoreSettings)
    """Where the articles, chunks and vectors are kept."""
    state: StateSettings = Field(default_factory=StateSettings)
    """Where the bot keeps what several workers share."""
    answer: AnswerSettings = Field(default_factory=AnswerSettings)
    """Answering."""
    rerank: RerankSettings = Field(default_factory=RerankSettings)
    """The optional model reranker."""
    reader: ReaderSettings = Field(default_factory=ReaderSettings)
    """The reader."""
    ingest: IngestSettings = Field(default_factory=IngestSettings)
    """Ingest limits."""
    fetch: FetchSettings = Field(default_factory=FetchSettings)
    """Fetching web pages, PDFs and feeds."""
    feeds: FeedsSettings = Field(default_factory=FeedsSettings)
    """RSS and Atom feeds."""
    follow: FollowSettings = Field(default_factory=FollowSettings)
    """Topic alerts (/follow)."""


def env_fields(
    model: type[BaseModel] = Settings, prefix: str = "NEWSBOT_"
) -> list[tuple[str, str, str]]:
    """Every leaf setting as ``(ENV_NAME, default, description)``, for docs and .env.example."""
    rows: list[tuple[str, str, str]] = []
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            rows.extend(env_fields(annotation, f"{prefix}{name.upper()}__"))
            continue
        default = info.get_default(call_default_factory=True)
        if isinstance(default, SecretStr) or default is None:
            shown = ""
        elif isinstance(default, list):
            shown = "[" + ",".join(str(v) for v in default) + "]"
        else:
            shown = str(default)
        description = " ".join((info.description or "").split())
        rows.append((f"{prefix}{name.upper()}", shown, description))
    return rows
