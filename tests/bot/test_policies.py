"""The policies built from Settings: every setting reaches its policy field, and the settings'
defaults are the policies' own but for the bounds the product ships calibrated."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from answering.decline import DeclinePolicy
from answering.pipeline import AnswerPolicy
from bot.config.settings import Settings
from bot.policies import (
    answer_policy,
    decline_policy,
    fetch_policy,
    from_groups,
    ingest_options,
    vector_index_policy,
)
from index.ingest import IngestOptions
from index.store.vector_index import VectorIndexPolicy
from index.web.fetch import FetchPolicy

#: A value other than the default for every setting that a policy takes.
CHANGED = {
    "profile": "multilingual",
    "answer": {
        "min_evidence": 0.41,
        "min_coverage": 0.31,
        "strong_dense": 0.61,
        "min_names": 0.71,
        "min_answer_type": 0.11,
        "min_cross_lingual": 0.42,
        "fallback_margin": 0.21,
        "fallback_max_no_answer": 0.33,
        "fallback_tries": 5,
        "dated_passages": 30,
        "max_quotes": 3,
        "more_passages": 4,
    },
    "rerank": {"min_score": 0.45, "strong": 0.66, "weight": 0.2, "top": 9},
    "reader": {"max_no_answer": 0.77, "sure_no_answer": 0.02, "span_top": 2},
    "telegram": {"max_question_chars": 600},
    "embedding": {"batch_size": 8},
    "chunking": {"max_chars": 800, "overlap_sentences": 2},
    "ingest": {"max_file_bytes": 6000, "embed_pieces": False, "pool_vectors": False},
    "search": {"ivf_threshold": 2000, "nprobe": 7},
    "fetch": {
        "timeout_s": 3.0,
        "max_bytes": 2000,
        "max_redirects": 2,
        "user_agent": "test-agent",
        "per_host_interval_s": 0.5,
        "allow_private": True,
    },
}


def settings(**values: object) -> Settings:
    return Settings.model_validate(values)


def test_every_setting_reaches_its_policy() -> None:
    changed = settings(**CHANGED)
    decline = DeclinePolicy(
        min_evidence=0.41,
        min_coverage=0.31,
        strong_dense=0.61,
        min_names=0.71,
        min_answer_type=0.11,
        min_cross_lingual=0.42,
        min_rerank=0.45,
        strong_rerank=0.66,
        max_no_answer=0.77,
        sure_no_answer=0.02,
    )
    assert decline_policy(changed) == decline
    assert answer_policy(changed) == AnswerPolicy(
        decline=decline,
        max_quotes=3,
        more_passages=4,
        max_question_chars=600,
        multilingual=True,
        rerank_weight=0.2,
        rerank_top=9,
        span_top=2,
        fallback_margin=0.21,
        fallback_tries=5,
        fallback_max_no_answer=0.33,
        dated_passages=30,
    )
    assert ingest_options(changed, progress=False) == IngestOptions(
        max_file_bytes=6000,
        chunk_max_chars=800,
        chunk_overlap=2,
        batch_chunks=128,
        progress=False,
        embed_pieces=False,
        pool_vectors=False,
    )
    assert vector_index_policy(changed) == VectorIndexPolicy(ivf_threshold=2000, nprobe=7)
    assert fetch_policy(changed) == FetchPolicy(
        timeout_s=3.0,
        max_bytes=2000,
        max_redirects=2,
        user_agent="test-agent",
        per_host_interval_s=0.5,
        allow_private=True,
    )


def test_the_default_settings_give_the_policies_defaults_but_the_calibrated_bounds() -> None:
    defaults = settings()
    shipped = DeclinePolicy(
        min_names=0.5, min_rerank=0.4, strong_rerank=0.5, max_no_answer=0.85, sure_no_answer=0.01
    )
    assert decline_policy(defaults) == shipped
    assert answer_policy(defaults) == AnswerPolicy(decline=shipped, rerank_weight=0.1)
    assert ingest_options(defaults) == IngestOptions(batch_chunks=64 * 16)
    assert vector_index_policy(defaults) == VectorIndexPolicy()
    assert fetch_policy(defaults) == FetchPolicy()


@dataclass(frozen=True)
class Limits:
    k: int = 1
    max_chars: int = 2
    note: str = "kept"
    given: str = ""


def test_from_groups_takes_same_named_fields_and_the_given_ones() -> None:
    groups = settings(search={"k": 5}, chunking={"max_chars": 900})
    built = from_groups(Limits, groups.search, groups.chunking, given="g")
    assert built == Limits(k=5, max_chars=900, note="kept", given="g")
    with pytest.raises(TypeError):
        from_groups(Limits, groups.search, unknown=4)
