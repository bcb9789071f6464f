"""The model card written beside each trained model (``README.md``), from its metadata."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

_WHAT = {
    "rerank": (
        "Cross-encoder reranker",
        "Reads (question, `sentence | article title | previous sentence`) and gives the "
        "probability that the sentence answers the question (one logit, sigmoid); the context "
        "comes last, so a long pair loses the end of the previous sentence first.",
        "newsbot train reranker --squad ../shared/eval/squad",
        "binary cross-entropy over (question, sentence) pairs: the sentence holding the "
        "answer (positive); two other sentences of its paragraph, most words shared first, "
        "and the best sentence of each of the two BM25-best paragraphs of other articles "
        "(hard negatives; the BM25 pool is every training-article paragraph, the held-out "
        "validation titles' included, whose sentences so appear as negatives, never with "
        "their own questions); an unanswerable question's two best-matching paragraph "
        "sentences (negatives only)",
    ),
    "span": (
        "Answer-span reader",
        "Reads (question, window: a sentence with its neighbours) and points at the answer's "
        "first and last tokens, or at [CLS] when the window holds no answer; newsbot decodes "
        "the span inside the chosen sentence (`answering/readers/span_decoding.py`).",
        "newsbot train reader --squad ../shared/eval/squad",
        "start/end cross-entropy: the window around the answer's sentence with the answer's "
        "tokens; no-answer ([CLS]) windows from unanswerable questions (their paragraph's "
        "best-matching sentence) and, for a quarter of the answerable ones, a window of their "
        "paragraph three or more sentences away from the answer's",
    ),
}


def write_card(folder: Path, meta: dict[str, Any]) -> Path:
    """Write ``folder/README.md`` for the model described by ``meta``; returns its path."""
    title, what, command, objective = _WHAT[meta["task"]]
    data = meta["data"]
    lines = [
        f"# newsbot {title.lower()}",
        "",
        what,
        "",
        "## Model",
        f"- Base: {meta['base']} (Apache-2.0), fine-tuned with its word-embedding table frozen;",
        "  the table is left out of `model.safetensors` (restored from the installed package at",
        "  load time, after its sha256 is checked) and the rest is stored in fp16.",
        "- Load: `answering.model_files.load_model` (transformers, offline).",
        "",
        "## Data",
        "- SQuAD dev sets in `../shared/eval/squad/`, **training articles only** (every title",
        "  except the 12 evaluation articles of `SPLIT.md`): answerable questions from",
        "  dev-v1.1.json, unanswerable ones from dev-v2.0.json. The news sets are never used.",
        f"- {data['questions']} training questions; {data['validation_questions']} questions of "
        f"held-out training articles for validation ({', '.join(data['validation_titles'])}).",
        f"- Objective: {objective}.",
        "- SQuAD is licensed CC BY-SA 4.0 (Rajpurkar et al. 2016, 2018); these weights are",
        "  derived from it and shared under the same licence.",
        "",
        "## Recipe",
        f"- Command: `{command}` (seeded; `--limit N` for a quick slice).",
        f"- Settings: `{json.dumps(meta['recipe'], sort_keys=True)}`",
        "- AdamW, linear warm-up then decay, batches grouped by length, on CPU.",
        "",
        "## Figures (this run)",
    ]
    lines += [f"- {k}: {v}" for k, v in sorted(meta["figures"].items())]
    lines += [f"- total time including data preparation: {meta['total_seconds']} s", ""]
    path = folder / "README.md"
    path.write_text("\n".join(lines))
    return path
