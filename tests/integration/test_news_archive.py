"""The default pipeline over a real news archive: the 257 war-news articles of
``../shared/eval/uanews`` plus the founding article (issue 17). Indexing takes a few minutes on
two cores, once for the module; runs in CI, which has ``../shared`` beside the clone."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config.settings import Settings
from bot.factory import Components, build_components, ensure_corpus, ingest

pytestmark = pytest.mark.integration

ARCHIVE = Path(__file__).resolve().parents[3] / "shared" / "eval" / "uanews" / "articles"
INTERCEPTED = re.compile(r"(?i)intercept|shot down|destroy|downed|neutrali")


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Components]:
    assert ARCHIVE.is_dir(), f"the war-news corpus is missing: {ARCHIVE}"
    settings = Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("data"))  # type: ignore[call-arg]
    built = build_components(settings)
    ensure_corpus(built, progress=False)
    report = ingest(built, [ARCHIVE], progress=False)
    assert not report.rejected and len(report.added) == 257
    built.answerer.warm()
    yield built
    built.store.close()


def test_an_undated_question_gets_a_dated_list_whose_entries_each_answer_it(
    archive: Components,
) -> None:
    answer = archive.answerer.answer("how many drones were intercepted?")
    assert answer.timeline and len(answer.quotes) >= 2
    dates = [q.date for q in answer.quotes]
    assert all(d is not None for d in dates)
    assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert len(set(dates)) == len(dates)  # one line per event
    for quote in answer.quotes:
        article = archive.store.get_article(quote.article_id)
        assert article.text[quote.start : quote.end] == quote.text
        assert quote.answer is not None and re.search(
            r"(?i)\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten)\b", quote.answer
        )
        assert "drone" in quote.text.lower() and INTERCEPTED.search(quote.text)
    assert answer.answer == answer.quotes[0].answer  # the newest report's figure


def test_a_dated_question_answers_from_that_days_report(archive: Components) -> None:
    answer = archive.answerer.answer(
        "How many drones were intercepted in the attack on 4 February 2025?"
    )
    assert answer.answer == "37 of the 65 drones"
    assert answer.quotes[0].date == dt.date(2025, 2, 4)


def test_the_reported_day_and_place_pin_the_event(archive: Components) -> None:
    answer = archive.answerer.answer(
        "How many drones were shot down in the attack reported on 4 February 2025, "
        "the day a missile hit Izyum?"
    )
    assert answer.answer is not None and "37" in answer.answer
    assert answer.quotes[0].date == dt.date(2025, 2, 4)


def test_killed_is_not_answered_by_the_injured(archive: Components) -> None:
    answer = archive.answerer.answer("how many people were killed in Izyum?")
    if not answer.declined:
        sentence = answer.quotes[0].text.lower()
        assert re.search(r"kill|dead|died|death", sentence), sentence


def test_what_happened_gets_no_bold_fragment(archive: Components) -> None:
    answer = archive.answerer.answer("what happened in Kharkiv?")
    assert answer.declined or answer.excerpt_only


def test_thanks_is_small_talk_not_an_article(archive: Components) -> None:
    answer = archive.answerer.answer("thanks!")
    assert answer.small_talk is not None and not answer.quotes and not answer.declined


PIER = """ date 2025-03-14
 title Harbour repairs finish ahead of storm season
 source Northshore Gazette

The town's harbour will reopen to fishing boats next week after a five-month repair programme, \
the council said on Friday.

Work on the north pier began in October after divers found rot below the waterline. Engineers \
replaced 46 wooden piles with steel ones and laid a new concrete deck.

The harbour master, Dana Price, said the pier could now take boats of up to 40 tonnes.
"""


def test_the_answer_follows_the_questions_verb_not_its_place(
    archive: Components, tmp_path: Path
) -> None:
    """ "North pier" is only in the sentence before the answer: the place frames the event, the
    answer is what the engineers replaced (issue 17)."""
    page = tmp_path / "harbour.txt"
    page.write_text(PIER, encoding="utf-8")
    ingest(archive, [page], progress=False)
    answer = archive.answerer.answer("What did engineers replace at the north pier?")
    assert not answer.declined
    assert answer.quotes[0].text.startswith("Engineers replaced 46 wooden piles")
    assert answer.answer is not None and "piles" in answer.answer
