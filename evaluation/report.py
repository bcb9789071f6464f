"""A question set's report by kind and language: what was answered from the right article.

Each answerable question is one of: answered from the right article (``ItemResult.right_article``),
a wrong answer (answered, but not right), or a false decline. Each unanswerable question is
declined or not. Beside those: the short answer's exact match (SQuAD normalisation), an
expected answer in the short answer or first quote, short answers of another kind than asked
(``evaluation.kinds``) and latency percentiles. The same functions score any system whose
replies are ``ItemResult``s, so ``bench.news_eval`` prints newsbot, a peer and an older
revision side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from evaluation import squad
from evaluation.kinds import kind_fits
from evaluation.runner import ItemResult
from evaluation.stats import percentile

ALL = "all"
ENGLISH = "English"


@dataclass(slots=True)
class GroupStats:
    """The counts of one row of the report."""

    total: int = 0
    answerable: int = 0
    right: int = 0  # answered from the right article
    wrong: int = 0  # answered, but not from the right article
    false_declines: int = 0
    unanswerable: int = 0
    declined: int = 0  # unanswerable and declined
    correct: int = 0  # an expected answer in the short answer or first quote
    exact: int = 0  # short answer equal to an expected one (SQuAD normalised)
    judged: int = 0  # short answers whose kind was judged
    wrong_kind: int = 0
    latencies: list[float] = field(default_factory=list)


def wrong_kind(result: ItemResult) -> bool | None:
    """Whether an answered item's short answer is of another kind than asked (None: not
    judged)."""
    if not result.answered:
        return None
    fits = kind_fits(result.item.question, result.short, result.first_quote)
    return None if fits is None else not fits


def group_stats(results: Sequence[ItemResult]) -> GroupStats:
    s = GroupStats()
    for r in results:
        s.total += 1
        s.latencies.append(r.latency_ms)
        verdict = wrong_kind(r)
        s.judged += int(verdict is not None)
        s.wrong_kind += int(bool(verdict))
        if not r.item.answerable:
            s.unanswerable += 1
            s.declined += int(not r.answered)
            continue
        s.answerable += 1
        s.right += int(r.right_article)
        s.wrong += int(r.answered and not r.right_article)
        s.false_declines += int(not r.answered)
        s.correct += int(r.correct)
        s.exact += int(r.answered and squad.exact_match(r.short, r.item.answers) == 1.0)
    return s


def groups(results: Sequence[ItemResult]) -> list[tuple[str, list[ItemResult]]]:
    """The report's rows: each kind (when there are several), each language (when there are
    several; English named ``English``), then all questions."""
    out: list[tuple[str, list[ItemResult]]] = []
    kinds = list(dict.fromkeys(r.item.kind for r in results if r.item.kind))
    if len(kinds) > 1:
        out += [(kind, [r for r in results if r.item.kind == kind]) for kind in kinds]
    langs = list(dict.fromkeys(r.item.lang for r in results))
    if len(langs) > 1:
        langs.sort(key=lambda lang: lang != "en")
        for lang in langs:
            name = ENGLISH if lang == "en" else lang
            out.append((name, [r for r in results if r.item.lang == lang]))
    out.append((ALL, list(results)))
    return out


def _of(part: int, whole: int) -> str:
    return f"{part}/{whole} ({part / whole:.0%})" if whole else "–"


_COLUMNS = (
    "n",
    "right article",
    "wrong",
    "false declines",
    "unanswerable declined",
    "answer in short/1st quote",
    "short EM",
    "wrong kind",
    "p50 ms",
    "p95 ms",
)


def _cells(s: GroupStats) -> list[str]:
    a = s.answerable
    return [
        str(s.total),
        _of(s.right, a),
        _of(s.wrong, a),
        _of(s.false_declines, a),
        _of(s.declined, s.unanswerable),
        _of(s.correct, a),
        _of(s.exact, a),
        _of(s.wrong_kind, s.judged),
        f"{percentile(s.latencies, 50):.0f}",
        f"{percentile(s.latencies, 95):.0f}",
    ]


def report_table(rows: Sequence[tuple[str, str | None, GroupStats]]) -> str:
    """A markdown table, one row per (group, system); the system column only when named."""
    named = any(system is not None for _, system, _ in rows)
    head = ["questions", *(["system"] if named else []), *_COLUMNS]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for group, system, stats in rows:
        cells = [group, *([system or ""] if named else []), *_cells(stats)]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def compare(systems: Sequence[tuple[str, Sequence[ItemResult]]]) -> str:
    """Each system's results on the same questions, row by row side by side."""
    by_system = [(name, groups(results)) for name, results in systems]
    rows: list[tuple[str, str | None, GroupStats]] = []
    for i, (group, _) in enumerate(by_system[0][1] if by_system else []):
        for name, grouped in by_system:
            rows.append((group, name, group_stats(grouped[i][1])))
    return report_table(rows)


def kind_line(results: Sequence[ItemResult]) -> str:
    s = group_stats(results)
    return f"short answers of another kind than asked: {s.wrong_kind} of {s.judged}"


def kind_failures(results: Sequence[ItemResult]) -> list[str]:
    """One line per short answer of another kind than asked."""
    return [
        f"  ~ [{r.item.kind or '-'}/{r.item.lang}] {r.item.question!r}: got {r.short!r}"
        for r in results
        if wrong_kind(r)
    ]


def format_report(results: Sequence[ItemResult]) -> str:
    """The table over ``results`` (one system) and the count of wrong-kind short answers."""
    rows = [(group, None, group_stats(rs)) for group, rs in groups(results)]
    return report_table(rows) + "\n" + kind_line(results)
