"""Question sets through an ``Answerer``: answers, declines, quotes and latency, measured.

``newsbot eval`` prints the figures.

Question sets are JSON Lines: ``{"q": ..., "answers": [...], "lang": ..., "kind": ...,
"doc": ..., "date": ...}``; an empty ``answers`` list means the bot must decline. An answer
counts as correct when one of ``answers`` appears, case-insensitively, in the short answer or
the first quote. ``doc`` names the gold article's file (its name without the suffix) in the
corpus folder; ``gold_ids`` turns it into the article id newsbot gives that file, so a result
can say whether the answer was quoted from the right article.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from answering.citations import is_verbatim
from answering.types import Answer, Answerer
from evaluation.stats import percentile
from index.documents.parse import iter_article_files, read_article_file
from index.errors import NewsBotError
from index.types import Article

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class EvalItem:
    question: str
    answers: tuple[str, ...]
    lang: str = "en"
    kind: str | None = None
    doc: str | None = None  # the gold article's file name without its suffix
    date: str | None = None  # that article's date, as the question set gives it
    # the gold article's id in the index: from ``doc`` (see ``gold_ids``), or given as
    # ``article_id`` (question sets made from the bot's own index: ``newsbot feedback export``)
    gold_id: str | None = None

    @property
    def answerable(self) -> bool:
        return bool(self.answers)


@dataclass(frozen=True, slots=True)
class ItemResult:
    item: EvalItem
    answered: bool
    correct: bool
    quotes: int
    verbatim: int
    latency_ms: float
    short: str | None = None
    first_quote: str | None = None
    article_id: str | None = None  # the article of the quote giving the short answer
    article_title: str | None = None

    @property
    def right_article(self) -> bool:
        """Answerable, and answered from the gold article (the quote giving the short answer
        is from it); where no gold article is known, answered with an expected answer in the
        short answer or first quote."""
        if not (self.item.answerable and self.answered):
            return False
        if self.item.gold_id is None:
            return self.correct
        return self.article_id == self.item.gold_id


@dataclass(slots=True)
class Summary:
    """The figures ``newsbot eval`` prints."""

    total: int = 0
    answerable: int = 0
    correct: int = 0
    by_lang: dict[str, tuple[int, int]] = field(default_factory=dict)  # lang -> (right, of)
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)
    unanswerable: int = 0
    declined_right: int = 0  # unanswerable and declined
    declined_wrong: int = 0  # answerable but declined
    quotes: int = 0
    verbatim: int = 0
    latencies: list[float] = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.correct / self.answerable if self.answerable else 0.0

    @property
    def decline_precision(self) -> float:
        declined = self.declined_right + self.declined_wrong
        return self.declined_right / declined if declined else 1.0

    @property
    def decline_recall(self) -> float:
        return self.declined_right / self.unanswerable if self.unanswerable else 1.0

    @property
    def verbatim_share(self) -> float:
        return self.verbatim / self.quotes if self.quotes else 1.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies, p)


def load_items(path: Path) -> list[EvalItem]:
    """The questions in ``path``; lines marked ``"review": true`` (no right answer known
    yet) are left out, and logged."""
    items = []
    review = 0
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("review"):
            review += 1
            continue
        items.append(
            EvalItem(
                row["q"],
                tuple(row.get("answers", [])),
                row.get("lang", "en"),
                row.get("kind"),
                row.get("doc"),
                row.get("date"),
                row.get("article_id"),
            )
        )
    if review:
        logger.warning("%s: left out %d questions marked for review", path.name, review)
    return items


def doc_ids(corpus: Path, docs: Iterable[str], *, max_bytes: int) -> dict[str, str]:
    """Each ``doc`` (an article file's name without its suffix, under ``corpus``) -> the id
    ingest gives that file's article (a hash of its parsed body: files with the same text
    share one id). Docs with no such file, or a file ingest would reject, are left out."""
    wanted = set(docs)
    base = corpus if corpus.is_dir() else corpus.parent
    ids: dict[str, str] = {}
    for path in iter_article_files(corpus):
        name = str(path.relative_to(base).with_suffix(""))
        if name in wanted and name not in ids:
            try:
                ids[name] = read_article_file(path, max_bytes=max_bytes).article.id
            except (NewsBotError, OSError):
                continue
    return ids


def gold_ids(items: Sequence[EvalItem], ids: Mapping[str, str]) -> list[EvalItem]:
    """The items with ``gold_id`` set from their ``doc`` (by ``doc_ids``), where known."""
    return [
        replace(item, gold_id=ids.get(item.doc, item.gold_id)) if item.doc is not None else item
        for item in items
    ]


def is_correct(item: EvalItem, answer: Answer) -> bool:
    """Answerable: one expected answer in the short answer or first quote. Else: declined."""
    if not item.answerable:
        return answer.declined
    if answer.declined:
        return False
    haystack = " ".join([answer.answer or "", answer.quotes[0].text if answer.quotes else ""])
    return any(a.lower() in haystack.lower() for a in item.answers)


def run_item(
    item: EvalItem, answerer: Answerer, article_of: Callable[[str], Article | None]
) -> ItemResult:
    try:
        answer = answerer.answer(item.question)
    except NewsBotError:
        answer = Answer(item.question, None)
    return score_answer(item, answer, article_of)


def score_answer(
    item: EvalItem, answer: Answer, article_of: Callable[[str], Article | None]
) -> ItemResult:
    """The result of ``answer`` to ``item``; ``article_of`` looks up quoted articles (None
    when unknown: its quotes do not count as verbatim)."""
    verbatim = 0
    for quote in answer.quotes:
        article = article_of(quote.article_id)
        verbatim += int(article is not None and is_verbatim(quote, article))
    first = answer.quotes[0] if answer.quotes else None
    # Where quotes disagree, each gives its own answer, newest first: the short answer is
    # from the first quote that gives it.
    source = next((q for q in answer.quotes if q.answer and q.answer == answer.answer), first)
    return ItemResult(
        item,
        answered=not answer.declined,
        correct=is_correct(item, answer),
        quotes=len(answer.quotes),
        verbatim=verbatim,
        latency_ms=answer.latency_ms,
        short=answer.answer,
        first_quote=first.text if first else None,
        article_id=source.article_id if source else None,
        article_title=source.title if source else None,
    )


def summarize(results: Iterable[ItemResult]) -> Summary:
    s = Summary()
    for r in results:
        s.total += 1
        s.quotes += r.quotes
        s.verbatim += r.verbatim
        s.latencies.append(r.latency_ms)
        if r.item.answerable:
            s.answerable += 1
            s.correct += int(r.correct)
            right, of = s.by_lang.get(r.item.lang, (0, 0))
            s.by_lang[r.item.lang] = (right + int(r.correct), of + 1)
            if r.item.kind:
                right, of = s.by_kind.get(r.item.kind, (0, 0))
                s.by_kind[r.item.kind] = (right + int(r.correct), of + 1)
            s.declined_wrong += int(not r.answered)
        else:
            s.unanswerable += 1
            s.declined_right += int(not r.answered)
    return s


def format_summary(s: Summary, *, title: str = "") -> str:
    lines = [f"== {title}" if title else "== eval"]
    lines.append(f"questions: {s.total} ({s.answerable} answerable, {s.unanswerable} unanswerable)")
    lines.append(f"answerable accuracy: {s.correct}/{s.answerable} = {s.accuracy:.1%}")
    for lang, (right, of) in sorted(s.by_lang.items()):
        lines.append(f"  {lang}: {right}/{of} = {right / of:.1%}")
    for kind, (right, of) in sorted(s.by_kind.items()):
        lines.append(f"  {kind}: {right}/{of} = {right / of:.1%}")
    declined = s.declined_right + s.declined_wrong
    lines.append(
        f"decline precision: {s.declined_right}/{declined} = {s.decline_precision:.1%}  "
        f"recall: {s.declined_right}/{s.unanswerable} = {s.decline_recall:.1%}"
    )
    lines.append(f"verbatim quotes: {s.verbatim}/{s.quotes} = {s.verbatim_share:.1%}")
    lines.append(f"latency ms: p50 {s.percentile(50):.1f}  p95 {s.percentile(95):.1f}")
    return "\n".join(lines)


def failures(
    results: Sequence[ItemResult], doc_of: Callable[[str], str | None] | None = None
) -> list[str]:
    """One line per item not handled right (answerable and not answered from the right
    article, or unanswerable and answered), with the gold doc and the article quoted (its
    title, and its doc where ``doc_of`` knows the article id)."""
    out = []
    for r in results:
        if r.right_article or not (r.item.answerable or r.answered):
            continue
        want = "|".join(r.item.answers) or "(decline)"
        if r.item.doc is not None and r.item.answerable:
            want += f" in {r.item.doc}"
        got = "(declined)"
        if r.answered:
            doc = doc_of(r.article_id) if doc_of and r.article_id else None
            got = f"{r.short!r} from {doc + ' ' if doc else ''}{r.article_title!r}"
        tag = "/".join(t for t in (r.item.kind, r.item.lang) if t)
        out.append(f"  x [{tag}] {r.item.question!r}: want {want}; got {got}")
    return out
