"""Which update goes to which handler; the handlers are the other modules of this package."""

from __future__ import annotations

from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from bot.telegram import keyboards
from bot.telegram.context import NewsBotApplication
from bot.telegram.errors import error_handler
from bot.telegram.filters import ADDRESSED_TO_BOT, NOT_TEXT
from bot.telegram.handlers import admin as handlers_admin
from bot.telegram.handlers import reading as handlers_reading
from bot.telegram.handlers.callbacks import (
    event_report,
    example_question,
    full_passage,
    more_sources,
    sources_page,
    stale_button,
)
from bot.telegram.handlers.commands import about, help_command, sources, start, unknown_command
from bot.telegram.handlers.inline import inline_question
from bot.telegram.handlers.questions import (
    ask_command,
    caption_question,
    group_question,
    not_text,
    private_question,
)
from bot.telegram.handlers.settings import settings_choice, settings_command
from bot.telegram.handlers.votes import vote
from bot.telegram.render import settings as render_settings


def register_handlers(app: NewsBotApplication, *, admin: bool = False) -> None:
    """Add every handler and the global error handler to ``app``; with ``admin``, the
    operators' commands too (each checks the user's ID)."""
    new = filters.UpdateType.MESSAGE
    private = filters.ChatType.PRIVATE
    groups = filters.ChatType.GROUPS
    if admin:
        app.add_handlers(
            [
                CommandHandler(name, callback, filters=new)
                for name, callback in (
                    ("add", handlers_admin.add),
                    ("remove", handlers_admin.remove),
                    ("feeds", handlers_admin.feeds),
                    ("stats", handlers_admin.stats),
                )
            ]
        )
    app.add_handlers(
        [
            CommandHandler("start", start, filters=new),
            CommandHandler("help", help_command, filters=new),
            CommandHandler("about", about, filters=new),
            CommandHandler("sources", sources, filters=new),
            CommandHandler("ask", ask_command, filters=new),
            CommandHandler("settings", settings_command, filters=new),
            CommandHandler("article", handlers_reading.article_command, filters=new),
            CommandHandler("latest", handlers_reading.latest, filters=new),
            MessageHandler(new & private & filters.TEXT & ~filters.COMMAND, private_question),
            MessageHandler(
                new & groups & filters.TEXT & ~filters.COMMAND & ADDRESSED_TO_BOT, group_question
            ),
            MessageHandler(new & filters.CAPTION & (private | ADDRESSED_TO_BOT), caption_question),
            MessageHandler(new & NOT_TEXT & (private | ADDRESSED_TO_BOT), not_text),
            MessageHandler(new & private & filters.COMMAND, unknown_command),
            CallbackQueryHandler(more_sources, pattern=keyboards.MORE_PATTERN),
            CallbackQueryHandler(full_passage, pattern=keyboards.FULL_PATTERN),
            CallbackQueryHandler(sources_page, pattern=keyboards.SOURCES_PATTERN),
            CallbackQueryHandler(example_question, pattern=keyboards.EXAMPLE_PATTERN),
            CallbackQueryHandler(event_report, pattern=keyboards.EVENT_PATTERN),
            CallbackQueryHandler(vote, pattern=keyboards.VOTE_PATTERN),
            CallbackQueryHandler(settings_choice, pattern=render_settings.SETTINGS_PATTERN),
            CallbackQueryHandler(handlers_reading.article_page, pattern=keyboards.ARTICLE_PATTERN),
            CallbackQueryHandler(handlers_reading.open_article, pattern=keyboards.OPEN_PATTERN),
            CallbackQueryHandler(handlers_reading.latest_page, pattern=keyboards.LATEST_PATTERN),
            CallbackQueryHandler(handlers_reading.latest_page, pattern=keyboards.TOPIC_PATTERN),
            CallbackQueryHandler(stale_button),
            InlineQueryHandler(inline_question),
        ]
    )
    app.add_error_handler(error_handler)
