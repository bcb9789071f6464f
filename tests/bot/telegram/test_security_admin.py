"""Security must-show: admins are known by their numeric ID, never by name or username.

End to end through the real Application, the loopback Bot API and a real library.

(The admin commands themselves: ``test_e2e_admin.py``.)
"""

from __future__ import annotations

import logging

import pytest

from bot.library.indexed import IndexLibrary
from tests.bot.telegram.fakes import ANN
from tests.bot.telegram.harness import Harness, group_chat
from tests.bot.telegram.test_e2e_admin import FLOOD_V1, FLOOD_V2, _done, _say, rss
from tests.web_server import Route, WebServer


async def test_admins_are_known_by_id_not_by_name_or_username(
    admin_bot: Harness,
    web_server: WebServer,
    library: IndexLibrary,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Someone who took over the admin's old username, with the admin's first name, is still
    another user: every command is refused, nothing is fetched or changed, and the refusal
    is logged with their numeric ID. The admin, by ID, is obeyed."""
    admin = {**ANN, "username": "ann_news", "last_name": "Admin"}
    impostor = {
        "id": 6_660_001,
        "is_bot": False,
        "first_name": ANN["first_name"],
        "last_name": "Admin",
        "username": "ann_news",
        "language_code": "en",
    }
    web_server.routes["/flood.html"] = Route(body=FLOOD_V1)
    web_server.routes["/other.html"] = Route(body=FLOOD_V2)
    web_server.routes["/rss.xml"] = Route(body=rss(), content_type="application/rss+xml")
    done = await _done(admin_bot, admin, f"/add {web_server.url('/flood.html')}")
    assert done.startswith("Indexed")
    requests, stats = len(web_server.requests), library.stats()

    caplog.set_level(logging.INFO, logger="bot.telegram.handlers.admin")
    commands = [
        f"/add {web_server.url('/other.html')}",
        "/remove Floods in Varnel",
        f"/remove {web_server.url('/flood.html')}",
        f"/feeds add {web_server.url('/rss.xml')}",
        "/feeds poll",
        "/feeds remove 1",
        "/feeds",
        "/stats",
    ]
    for command in commands:
        assert await _say(admin_bot, impostor, command) == [
            "Sorry, you are not allowed to use this command."
        ]
    chat = group_chat(-100_777)
    admin_bot.send(chat, impostor, "/stats@NewsTestBot")
    [in_group] = await admin_bot.replies(chat["id"])
    assert in_group.plain == "Sorry, you are not allowed to use this command."

    assert len(web_server.requests) == requests  # nothing was fetched for the impostor
    assert library.stats() == stats and library.feeds() == []  # nor changed
    refused = [r for r in caplog.records if r.getMessage().startswith("Refused")]
    assert len(refused) == len(commands) + 1
    assert all(r.levelno == logging.WARNING for r in refused)
    assert all(f"user {impostor['id']}" in r.getMessage() for r in refused)

    [figures] = await _say(admin_bot, admin, "/stats")
    assert "Articles: 1" in figures
    [answer] = await _say(admin_bot, ANN, "How many homes were flooded in Varnel?")
    assert "140 homes" in answer  # the impostor's /remove changed nothing
