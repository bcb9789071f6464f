"""The answering and index policies, built from the ``Settings`` groups in one place.

A policy takes each field that a settings group holds under the same name (``from_groups``);
only the fields the settings name otherwise, or derive, are given one by one. The policies keep
their own defaults, and the settings fields take theirs from them (bot/config/).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel

from answering.decline import DeclinePolicy
from answering.pipeline import AnswerPolicy
from bot.config.settings import Settings
from index.ingest import IngestOptions
from index.store.vector_index import VectorIndexPolicy
from index.web.fetch import FetchPolicy

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

P = TypeVar("P", bound="DataclassInstance")


def from_groups(policy: type[P], *groups: BaseModel, **given: Any) -> P:
    """A ``policy`` whose fields take the values of the same-named fields of ``groups`` (the
    first group that has one wins), and ``given`` for the fields the settings name otherwise
    or do not hold; any other field keeps the policy's default."""
    wanted = {field.name for field in dataclasses.fields(policy)} - given.keys()
    values: dict[str, Any] = {}
    for group in groups:
        shared = (wanted & type(group).model_fields.keys()) - values.keys()
        values.update(group.model_dump(include=shared))
    return policy(**values, **given)


def decline_policy(settings: Settings) -> DeclinePolicy:
    """When to decline, as the settings say."""
    return from_groups(
        DeclinePolicy,
        settings.answer,
        min_rerank=settings.rerank.min_score,
        strong_rerank=settings.rerank.strong,
        max_no_answer=settings.reader.max_no_answer,
        sure_no_answer=settings.reader.sure_no_answer,
    )


def answer_policy(settings: Settings, decline: DeclinePolicy | None = None) -> AnswerPolicy:
    """How answers are composed, as the settings say, declining as ``decline`` does (by default
    as the settings say)."""
    return from_groups(
        AnswerPolicy,
        settings.answer,
        decline=decline or decline_policy(settings),
        multilingual=settings.profile == "multilingual" and not settings.embedding.model,
        rerank_weight=settings.rerank.weight,
        rerank_top=settings.rerank.top,
        span_top=settings.reader.span_top,
        max_question_chars=settings.telegram.max_question_chars,
    )


def ingest_options(settings: Settings, *, progress: bool | None = None) -> IngestOptions:
    """How ``ingest`` cuts and embeds articles, as ``Settings.ingest`` and ``.chunking`` say."""
    c = settings.chunking
    return from_groups(
        IngestOptions,
        settings.ingest,
        chunk_max_chars=c.max_chars,
        chunk_overlap=c.overlap_sentences,
        batch_chunks=max(settings.embedding.batch_size * 16, 64),
        progress=progress,
    )


def vector_index_policy(settings: Settings) -> VectorIndexPolicy:
    """When the store's vectors go into an IVF index, and how it is searched."""
    return from_groups(VectorIndexPolicy, settings.search)


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The limits of fetching web pages, PDFs and feeds."""
    return from_groups(FetchPolicy, settings.fetch)
