"""What happened to the things a question counts: killed, injured, launched, intercepted.

"How many people were killed" is not answered by a sentence about the injured, nor "how
many drones were launched" by the number shot down; "intercepted", "shot down" and
"destroyed" say the same. Pure functions over word stems.
"""

from __future__ import annotations

from answering.lexicon import Token, tokenize
from answering.question import Question

# What happened to the things counted, by the stems that say it: a question that names one
# of these must find the same happening in its evidence.
_EVENTS: dict[str, frozenset[str]] = {
    "killed": frozenset("kill dead die death fatal perish bodi".split()),
    "injured": frozenset("injur wound hurt".split()),
    "launched": frozenset("launch fired firing".split()),
    "intercepted": frozenset(
        "intercept destroy down shot neutral neutralis neutraliz repel elimin downe".split()
    ),
    "captured": frozenset("captur prison detain".split()),
    "damaged": frozenset("damag".split()),
}


def events_in(tokens: list[Token]) -> set[str]:
    """The happenings (``_EVENTS`` keys) that ``tokens`` name."""
    stems = {t.stem for t in tokens} | {t.lower for t in tokens}
    return {event for event, words in _EVENTS.items() if stems & words}


# Casualties are never implied: "seven people trapped under a collapsed building" does not
# say how many died, so a question about them needs the evidence to name them.
_NAMED = frozenset({"killed", "injured"})


def event_agrees(question: Question, evidence: str) -> bool:
    """False when the question asks about one happening (killed) and the evidence names only
    others (injured), or asks about casualties the evidence does not name; True when the
    question names no happening or the evidence names it too."""
    asked = events_in(tokenize(question.text))
    if not asked:
        return True
    told = events_in(tokenize(evidence))
    casualties = asked & _NAMED
    if casualties:  # each casualty asked about must be named, whatever else is shared
        return casualties <= told
    return bool(asked & told) or not told
