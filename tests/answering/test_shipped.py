"""The shipped-model format: saved without the frozen word embeddings, in fp16; loaded only
over the very embedding table it was trained with."""

from __future__ import annotations

import dataclasses
import json
import logging
from pathlib import Path
from typing import Any, cast

import pytest

from answering.model_files import META, WEIGHTS, load_model, pair_text, shipped_dir
from answering.question import analyze_question
from answering.rerankers.base import SentenceCandidate
from answering.rerankers.trained import TrainedReranker
from index.errors import ModelError


def test_the_saved_weights_leave_the_word_embeddings_out_and_are_fp16(
    shipped_qa: tuple[Path, Path],
) -> None:
    from safetensors import safe_open

    folder, _ = shipped_qa
    with safe_open(str(folder / WEIGHTS), "pt") as f:
        keys = list(f.keys())
        dtypes = {str(f.get_tensor(k).dtype) for k in keys if "position_ids" not in k}
    assert not any(k.endswith("word_embeddings.weight") for k in keys)
    assert dtypes == {"torch.float16"}
    meta = json.loads((folder / META).read_text())
    assert meta["task"] == "span" and len(meta["word_embeddings_sha256"]) == 64


def test_a_round_trip_gives_the_same_outputs(
    tiny_qa_model: Path, shipped_qa: tuple[Path, Path]
) -> None:
    import torch
    from transformers import AutoModelForQuestionAnswering

    folder, base = shipped_qa
    loaded = load_model(folder, "span", base_dir=base)
    original = AutoModelForQuestionAnswering.from_pretrained(str(tiny_qa_model)).eval()
    enc = loaded.tokenizer(
        "how many?", "The air force said 37 of the 65 drones", return_tensors="pt"
    )
    with torch.inference_mode():
        (a, _), b = loaded.logits(enc), original(**enc)
    assert torch.allclose(a, b.start_logits, atol=0.05)
    assert int(a.argmax()) == int(b.start_logits.argmax())


def test_a_different_base_embedding_table_is_refused(
    shipped_qa: tuple[Path, Path], tmp_path: Path
) -> None:
    from safetensors.torch import load_file, save_file

    folder, base = shipped_qa
    table = load_file(str(base / "model.safetensors"))["embeddings.word_embeddings.weight"]
    table[5, 0] += 1.0
    (tmp_path / "base").mkdir()
    save_file({"embeddings.word_embeddings.weight": table}, str(tmp_path / "base" / WEIGHTS))
    with pytest.raises(ModelError, match="differ"):
        load_model(folder, "span", base_dir=tmp_path / "base")


def test_the_wrong_task_or_an_empty_folder_is_refused(
    shipped_qa: tuple[Path, Path], tmp_path: Path
) -> None:
    folder, base = shipped_qa
    with pytest.raises(ModelError, match="not 'rerank'"):
        load_model(folder, "rerank", base_dir=base)
    with pytest.raises(ModelError, match="holds no newsbot"):
        load_model(tmp_path, "span", base_dir=base)


def test_int8_loading_keeps_the_answer(shipped_qa: tuple[Path, Path]) -> None:
    folder, base = shipped_qa
    fp32 = load_model(folder, "span", base_dir=base)
    int8 = load_model(folder, "span", base_dir=base, int8=True)
    enc = fp32.tokenizer("how many?", "The air force said 37 of the 65 drones", return_tensors="pt")
    (a, _), (b, _) = fp32.logits(enc), int8.logits(enc)
    assert int(a.argmax()) == int(b.argmax())


