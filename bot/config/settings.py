"""All configuration, in one pydantic-settings ``Settings`` with nested groups.

Read from the environment (prefix ``NEWSBOT_``, nested delimiter ``__``, for example
``NEWSBOT_TELEGRAM__TOKEN``) and from a ``.env`` file. Only ``bot/cli.py`` builds it; everything
else receives values from it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.config.answering import AnswerSettings, ReaderSettings, RerankSettings
from bot.config.answering import Group as _Group
from bot.config.state import StateSettings

__all__ = [
    "AnswerSettings",
    "ChunkingSettings",
    "EmbeddingSettings",
    "FeedsSettings",
    "FetchSettings",
    "FollowSettings",
    "IngestSettings",
    "ReaderSettings",
    "RerankSettings",
    "SearchSettings",
    "Settings",
    "TelegramSettings",
    "env_fields",
]


class TelegramSettings(_Group):
    token: SecretStr | None = Field(
        default=None,
        description="Bot token from @BotFather. Without one, `newsbot run` opens the console chat.",
    )
    base_url: str = Field(
        default="https://api.telegram.org/bot",
        description="Bot API base URL: everything before the token (for a self-hosted Bot API "
        "server or a test stand-in).",
    )
    mode: Literal["polling", "webhook"] = Field(
        default="polling", description="How updates arrive: long polling or a webhook."
    )
    webhook_url: str = Field(
        default="", description="Public HTTPS URL Telegram posts updates to (webhook mode)."
    )
    webhook_listen: str = Field(
        default="127.0.0.1", description="Address the webhook server listens on."
    )
    webhook_port: int = Field(
        default=8443, ge=1, le=65535, description="Port the webhook server listens on."
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="Secret token Telegram sends with each webhook call (1-256 characters "
        "A-Z, a-z, 0-9, _ and -).",
    )

    @field_validator("webhook_secret")
    @classmethod
    def _secret_charset(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not re.fullmatch(
            r"[A-Za-z0-9_-]{1,256}", value.get_secret_value()
        ):
            raise ValueError("use 1-256 characters from A-Z, a-z, 0-9, _ and -")
        return value

    admins: list[int] = Field(
        default_factory=list,
        description="Telegram user IDs of the bot's operators (JSON list, e.g. [123]): only they "
        "may /add, /remove, /feeds and /stats, and they are exempt from the per-user rate limit.",
    )
    max_question_chars: int = Field(
        default=500, ge=10, le=4000, description="Longest question accepted, in characters."
    )
    user_rate_limit: int = Field(
        default=10, ge=1, description="Questions one user may ask per rate window."
    )
    user_rate_window_s: float = Field(
        default=60.0, gt=0, description="Length of the per-user rate window, in seconds."
    )
    followup_ttl_s: float = Field(
        default=600.0,
        gt=0,
        description="How long a private chat's previous question gives context to a follow-up "
        "('and how many were launched?'), in seconds.",
    )
    answer_cache_ttl_s: float = Field(
        default=300.0,
        ge=0,
        description="Seconds a computed answer is reused for the same (normalised) question; 0 "
        "computes every question anew.",
    )
    replay_max_age_s: float = Field(
        default=86_400.0,
        ge=0,
        description="Messages received and not finished when the bot stopped or crashed are "
        "handled at the next start if they are at most this old, in seconds (Telegram itself "
        "keeps undelivered updates for 24 hours).",
    )
    answer_workers: int = Field(
        default=2,
        ge=1,
        le=32,
        description="Worker threads that compute answers off the event loop.",
    )
    concurrent_updates: int = Field(
        default=64, ge=1, description="Updates processed concurrently by the Application."
    )
    connect_timeout_s: float = Field(
        default=10.0, gt=0, description="Timeout for connecting to the Bot API, in seconds."
    )
    read_timeout_s: float = Field(
        default=15.0, gt=0, description="Timeout for reading a Bot API response, in seconds."
    )


class EmbeddingSettings(_Group):
    model: str = Field(
        default="",
        description="A local sentence-transformers model folder; overrides the profile. Empty: "
        "the profile's model (english: the packaged all-MiniLM-L6-v2, loaded offline).",
    )
    batch_size: int = Field(default=64, ge=1, le=4096, description="Texts per encode batch.")
    device: str = Field(default="cpu", description="Torch device for the embedder.")
    int8: bool | None = Field(
        default=None,
        description="Run the embedder with int8 linear layers (torch dynamic quantisation, CPU; "
        "its vectors differ, so it has its own index). Unset: int8 for the packaged English "
        "model unless an index built in fp32 with it holds articles (docs/PERFORMANCE.md).",
    )
    traced: bool = Field(
        default=True,
        description="Run a mean-pooling embedder (the English profile's) as a TorchScript copy "
        "cached under DATA_DIR/models/traced: same vectors, a start seconds faster.",
    )
    threads: int = Field(
        default=0,
        ge=0,
        le=256,
        description="Torch CPU threads per operation (0: the cores this process may use). 1 avoids "
        "oversubscription when several answer workers share few cores.",
    )


class ChunkingSettings(_Group):
    max_chars: int = Field(
        default=700, ge=100, le=20000, description="Longest chunk, in characters (whole sentences)."
    )
    overlap_sentences: int = Field(
        default=1, ge=0, le=10, description="Sentences shared by consecutive chunks."
    )


class SearchSettings(_Group):
    k: int = Field(default=8, ge=1, le=200, description="Passages kept after fusion.")
    k_dense: int = Field(default=30, ge=1, le=1000, description="Candidates from FAISS.")
    k_lexical: int = Field(default=30, ge=1, le=1000, description="Candidates from BM25.")
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal rank fusion constant.")
    ivf_threshold: int = Field(
        default=100_000,
        ge=1000,
        description="Vectors from which FAISS uses an IVF index with 8-bit scalar quantisation "
        "instead of exact flat search (see docs/PERFORMANCE.md for recall and speed).",
    )
    nprobe: int = Field(
        default=48, ge=1, le=65536, description="Lists the IVF index searches per question."
    )
    topic_min_score: float = Field(
        default=0.6,
        ge=-1.0,
        le=1.0,
        description="Cosine similarity to a topic at which /latest TOPIC lists a passage's "
        "article (one with every word of the topic is listed anyway). Chosen by "
        "bench.calibrate_topics: uanews_dev questions and titles list their article 89.4%, "
        "none of the BBC articles 89.4% (all-MiniLM-L6-v2).",
    )


class IngestSettings(_Group):
    max_file_bytes: int = Field(
        default=5_000_000, ge=1000, description="Largest article file accepted, in bytes."
    )
    embed_pieces: bool = Field(
        default=True,
        description="Also store each sentence's clause pieces at ingest (pooled when "
        "pool_vectors is on), so a first question need not embed them for what it reads.",
    )
    pool_vectors: bool = Field(
        default=True,
        description="Encode each sentence once and pool chunk and clause vectors from its "
        "tokens, instead of encoding each chunk and clause on its own (docs/PERFORMANCE.md).",
    )


class FetchSettings(_Group):
    timeout_s: float = Field(
        default=15.0,
        gt=0,
        description="Timeout for connecting to and reading a web page, in seconds.",
    )
    max_bytes: int = Field(
        default=10_000_000,
        ge=1000,
        description="Largest page, PDF or feed downloaded, in bytes (larger ones are refused).",
    )
    max_redirects: int = Field(
        default=5, ge=0, le=20, description="Redirects followed for one URL."
    )
    user_agent: str = Field(
        default="newsbot/0.1 (+https://github.com/newsbot; news Q&A bot)",
        description="User-Agent sent with every request.",
    )
    per_host_interval_s: float = Field(
        default=1.0,
        ge=0,
        description="Least time between two requests to the same host, in seconds (politeness).",
    )
    allow_private: bool = Field(
        default=False,
        description="Allow URLs on private, loopback and link-local addresses (off: refused, "
        "so a URL cannot reach the bot's own network).",
    )


class FeedsSettings(_Group):
    poll_interval_s: float = Field(
        default=900.0,
        ge=10,
        description="Default seconds between two polls of one feed (a feed may set its own).",
    )
    max_backoff_s: float = Field(
        default=21_600.0,
        ge=10,
        description="Longest wait before polling again a feed that keeps failing, in seconds.",
    )
    max_entries: int = Field(
        default=50, ge=1, le=1000, description="Newest entries read from a feed per poll."
    )


class FollowSettings(_Group):
    max_topics: int = Field(
        default=20, ge=1, le=1000, description="Topics one chat may follow with /follow."
    )
    max_topic_chars: int = Field(
        default=200, ge=10, le=1000, description="Longest topic /follow accepts, in characters."
    )
    alerts_per_hour: int = Field(
        default=10, ge=1, description="Most topic alerts one chat gets per hour (more are dropped)."
    )
    alerts_per_second: float = Field(
        default=5.0,
        gt=0,
        le=30,
        description="Most alerts sent per second in all (Telegram allows about 30 messages a "
        "second; replies keep the rest).",
    )
    min_score: float = Field(
        default=0.525,
        ge=0.0,
        le=1.0,
        description="Least match strength (mean of the dense and word scores of the best "
        "passage) for a topic alert; chosen on uanews_dev by python -m bench.follow_bound.",
    )


class Settings(BaseSettings):
    """newsbot's settings. Every field can be set as ``NEWSBOT_<GROUP>__<FIELD>``."""

    model_config = SettingsConfigDict(
        env_prefix="NEWSBOT_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
    )

    profile: Literal["english", "multilingual"] = Field(
        default="english",
        description="Embedding profile: the packaged English MiniLM, or EmbeddingGemma-300m for "
        "questions in any language (install it first: newsbot models install multilingual).",
    )
    data_dir: Path = Field(
        default=Path("data"), description="Where the index and its database live."
    )
    corpus_dir: Path | None = Field(
        default=None,
        description="Articles indexed when the data directory is empty. Empty: the bundled sample.",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] | None = Field(
        default=None,
        description="Logging level. Empty: INFO for the bot, WARNING for console commands.",
    )
    telegram: TelegramSettings = Field(default_factory=TelegramSettings, description="Telegram.")
    embedding: EmbeddingSettings = Field(
        default_factory=EmbeddingSettings, description="The embedding model."
    )
    chunking: ChunkingSettings = Field(
        default_factory=ChunkingSettings, description="How articles are cut into passages."
    )
    search: SearchSettings = Field(default_factory=SearchSettings, description="Retrieval.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Answering.")
    rerank: RerankSettings = Field(
        default_factory=RerankSettings, description="The optional model reranker."
    )
    reader: ReaderSettings = Field(default_factory=ReaderSettings, description="The reader.")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="Ingest limits.")
    fetch: FetchSettings = Field(
        default_factory=FetchSettings, description="Fetching web pages, PDFs and feeds."
    )
    feeds: FeedsSettings = Field(default_factory=FeedsSettings, description="RSS and Atom feeds.")
    follow: FollowSettings = Field(
        default_factory=FollowSettings, description="Topic alerts (/follow)."
    )
    state: StateSettings = Field(default_factory=StateSettings, description="Shared state.")


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
        rows.append((f"{prefix}{name.upper()}", shown, info.description or ""))
    return rows
