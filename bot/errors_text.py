"""What a user is told about an error: the one mapping from exceptions to user-facing text.

Users never see a traceback or ``str(error)``. A ``NewsBotError`` is told with the localized
``error.<code>`` template formatted with the error's ``params``; when the template is missing or
does not fit the parameters, with the error's own English ``user_message`` (always safe to show).
Anything else is told with the localized ``error.internal``.

The console and the Telegram bot both use ``user_message``; the text is plain (escape it before
putting it into HTML).
"""

from __future__ import annotations

import logging

from index.errors import NewsBotError
from prompts.i18n import t

logger = logging.getLogger(__name__)

#: The UI key for errors that are not a ``NewsBotError`` (bugs, failed I/O, ...).
INTERNAL = "error.internal"

#: What ``str.format`` raises when a template and its parameters do not fit.
_FORMAT_ERRORS = (KeyError, IndexError, ValueError, AttributeError, TypeError)


def user_message(error: BaseException, lang: str) -> str:
    """The plain text that tells a user in ``lang`` about ``error``; never ``str(error)``."""
    if not isinstance(error, NewsBotError):
        return t(INTERNAL, lang)
    key = f"error.{error.code}"
    try:
        template = t(key, lang)
    except KeyError:
        logger.warning("No UI string %s for %s; using its user_message", key, type(error).__name__)
        return error.user_message
    try:
        # Formatted here even without params, so a template whose field has no value falls back
        # instead of showing a raw "{field}".
        return template.format(**error.params)
    except _FORMAT_ERRORS:
        logger.warning(
            "UI string %s does not fit the parameters of %s; using its user_message",
            key,
            type(error).__name__,
        )
        return error.user_message
