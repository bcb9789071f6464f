"""SQuAD (v1.1 and v2.0 JSON) as an open-corpus benchmark: paragraphs become articles.

Each paragraph is one article (title: the SQuAD article title with spaces for underscores;
origin ``squad:<title>#<paragraph index>``; no date; source "Wikipedia (SQuAD)"). Each question
is a ``GoldItem``: an ``EvalItem`` (answer texts, empty for a v2.0 unanswerable question) plus
the id of its paragraph's article. The answer normalisation, exact match and F1 follow the
official SQuAD v2.0 evaluation script.
"""

from __future__ import annotations

import collections
import json
import logging
import random
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from evaluation.runner import EvalItem
from index.documents.text import content_id
from index.types import Article

logger = logging.getLogger(__name__)

SOURCE = "Wikipedia (SQuAD)"

# The held-out evaluation articles (../shared/eval/squad/SPLIT.md, seed 20261125): never
# train, tune thresholds or pick features on these.
EVAL_ARTICLES: frozenset[str] = frozenset(
    {
        "1973_oil_crisis",
        "Amazon_rainforest",
        "Civil_disobedience",
        "Construction",
        "Geology",
        "Immune_system",
        "Imperialism",
        "Normans",
        "Oxygen",
        "Sky_(United_Kingdom)",
        "Steam_engine",
        "University_of_Chicago",
    }
)

ANSWERABLE = "answerable"
UNANSWERABLE = "unanswerable"


@dataclass(frozen=True, slots=True)
class GoldItem:
    """A question with where its answer lives: ``doc`` is the gold article's id (None when
    unknown or when there is none), ``qid`` the question's id in its source file."""

    item: EvalItem
    doc: str | None = None
    qid: str = ""


def squad_article(title: str, index: int, context: str) -> Article:
    """The article for paragraph ``index`` of SQuAD article ``title``."""
    text = context.replace("\r\n", "\n").replace("\r", "\n")
    return Article(
        id=content_id(text),
        text=text,
        title=title.replace("_", " "),
        date=None,
        source=SOURCE,
        url=None,
        origin=f"squad:{title}#{index}",
        title_derived=False,
    )


def _answers(qa: dict[str, Any]) -> tuple[str, ...]:
    if qa.get("is_impossible"):
        return ()
    texts = (str(a["text"]) for a in qa.get("answers", []))
    return tuple(dict.fromkeys(t for t in texts if t.strip()))


def load_squad(
    path: Path, *, articles: Iterable[str] | None = None
) -> tuple[list[Article], list[GoldItem]]:
    """The paragraphs (as articles) and questions of a SQuAD file, in file order.

    ``articles`` limits both to these SQuAD titles (underscored, as in the file); None keeps
    every article. Works on v1.1 (every question answerable) and v2.0 files.
    """
    data = json.loads(path.read_text(encoding="utf-8"))
    wanted = None if articles is None else set(articles)
    docs: list[Article] = []
    items: list[GoldItem] = []
    for entry in data["data"]:
        title = str(entry["title"])
        if wanted is not None and title not in wanted:
            continue
        for index, paragraph in enumerate(entry["paragraphs"]):
            article = squad_article(title, index, str(paragraph["context"]))
            docs.append(article)
            for qa in paragraph["qas"]:
                answers = _answers(qa)
                kind = ANSWERABLE if answers else UNANSWERABLE
                item = EvalItem(str(qa["question"]).strip(), answers, "en", kind)
                items.append(GoldItem(item, article.id, str(qa.get("id", ""))))
    if wanted is not None and (missing := wanted - {str(e["title"]) for e in data["data"]}):
        logger.warning("%s has no article titled %s", path, ", ".join(sorted(missing)))
    logger.info("%s: %d paragraphs, %d questions", path.name, len(docs), len(items))
    return docs, items


def load_jsonl(path: Path) -> list[GoldItem]:
    """A ``newsbot eval`` question set (JSON Lines) with each question's ``doc`` where given
    (for the BBC set, the stem of the gold article's file name)."""
    golds = []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if line.strip():
            row = json.loads(line)
            item = EvalItem(row["q"], tuple(row.get("answers", [])), row.get("lang", "en"))
            golds.append(GoldItem(item, row.get("doc")))
    return golds


def load_open_corpus(file: Path, *, all_articles: bool) -> tuple[list[Article], list[GoldItem]]:
    """The evaluation articles' questions, over their paragraphs (or every paragraph)."""
    docs, golds = load_squad(file, articles=EVAL_ARTICLES)
    if all_articles:
        docs, _ = load_squad(file, articles=None)
    return docs, golds


_T = TypeVar("_T")


def sample(items: Sequence[_T], limit: int | None, seed: int) -> list[_T]:
    """``limit`` items drawn at random with ``seed`` (all when None or too few), kept in
    their original order. The same arguments always give the same sample."""
    if limit is None or limit >= len(items):
        return list(items)
    chosen = sorted(random.Random(seed).sample(range(len(items)), max(0, limit)))
    return [items[i] for i in chosen]


# --- the official SQuAD v2.0 evaluation, answer side -------------------------------------

_ARTICLES = re.compile(r"\b(a|an|the)\b", re.UNICODE)
_PUNCTUATION = frozenset(string.punctuation)


def normalize_answer(text: str) -> str:
    """Lower case, drop punctuation, the articles a/an/the, and extra white space."""
    text = "".join(ch for ch in text.lower() if ch not in _PUNCTUATION)
    return " ".join(_ARTICLES.sub(" ", text).split())


def _tokens(text: str) -> list[str]:
    return normalize_answer(text).split() if text else []


def _exact(gold: str, prediction: str) -> float:
    return float(normalize_answer(gold) == normalize_answer(prediction))


def _f1(gold: str, prediction: str) -> float:
    gold_tokens, pred_tokens = _tokens(gold), _tokens(prediction)
    if not gold_tokens or not pred_tokens:
        return float(gold_tokens == pred_tokens)  # no-answer: 1 only when both are empty
    common = collections.Counter(gold_tokens) & collections.Counter(pred_tokens)
    same = sum(common.values())
    if same == 0:
        return 0.0
    precision = same / len(pred_tokens)
    recall = same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def _golds(answers: Sequence[str]) -> list[str]:
    kept = [a for a in answers if normalize_answer(a)]
    return kept or [""]


def exact_match(prediction: str | None, answers: Sequence[str]) -> float:
    """1.0 when ``prediction`` equals a gold answer after normalisation (max over golds).

    No gold answers (unanswerable) means the right prediction is the empty one: None or "".
    """
    return max(_exact(gold, prediction or "") for gold in _golds(answers))


def f1(prediction: str | None, answers: Sequence[str]) -> float:
    """Token-overlap F1 against the best-matching gold answer (official SQuAD definition)."""
    return max(_f1(gold, prediction or "") for gold in _golds(answers))


def contains_answer(text: str | None, answers: Sequence[str]) -> bool:
    """Whether a gold answer occurs in ``text`` as whole normalised tokens (``"37"`` is in
    ``"shot down 37 drones"`` but not in ``"370 drones"``)."""
    if not text:
        return False
    hay = f" {normalize_answer(text)} "
    return any(f" {norm} " in hay for a in answers if (norm := normalize_answer(a)))
