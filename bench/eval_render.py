"""The tables and the plot of ``bench.eval_table``: pure rendering of its result rows."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.peer import PeerPipeline
from evaluation.squad_eval import QualitySummary, pct

Row = tuple[str, str, QualitySummary]


def table(rows: Sequence[Row]) -> str:
    head = (
        "| system | set | n | answer in 1st quote | EM | F1 | F1 all (official) "
        "| decline P | decline R | R@1 | R@5 | p50 ms | p95 ms |"
    )
    lines = [head, "|" + " --- |" * 13]
    for system, name, s in rows:
        lines.append(
            f"| {system} | {name} | {s.total} | {pct(s.in_quote_accuracy)} | {pct(s.em)} "
            f"| {pct(s.f1)} | {pct(s.official_f1)} | {pct(s.decline_precision)} "
            f"| {pct(s.decline_recall)} | {pct(s.recall_at(1))} | {pct(s.recall_at(5))} "
            f"| {s.percentile(50):.0f} | {s.percentile(95):.0f} |"
        )
    return "\n".join(lines)


def _div(a: float | None, b: float | None) -> str:
    return "—" if a is None or b is None or b == 0 else f"{a / b:.2f}"


def ratios(rows: Sequence[Row]) -> str:
    by = {(system, name): s for system, name, s in rows}
    lines = [
        "| set | answer in 1st quote | F1 | R@1 | R@5 | p50 latency | p95 latency |",
        "|" + " --- |" * 7,
    ]
    for name in dict.fromkeys(name for _, name, _ in rows):
        n, p = by[("newsbot", name)], by[(PeerPipeline.name, name)]
        lines.append(
            f"| {name} | {_div(n.in_quote_accuracy, p.in_quote_accuracy)} | {_div(n.f1, p.f1)} "
            f"| {_div(n.recall_at(1), p.recall_at(1))} | {_div(n.recall_at(5), p.recall_at(5))} "
            f"| {_div(n.percentile(50), p.percentile(50))} "
            f"| {_div(n.percentile(95), p.percentile(95))} |"
        )
    return "\n".join(lines)


def plot(rows: Sequence[Row], path: Path) -> None:
    """Answer-in-first-quote accuracy against p50 latency: colour = set, marker = system."""
    matplotlib = importlib.import_module("matplotlib")  # optional (bench) dependency
    matplotlib.use("Agg")
    plt = importlib.import_module("matplotlib.pyplot")
    line2d = importlib.import_module("matplotlib.lines").Line2D
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    names = list(dict.fromkeys(name for _, name, _ in rows))
    legend: list[Any] = []
    for system, name, s in rows:  # circles: newsbot; squares: the peer; other configs hollow
        plain = system in ("newsbot", PeerPipeline.name)
        look = {"marker": "o" if system.startswith("newsbot") else "s", "ls": ""}
        look["fillstyle"] = "full" if plain else "none"
        x, y = s.percentile(50), (s.in_quote_accuracy or 0.0) * 100
        ax.plot(x, y, color=f"C{names.index(name)}", markersize=9 if plain else 13, **look)
        if system not in (h.get_label() for h in legend):
            legend.append(line2d([], [], color="grey", label=system, **look))
    handles = legend + [
        line2d([], [], ls="", marker="o", color=f"C{i}", label=n) for i, n in enumerate(names)
    ]
    ax.legend(handles=handles, fontsize=8, loc="best")
    ax.set_xlim(left=0)
    ax.set_xlabel("p50 latency per question, ms")
    ax.set_ylabel("answer in first quote, % of answerable")
    ax.set_title("newsbot (trained models / features only) vs txtai hybrid peer")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
