"""All configuration, in one pydantic-settings ``Settings`` with nested groups.

Read from the environment (prefix ``NEWSBOT_``, nested delimiter ``__``, for example
``NEWSBOT_TELEGRAM__TOKEN``) and from a ``.env`` file. Only ``bot/cli.py`` builds it; everything
else receives values from it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
    threads: int = Field(
        default=0,
        ge=0,
        le=256,
        description="Torch CPU threads per operation (0: torch's default). 1 avoids "
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


class AnswerSettings(_Group):
    min_evidence: float = Field(
        default=0.35,
        ge=0.0,
        le=1.0,
        description="Evidence score below which the bot declines. This and the next four were "
        "chosen together by bench/calibrate.py on seed_dev+bbc_dev (en): 34 of 47 handled.",
    )
    min_coverage: float = Field(
        default=0.25,
        ge=0.0,
        le=1.0,
        description="Least rarity-weighted share of the question's terms the evidence and its "
        "context must hold, unless its meaning matches strongly (calibrated on the dev sets).",
    )
    strong_dense: float = Field(
        default=0.55,
        ge=0.0,
        le=1.0,
        description="Sentence similarity above which low term coverage is accepted (paraphrases).",
    )
    min_names: float = Field(
        default=1.0,
        ge=0.0,
        le=1.0,
        description="Least share of the question's names, numbers and dates that the evidence "
        "or its article header must hold.",
    )
    min_answer_type: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="Least strength of an answer of the asked kind in the evidence (a 'how "
        "many' question needs a number).",
    )
    min_cross_lingual: float = Field(
        default=0.5,
        ge=0.0,
        le=1.0,
        description="Evidence score below which a question in another language than the "
        "articles is declined (multilingual profile; seed_dev uk/ru: answerable 0.51-0.68, "
        "unanswerable at most 0.49).",
    )
    refine: int = Field(
        default=2,
        ge=0,
        le=50,
        description="Best sentences rescored with their clause vectors (computed at question "
        "time). Chosen on the dev sets: 2, 3 and 6 give the same answers on seed_dev (en 14/14) "
        "and bbc_dev (13/24, declines 5/6), 1 loses 4; 2 costs one exact short answer on "
        "bbc_dev (EM 37.5% vs 41.7%) for a lower first-ask p50 (87 vs 95 ms, 1 thread).",
    )
    max_quotes: int = Field(default=2, ge=1, le=5, description="Quotes shown with an answer.")
    more_passages: int = Field(
        default=3, ge=0, le=10, description="Further passages kept for 'More sources'."
    )


class RerankSettings(_Group):
    kind: Literal["trained", "crossencoder", "none"] = Field(
        default="none",
        description="trained: the cross-encoder shipped in bot/weights/reranker (see its model "
        "card); crossencoder: a local sentence-transformers CrossEncoder folder (model); none: "
        "the feature-based reader decides alone (the fallback).",
    )
    model: str = Field(
        default="",
        description="Model folder: required for crossencoder; for trained, another folder made "
        "by `newsbot train reranker` (empty: the shipped one).",
    )
    weight: float = Field(
        default=0.1,
        ge=0.0,
        le=1.0,
        description="Share of the reranker's score in the blend. This, min_score and strong "
        "were chosen by bench/calibrate_trained.py on seed_dev, bbc_dev and 300 questions of "
        "held-out SQuAD training titles (17/17, 18/30, 175/300 handled; features alone: 17/17, "
        "18/30, 168/300).",
    )
    top: int = Field(default=8, ge=1, le=100, description="Sentences the reranker rescores.")
    batch_size: int = Field(default=32, ge=1, description="Pairs per reranker batch.")
    max_length: int = Field(
        default=256,
        ge=16,
        description="Tokens per (question, sentence) for a crossencoder (a trained model uses "
        "the length it was trained with).",
    )
    int8: bool = Field(
        default=False, description="Quantise the trained reranker's linear layers to int8."
    )
    min_score: float = Field(
        default=0.45,
        ge=0.0,
        le=1.0,
        description="With a reranker, the evidence score (the blend) below which the bot "
        "declines; answer.min_evidence applies without one.",
    )
    strong: float = Field(
        default=0.5,
        ge=0.0,
        le=1.01,
        description="Reranker probability above which the word checks (term coverage, the "
        "counted thing of 'how many X') are waived for paraphrases; above 1: never.",
    )


class ReaderSettings(_Group):
    kind: Literal["extractive", "qa"] = Field(
        default="extractive",
        description="extractive: the feature-based reader; qa: a local extractive QA model.",
    )
    qa_model: str = Field(
        default="",
        description="A local transformers AutoModelForQuestionAnswering folder (kind=qa).",
    )
    null_margin: float = Field(
        default=0.0, description="How far the QA model's no-answer score must win to abstain."
    )
    span: Literal["trained", "features"] = Field(
        default="trained",
        description="The short answer inside the chosen sentence: trained, the span reader "
        "shipped in bot/weights/reader; features: the rule-based span finder (the fallback).",
    )
    span_model: str = Field(
        default="",
        description="Another folder made by `newsbot train reader` (empty: the shipped one).",
    )
    span_top: int = Field(
        default=1,
        ge=1,
        le=20,
        description="Best sentences the span reader reads (1: the answer's; more only feeds "
        "the 'sources disagree' check with model spans, at a cost per sentence).",
    )
    span_int8: bool = Field(
        default=True,
        description="Quantise the span reader's linear layers to int8 (dynamic). Same answers "
        "on bbc_dev (13/24, declines 5/6) and SQuAD (EM 37.7 vs 37.0 on 300 questions) as fp32, "
        "p50 59 vs 104 ms on bbc_dev.",
    )
    max_no_answer: float = Field(
        default=0.85,
        ge=0.0,
        le=1.0,
        description="The span reader's no-answer probability above which the bot declines. "
        "Chosen by bench/calibrate_trained.py (span reader, no reranker): seed_dev 17/17, "
        "bbc_dev 18/30, held-out SQuAD training titles 177/300 handled (features alone: 17/17, "
        "18/30, 168/300; 5 more false declines there, 14 more right ones).",
    )


class IngestSettings(_Group):
    max_file_bytes: int = Field(
        default=5_000_000, ge=1000, description="Largest article file accepted, in bytes."
    )
    embed_pieces: bool = Field(
        default=True,
        description="Also embed each sentence's clause pieces at ingest (about twice the texts "
        "embedded) so a first question need not: faster first answers, same answers.",
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
