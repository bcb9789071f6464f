"""Users' votes on answers: one per user and answer, changeable, counted, exported for eval."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from answering.types import Answer, Quote
from bot.cli import main
from bot.feedback import (
    DOWN,
    UP,
    Ballot,
    FeedbackStore,
    Recorded,
    VoteCounts,
    feedback_path,
)
from bot.feedback_export import eval_lines, export_votes, question_key
from evaluation.runner import load_items, run_item
from index.types import Article

QUOTE = Quote(
    article_id="art1",
    title="Drones <repelled>",
    date=dt.date(2024, 5, 1),
    source="Kyiv Daily",
    url="https://example.com/1",
    text="Air defence forces shot down 42 of 45 drones overnight.",
    start=10,
    end=65,
)


class Clock:
    """A clock that moves one minute per reading."""

    def __init__(self) -> None:
        self.now = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FeedbackStore]:
    opened = FeedbackStore(feedback_path(tmp_path), clock=Clock())
    yield opened
    opened.close()


def ballot(
    user: int,
    vote: int,
    *,
    key: str = "k1",
    question: str = "How many drones were intercepted?",
    answer: str = "42 of 45",
    quotes: tuple[Quote, ...] = (QUOTE,),
) -> Ballot:
    return Ballot(user, key, question, answer, quotes, vote, "en")


def test_a_vote_is_kept_with_the_question_answer_and_quotes(store: FeedbackStore) -> None:
    assert store.vote(ballot(1, UP)) is Recorded.NEW
    [kept] = store.votes()
    assert (kept.user_id, kept.answer_key, kept.vote, kept.lang) == (1, "k1", UP, "en")
    assert kept.question == "How many drones were intercepted?"
    assert kept.answer == "42 of 45"
    assert kept.quotes == (
        {
            "article_id": "art1",
            "title": "Drones <repelled>",
            "date": "2024-05-01",
            "text": QUOTE.text,
            "start": 10,
            "end": 65,
        },
    )
    assert kept.voted_at.tzinfo is not None


def test_a_vote_changes_and_the_same_vote_again_is_kept(store: FeedbackStore) -> None:
    assert store.vote(ballot(1, DOWN)) is Recorded.NEW
    first = store.votes()[0].voted_at
    assert store.vote(ballot(1, UP)) is Recorded.CHANGED
    changed = store.votes()[0].voted_at
    assert store.vote(ballot(1, UP)) is Recorded.KEPT
    [kept] = store.votes()
    assert kept.vote == UP
    assert first < changed == kept.voted_at


def test_one_vote_per_user_and_answer(store: FeedbackStore) -> None:
    for vote in (UP, DOWN, UP, UP, DOWN):
        store.vote(ballot(1, vote))
    store.vote(ballot(2, DOWN))
    store.vote(ballot(1, UP, key="k2"))
    votes = {(v.user_id, v.answer_key): v.vote for v in store.votes()}
    assert votes == {(1, "k1"): DOWN, (2, "k1"): DOWN, (1, "k2"): UP}
    assert store.counts() == VoteCounts(up=1, down=2, answers=2)


def test_counts_of_an_empty_store_are_zero(store: FeedbackStore) -> None:
    assert store.counts() == VoteCounts(0, 0, 0)


def test_a_burst_of_taps_from_threads_leaves_one_vote(store: FeedbackStore) -> None:
    threads = [
        threading.Thread(target=store.vote, args=(ballot(7, UP if n % 2 else DOWN),))
        for n in range(20)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [kept] = store.votes()
    assert kept.vote in (UP, DOWN)
    assert store.counts().up + store.counts().down == 1


def test_votes_survive_reopening(tmp_path: Path) -> None:
    path = feedback_path(tmp_path)
    first = FeedbackStore(path)
    first.vote(ballot(1, UP))
    first.close()
    again = FeedbackStore(path)
    try:
        assert [(v.user_id, v.vote) for v in again.votes()] == [(1, UP)]
    finally:
        again.close()


def test_a_vote_is_up_or_down(store: FeedbackStore) -> None:
    with pytest.raises(ValueError):
        store.vote(ballot(1, 0))
    assert store.votes() == []


def test_questions_that_differ_in_case_spacing_or_mark_are_one() -> None:
    assert question_key("  How many  DRONES?! ") == question_key("how many drones")


def test_the_net_count_decides_expected_or_review(store: FeedbackStore) -> None:
    store.vote(ballot(1, UP))
    store.vote(ballot(2, UP, key="k2", question="how many drones were intercepted"))
    store.vote(ballot(3, DOWN, key="k2", question="How many drones were intercepted"))
    store.vote(ballot(1, DOWN, key="k3", question="Who won?", answer="Nobody", quotes=()))
    store.vote(ballot(2, UP, key="k4", question="Where?", answer="Kyiv"))
    store.vote(ballot(3, DOWN, key="k4", question="Where?", answer="Kyiv"))
    lines = eval_lines(store.votes())
    assert lines == [
        {
            "q": "How many drones were intercepted",  # as last asked
            "answers": ["42 of 45"],
            "lang": "en",
            "article_id": "art1",
            "date": "2024-05-01",
            "title": "Drones <repelled>",
            "quote": QUOTE.text,
            "votes": {"up": 2, "down": 1},
        },
        {
            "q": "Who won?",
            "answers": [],
            "review": True,
            "rejected": ["Nobody"],
            "lang": "en",
            "votes": {"up": 0, "down": 1},
        },
        {
            "q": "Where?",
            "answers": [],
            "review": True,
            "rejected": ["Kyiv"],
            "lang": "en",
            "article_id": "art1",
            "date": "2024-05-01",
            "title": "Drones <repelled>",
            "quote": QUOTE.text,
            "votes": {"up": 1, "down": 1},
        },
    ]


def test_different_answers_to_one_question_are_separate_lines(store: FeedbackStore) -> None:
    store.vote(ballot(1, UP, key="k1", answer="42"))
    store.vote(ballot(1, DOWN, key="k2", answer="37"))
    lines = eval_lines(store.votes())
    assert [(line["answers"], line.get("rejected")) for line in lines] == [
        (["42"], None),
        ([], ["37"]),
    ]


def test_the_export_is_read_by_eval(store: FeedbackStore, tmp_path: Path) -> None:
    store.vote(ballot(1, UP))
    store.vote(ballot(1, DOWN, key="k2", question="Who won?", answer="Nobody"))
    out = tmp_path / "sets" / "feedback.jsonl"
    done = export_votes(store.votes(), out)
    assert (done.expected, done.review) == (1, 1)
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row.get("review", False) for row in rows] == [False, True]
    [item] = load_items(out)  # the question to review is left out
    assert (item.question, item.answers, item.lang) == (
        "How many drones were intercepted?",
        ("42 of 45",),
        "en",
    )
    assert (item.gold_id, item.date) == ("art1", "2024-05-01")
    article = Article(id="art1", text="0123456789" + QUOTE.text, title=QUOTE.title)

    class Answerer:
        def answer(self, question: str) -> Answer:
            return Answer(question, "42 of 45", (QUOTE,))

        def warm(self) -> None: ...

    result = run_item(item, Answerer(), lambda i: article if i == "art1" else None)
    assert result.correct and result.right_article
    assert result.verbatim == 1


def test_the_export_replaces_the_file_whole(store: FeedbackStore, tmp_path: Path) -> None:
    out = tmp_path / "feedback.jsonl"
    out.write_text("old\n" * 1000, encoding="utf-8")
    store.vote(ballot(1, UP))
    export_votes(store.votes(), out)
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1
    left = [p.name for p in tmp_path.iterdir() if not p.name.startswith("feedback.sqlite3")]
    assert left == ["feedback.jsonl"]  # no temp file left


def test_newsbot_feedback_export(
    tmp_path: Path, store: FeedbackStore, capsys: pytest.CaptureFixture[str]
) -> None:
    store.vote(ballot(1, UP))
    store.vote(ballot(2, DOWN))
    store.vote(ballot(3, DOWN, key="k2"))
    out = tmp_path / "out.jsonl"
    assert main(["--data-dir", str(tmp_path), "feedback", "export", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "wrote 1 questions" in printed and "1 to review (from 3 votes)" in printed
    [row] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert row["review"] is True and row["votes"] == {"up": 1, "down": 2}


def test_newsbot_feedback_export_without_votes_writes_an_empty_set(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    assert main(["--data-dir", str(tmp_path / "data"), "feedback", "export", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == ""
    assert load_items(out) == []
    assert not feedback_path(tmp_path / "data").exists()