@pytest.mark.parametrize("int8", [False, True])
def test_a_traced_copy_gives_the_eager_logits_and_is_reused(
    shipped_qa: tuple[Path, Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
    int8: bool,
) -> None:
    import torch

    folder, base = shipped_qa
    eager = load_model(folder, "span", base_dir=base, int8=int8)
    traced = load_model(folder, "span", base_dir=base, int8=int8, traced_dir=tmp_path)
    assert isinstance(traced.model, torch.jit.ScriptModule)
    assert len(list(tmp_path.glob("*.pt"))) == 1
    questions = ["how many?", "who attacked the city overnight?"]
    contexts = ["The air force said 37 of the 65 drones were shot down.", "Drones. " * 30]
    enc = eager.tokenizer(questions, contexts, padding=True, return_tensors="pt")
    for a, b in zip(eager.logits(enc), traced.logits(enc), strict=True):
        assert torch.allclose(a, b, atol=1e-5)

    with caplog.at_level(logging.INFO, logger="index.traced"):
        again = load_model(folder, "span", base_dir=base, int8=int8, traced_dir=tmp_path)
    assert "saved a traced copy" not in caplog.text  # loaded, not traced again
    assert torch.equal(again.logits(enc)[0], traced.logits(enc)[0])


def test_an_unreadable_traced_copy_is_made_again(
    shipped_qa: tuple[Path, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder, base = shipped_qa
    load_model(folder, "span", base_dir=base, traced_dir=tmp_path)
    (copy,) = tmp_path.glob("*.pt")
    copy.write_bytes(b"not a torchscript archive")
    with caplog.at_level(logging.INFO, logger="index.traced"):
        loaded = load_model(folder, "span", base_dir=base, traced_dir=tmp_path)
    assert "tracing it again" in caplog.text and "saved a traced copy" in caplog.text
    enc = loaded.tokenizer("how many?", "37 of the 65 drones", return_tensors="pt")
    assert loaded.logits(enc)[0].shape == enc["input_ids"].shape


def test_pair_text_puts_the_sentence_before_the_title() -> None:
    assert pair_text("Overnight attack", "37 drones fell.") == "37 drones fell. | Overnight attack"
    assert pair_text("", "37 drones fell.") == "37 drones fell."


def test_pair_text_puts_the_previous_sentence_last() -> None:
    """Truncation cuts the end of the second segment: the context goes before the sentence."""
    got = pair_text("Overnight attack", "37 drones fell.", "Russia launched 65 drones.")
    assert got == "37 drones fell. | Overnight attack | Russia launched 65 drones."
    empty_title = pair_text("", "37 drones fell.", "Russia attacked.")
    assert empty_title == "37 drones fell. |  | Russia attacked."  # the parts keep their places
    assert pair_text("Drones", "37 drones fell.", "Drones") == "37 drones fell. | Drones"


def test_the_shipped_folders_live_inside_the_package() -> None:
    assert shipped_dir("rerank").parts[-2:] == ("weights", "reranker")
    assert shipped_dir("span").parts[-2:] == ("weights", "reader")


@pytest.mark.parametrize("reads_previous", [True, False])
def test_a_trained_reranker_reads_what_it_was_trained_on(
    shipped_rerank: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, reads_previous: bool
) -> None:
    """A model trained with the previous sentence reads it after the title; an older one,
    trained on the sentence and title only, is not shown it."""
    folder, base = shipped_rerank
    reranker = TrainedReranker(folder, base_dir=base)
    loaded = reranker._model.get()
    context = ["title", "previous"] if reads_previous else ["title"]
    seen: list[str] = []

    def tokenizer(questions: list[str], texts: list[str], **kwargs: Any) -> Any:
        seen.extend(texts)
        return loaded.tokenizer(questions, texts, **kwargs)

    meta = {**loaded.meta, "context": context}
    recording = dataclasses.replace(loaded, tokenizer=cast(Any, tokenizer), meta=meta)
    monkeypatch.setattr(reranker._model, "get", lambda: recording)
    cand = SentenceCandidate("37 were shot down.", "", ("a", 9, 27), "Attack", "Russia attacked.")
    reranker.rerank(analyze_question("How many drones were shot down?"), [cand])
    want = "37 were shot down. | Attack" + (" | Russia attacked." if reads_previous else "")
    assert seen == [want]
