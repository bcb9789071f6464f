"""Questions in Ukrainian or Russian when the profile reads English only.

The user is told, in their language, that questions are answered in English here, before what
the keyword search found (when the same checks as for any answer let it through) or before the
decline. How to enable the multilingual profile is for the operator: it goes to the log, once.
"""

from __future__ import annotations

import logging
from functools import cache

from answering.types import Answer

logger = logging.getLogger(__name__)

#: The notice before a decline, and before what the keyword search found.
DECLINED = "english_only"
FOUND = "english_only_found"


@cache
def tell_operator() -> None:
    """Log, once per process, how to answer questions in other languages by their meaning."""
    logger.warning(
        "A question in another language than English came in; the English profile reads it "
        "by keyword only. To answer Ukrainian and Russian questions by meaning, run "
        "'newsbot models install multilingual' and set NEWSBOT_PROFILE=multilingual."
    )


def english_only_notice(answer: Answer) -> str:
    """The notice key for ``answer`` to a non-English question (and the operator's hint)."""
    tell_operator()
    return DECLINED if answer.declined else FOUND
