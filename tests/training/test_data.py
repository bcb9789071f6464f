"""No leakage: nothing the models train on comes from the SQuAD evaluation articles or from
the news sets (seed_dev, bbc_dev and their corpora, the Ukraine news), which are for
evaluation only (``shared/eval/squad/SPLIT.md``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluation.squad import EVAL_ARTICLES
from index.chunking import split_sentences
from index.documents.text import parse_article_bytes
from training.data import TrainQuestion, all_training_paragraphs, training_questions
from training.pairs import ParagraphRetriever, reranker_pairs
from training.spans import reader_examples

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "eval"
SQUAD = SHARED / "squad"


@pytest.fixture(scope="module")
def questions() -> list[TrainQuestion]:
    return training_questions(SQUAD)


def _eval_side() -> tuple[set[str], set[str]]:
    """Questions and paragraph texts of the evaluation articles, from both SQuAD files."""
    asked: set[str] = set()
    contexts: set[str] = set()
    for name in ("dev-v1.1.json", "dev-v2.0.json"):
        data = json.loads((SQUAD / name).read_text(encoding="utf-8"))
        for entry in data["data"]:
            if entry["title"] in EVAL_ARTICLES:
                for p in entry["paragraphs"]:
                    contexts.add(p["context"].strip())
                    asked.update(qa["question"].strip() for qa in p["qas"])
    return asked, contexts


def _long_sentences(text: str) -> set[str]:
    return {s.slice(text).strip() for s in split_sentences(text) if s.end - s.start >= 40}


def test_the_full_training_set_is_what_split_md_describes(questions: list[TrainQuestion]) -> None:
    answerable = [q for q in questions if q.answer is not None]
    assert len(answerable) == 8587
    assert len(questions) - len(answerable) == 3968
    assert len({q.paragraph.title for q in answerable}) == 36


def test_no_training_question_or_paragraph_comes_from_the_evaluation_articles(
    questions: list[TrainQuestion],
) -> None:
    eval_titles = {t.replace("_", " ") for t in EVAL_ARTICLES}
    asked, contexts = _eval_side()
    assert len(asked) > 3000 and len(contexts) > 350  # the evaluation side was really read
    paragraphs = {q.paragraph.text.strip() for q in questions} | {
        p.text.strip() for p in all_training_paragraphs(SQUAD)
    }
    assert not {q.paragraph.title for q in questions} & eval_titles
    assert not {q.text for q in questions} & asked
    assert not paragraphs & contexts
    eval_sentences = set().union(*(_long_sentences(c) for c in contexts))
    train_sentences = set().union(*(_long_sentences(p) for p in paragraphs))
    assert not train_sentences & eval_sentences


def test_no_training_text_comes_from_the_news_sets(questions: list[TrainQuestion]) -> None:
    news_questions = set()
    for name in ("seed_dev.jsonl", "bbc_dev.jsonl"):
        for line in (SHARED / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                news_questions.add(json.loads(line)["q"].strip())
    assert len(news_questions) == 50
    assert not {q.text for q in questions} & news_questions
    news_sentences: set[str] = set()
    files = sorted((SHARED / "bbc" / "articles").glob("*.txt"))
    files += sorted((SHARED / "uanews" / "articles").glob("*.txt"))
    files.append(SHARED.parent / "corpus" / "2025-02-04-izyum.txt")
    assert len(files) > 2400
    for path in files:
        article = parse_article_bytes(path.read_bytes(), origin=str(path)).article
        news_sentences |= _long_sentences(article.text)
    train_sentences = set().union(*(_long_sentences(q.paragraph.text) for q in questions))
    assert not train_sentences & news_sentences


def test_the_built_examples_only_hold_training_text(questions: list[TrainQuestion]) -> None:
    sample = training_questions(SQUAD, limit=300, seed=5)
    allowed = " ".join(p.text for p in all_training_paragraphs(SQUAD))
    pairs = reranker_pairs(sample, ParagraphRetriever(all_training_paragraphs(SQUAD)))
    assert {p.label for p in pairs} == {0.0, 1.0}
    for pair in pairs:
        sentence, title, *previous = pair.text.split(" | ")
        assert sentence in allowed and all(p in allowed for p in previous)
        assert title.replace(" ", "_") not in EVAL_ARTICLES
    for example in reader_examples(sample):
        assert example.context in allowed
        if example.answer is not None:
            assert example.context[example.answer.start : example.answer.end].strip()
