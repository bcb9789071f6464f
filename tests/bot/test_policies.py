"""The policies built from Settings: every setting reaches its policy field, and the settings'
defaults are the policies' own but for the bounds the product ships calibrated."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
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

BUILDERS: dict[str, Callable[[Settings], object]] = {
    "decline": decline_policy,
    "answer": answer_policy,
    "ingest": ingest_options,
    "vectors": vector_index_policy,
    "fetch": fetch_policy,
}
#: Each policy field a setting fills: the setting, a value other than its default, the field.
ROUTES = [
    ("answer.min_evidence", 0.41, "decline.min_evidence"),
    ("answer.min_coverage", 0.31, "decline.min_coverage"),
    ("answer.strong_dense", 0.61, "decline.strong_dense"),
    ("answer.min_names", 0.71, "decline.min_names"),
    ("answer.min_answer_type", 0.11, "decline.min_answer_type"),
    ("answer.min_cross_lingual", 0.42, "decline.min_cross_lingual"),
    ("rerank.min_score", 0.45, "decline.min_rerank"),
    ("rerank.strong", 0.66, "decline.strong_rerank"),
    ("reader.max_no_answer", 0.77, "decline.max_no_answer"),
    ("reader.sure_no_answer", 0.02, "decline.sure_no_answer"),
    ("answer.fallback_margin", 0.21, "answer.fallback_margin"),
    ("answer.fallback_max_no_answer", 0.33, "answer.fallback_max_no_answer"),
    ("answer.fallback_tries", 5, "answer.fallback_tries"),
    ("answer.dated_passages", 30, "answer.dated_passages"),
    ("answer.max_quotes", 3, "answer.max_quotes"),
    ("answer.more_passages", 4, "answer.more_passages"),
    ("rerank.weight", 0.2, "answer.rerank_weight"),
    ("rerank.top", 9, "answer.rerank_top"),
    ("reader.span_top", 2, "answer.span_top"),
    ("telegram.max_question_chars", 600, "answer.max_question_chars"),
    ("ingest.max_file_bytes", 6000, "ingest.max_file_bytes"),
    ("ingest.embed_pieces", False, "ingest.embed_pieces"),
    ("ingest.pool_vectors", False, "ingest.pool_vectors"),
    ("chunking.max_chars", 800, "ingest.chunk_max_chars"),
    ("chunking.overlap_sentences", 2, "ingest.chunk_overlap"),
    ("search.ivf_threshold", 2000, "vectors.ivf_threshold"),
    ("search.nprobe", 7, "vectors.nprobe"),
    ("fetch.timeout_s", 3.0, "fetch.timeout_s"),
    ("fetch.max_bytes", 2000, "fetch.max_bytes"),
    ("fetch.max_redirects", 2, "fetch.max_redirects"),
    ("fetch.user_agent", "test-agent", "fetch.user_agent"),
    ("fetch.per_host_interval_s", 0.5, "fetch.per_host_interval_s"),
    ("fetch.allow_private", True, "fetch.allow_private"),
]
#: The policy fields no single setting fills: derived, built apart, or not settings at all.
NOT_ROUTED = {
    "answer": {"decline", "multilingual", "second_quote_margin", "disagree_margin"},
    "ingest": {"batch_chunks", "progress"},
    "vectors": {"train_per_list", "seed"},
    "fetch": {"total_timeout_s"},
}


def changed() -> Settings:
    """Settings with every routed setting off its default (and the multilingual profile)."""
    groups: dict[str, dict[str, object]] = {}
    for setting, value, _ in ROUTES:
        group, name = setting.split(".")
        groups.setdefault(group, {})[name] = value
    return Settings.model_validate({"profile": "multilingual", **groups})


@pytest.mark.parametrize(("setting", "value", "target"), ROUTES)
def test_every_setting_reaches_its_policy_field(setting: str, value: object, target: str) -> None:
    policy, field = target.split(".")
    assert getattr(BUILDERS[policy](changed()), field) == value, setting


@pytest.mark.parametrize("policy", BUILDERS)
def test_every_policy_field_is_routed_or_known_not_to_be(policy: str) -> None:
    built = BUILDERS[policy](Settings.model_validate({}))
    assert dataclasses.is_dataclass(built)
    routed = {target.split(".")[1] for _, _, target in ROUTES if target.startswith(policy + ".")}
    assert {f.name for f in dataclasses.fields(built)} - routed == NOT_ROUTED.get(policy, set())


def test_the_derived_fields() -> None:
    settings = changed()
    assert answer_policy(settings).multilingual
    assert answer_policy(settings).decline == decline_policy(settings)
    small = Settings.model_validate({"embedding": {"batch_size": 8}})
    assert ingest_options(small, progress=False).batch_chunks == 8 * 16
    assert not ingest_options(small, progress=False).progress


def test_the_default_settings_give_the_policies_defaults_but_the_calibrated_bounds() -> None:
    defaults = Settings.model_validate({})
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
    groups = Settings.model_validate({"search": {"k": 5}, "chunking": {"max_chars": 900}})
    built = from_groups(Limits, groups.search, groups.chunking, given="g")
    assert built == Limits(k=5, max_chars=900, note="kept", given="g")
    with pytest.raises(TypeError):
        from_groups(Limits, groups.search, unknown=4)
