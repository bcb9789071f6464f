"""Operators feed the running bot through Telegram: /add, /remove, /feeds, /stats, end to end.

The real Application talks to the loopback Bot API; the real library fetches from a loopback
web server (pages, a PDF, an RSS and an Atom feed whose content changes) into a real on-disk
index (fake embedder); questions are answered by the real pipeline over that index (the
``admin_bot`` fixture, in ``conftest.py``). Admins are known by numeric ID:
``test_security_admin.py``.
"""

from __future__ import annotations

import logging
import socket
from typing import Any

import pytest

from bot.telegram import context as ctx
from bot.telegram.menus import ADMIN_COMMANDS, COMMANDS
from bot.telegram.state.lease import LeaseBoard, LocalLease
from tests.bot.telegram.fake_bot_api import BotMessage
from tests.bot.telegram.fakes import ANN, BOHDAN
from tests.bot.telegram.harness import Harness, private_chat
from tests.index.documents.pdfs import text_pdf
from tests.web_server import Route, WebServer

DECLINE = "I could not find an answer"


def page(title: str, date: str, *paragraphs: str) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><title>{title}</title>"
        f'<meta property="article:published_time" content="{date}"></head>'
        f"<body><nav>Home | World | Sport</nav><article><h1>{title}</h1>{body}</article>"
        "<footer>Copyright Example News</footer></body></html>"
    ).encode()


FLOOD_V1 = page(
    "Floods in Varnel",
    "2025-03-01",
    "The river burst its banks overnight and the town of Varnel was flooded.",
    "Officials in Varnel said 140 homes were flooded and 12 families were moved to a school.",
)
FLOOD_V2 = page(
    "Floods in Varnel",
    "2025-03-01",
    "The river burst its banks overnight and the town of Varnel was flooded.",
    "Officials in Varnel said 310 homes were flooded and 40 families were moved to a school.",
)


#: (one entry, the whole feed) of each kind of feed, as format strings.
_FEED_FORMATS = {
    "rss": (
        "<item><title>{0}</title><link>{1}</link><guid>{1}</guid><pubDate>{2}</pubDate></item>",
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Example wire</title>'
        "<link>http://example.org/</link><description>News</description>{0}</channel></rss>",
    ),
    "atom": (
        '<entry><title>{0}</title><link href="{1}"/><id>{1}</id><updated>{2}</updated></entry>',
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        "<title>Example atom</title><id>urn:example</id><updated>2025-03-02T10:00:00Z</updated>"
        "{0}</feed>",
    ),
}


def feed(kind: str, *entries: tuple[str, str, str]) -> bytes:
    """A feed of ``kind`` ("rss" or "atom") with these (title, link, date) entries."""
    entry, document = _FEED_FORMATS[kind]
    return document.format("".join(entry.format(*fields) for fields in entries)).encode()


def rss(*items: tuple[str, str, str]) -> bytes:
    return feed("rss", *items)


def atom(*entries: tuple[str, str, str]) -> bytes:
    return feed("atom", *entries)


async def _say(bot: Harness, user: dict[str, object], text: str, replies: int = 1) -> list[str]:
    """Send ``text`` as ``user`` in their private chat; the plain text of the new replies."""
    chat_id = int(str(user["id"]))
    before = len(bot.api.messages(chat_id))
    bot.send(private_chat(user), user, text)
    messages: list[BotMessage] = await bot.replies(chat_id, before + replies, timeout=15)
    return [m.plain for m in messages[before:]]


async def _done(bot: Harness, user: dict[str, object], text: str) -> str:
    """Send a long command (/add, /feeds poll) as ``user``: its one reply, "Working on it…",
    once edited into the result."""
    chat_id = int(str(user["id"]))
    before = len(bot.api.messages(chat_id))
    await bot.processed(bot.send(private_chat(user), user, text).update_id, timeout=15)
    [note] = bot.api.messages(chat_id)[before:]
    assert note.edits == 1
    return note.plain


async def test_others_are_not_allowed_and_the_attempt_is_logged(
    admin_bot: Harness, web_server: WebServer, caplog: pytest.LogCaptureFixture
) -> None:
    web_server.routes["/flood.html"] = Route(body=FLOOD_V1)
    caplog.set_level(logging.WARNING, logger="bot.telegram.handlers.admin")
    for command in ("/add " + web_server.url("/flood.html"), "/remove Floods", "/feeds", "/stats"):
        [reply] = await _say(admin_bot, BOHDAN, command)
        assert reply == "Вибачте, вам не дозволено користуватися цією командою."
    assert web_server.requests == []  # nothing was fetched for them
    refused = [r.getMessage() for r in caplog.records if "Refused" in r.getMessage()]
    assert len(refused) == 4
    assert all(str(BOHDAN["id"]) in line for line in refused)


async def test_add_answer_update_and_remove_an_article(
    admin_bot: Harness, web_server: WebServer
) -> None:
    url = web_server.url("/flood.html")
    web_server.routes["/flood.html"] = Route(body=FLOOD_V1)
    question = "How many homes were flooded in Varnel?"
    [before] = await _say(admin_bot, ANN, question)
    assert before.startswith(DECLINE)

    done = await _done(admin_bot, ANN, f"/add {url}")  # "Working on it…", edited
    assert done == f"Indexed: {url}"
    [answer] = await _say(admin_bot, ANN, question)
    assert "140 homes" in answer
    assert "Floods in Varnel · 1 Mar 2025" in answer  # title and date with the quote

    web_server.routes["/flood.html"] = Route(body=FLOOD_V2)  # the page is corrected
    done = await _done(admin_bot, ANN, f"/add {url}")
    assert done.startswith("Updated")
    [answer] = await _say(admin_bot, ANN, question)
    assert "310 homes" in answer
    assert "140" not in answer  # the old text is gone, not shown beside the new

    [stats] = await _say(admin_bot, ANN, "/stats")
    assert "Articles: 1" in stats

    [removed] = await _say(admin_bot, ANN, f"/remove {url}")
    assert removed == "Removed: Floods in Varnel"
    [after] = await _say(admin_bot, ANN, question)
    assert after.startswith(DECLINE)
    [again] = await _say(admin_bot, ANN, f"/remove {url}")
    assert again.startswith("No article matches")


async def test_a_bad_url_gets_a_clear_reason_and_the_index_keeps_answering(
    admin_bot: Harness, web_server: WebServer
) -> None:
    web_server.routes["/flood.html"] = Route(body=FLOOD_V1)
    await _done(admin_bot, ANN, f"/add {web_server.url('/flood.html')}")
    web_server.routes["/gone.html"] = Route(status=404, body=b"not here")
    web_server.routes["/photo.png"] = Route(body=b"\x89PNG....", content_type="image/png")
    cases = {
        "/gone.html": "HTTP status 404",
        "/photo.png": "content type image/png",
        "/nothing.html": "HTTP status 404",
    }
    for path, reason in cases.items():
        done = await _done(admin_bot, ANN, f"/add {web_server.url(path)}")
        assert done.startswith("Could not index") and reason in done
    refused = await _done(admin_bot, ANN, "/add file:///etc/passwd")
    assert refused.startswith("Could not index") and "not allowed" in refused
    [answer] = await _say(admin_bot, ANN, "How many homes were flooded in Varnel?")
    assert "140 homes" in answer


async def test_an_unreachable_host_is_told_why_and_a_bad_feed_logs_no_traceback(
    admin_bot: Harness, web_server: WebServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    closed = _closed_port()
    refused = await _done(admin_bot, ANN, f"/add http://127.0.0.1:{closed}/news.html")
    assert refused == f"Could not index http://127.0.0.1:{closed}/news.html: " + (
        "The server 127.0.0.1 refused the connection."
    )
    unknown = await _done(admin_bot, ANN, "/add http://no-such-host.invalid/news.html")
    assert unknown.endswith("The host no-such-host.invalid was not found: check the address.")
    [not_http] = await _say(admin_bot, ANN, "/feeds add ftp://example.com/rss.xml")
    assert not_http.startswith("This URL is not allowed")
    [no_host] = await _say(admin_bot, ANN, "/feeds add http:///rss.xml")
    assert no_host == "This URL is not allowed: a feed must be an http(s) URL."
    assert [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info] == []
    refusals = [r.getMessage() for r in caplog.records if r.name == "bot.telegram.errors"]
    assert len(refusals) == 2 and all(m.startswith("Refused update") for m in refusals)


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def _serve_in_rss(
    web_server: WebServer, path: str, story: bytes, published: str, etag: str | None = None
) -> None:
    """Serve ``story`` at ``path``, and an RSS feed at ``/rss.xml`` whose one entry links it."""
    web_server.routes[path] = Route(body=story)
    web_server.routes["/rss.xml"] = Route(
        body=rss(("Story", web_server.url(path), published)),
        content_type="application/rss+xml",
        etag=etag,
    )


async def test_feeds_bring_new_entries_into_answers(
    admin_bot: Harness, web_server: WebServer
) -> None:
    bridge = page(
        "Bridge reopens in Osterby",
        "2025-03-02",
        "The old bridge in Osterby reopened on Sunday after repairs.",
        "Engineers in Osterby said the repairs took 9 months and cost 4 million euros.",
    )
    _serve_in_rss(web_server, "/a/bridge.html", bridge, "Sun, 02 Mar 2025 09:00:00 GMT", '"v1"')
    web_server.routes["/atom.xml"] = Route(
        body=atom(), content_type="application/atom+xml", etag='"a1"'
    )
    [added] = await _say(admin_bot, ANN, f"/feeds add {web_server.url('/rss.xml')}")
    assert added.startswith("Subscribed to feed 1")
    await _say(admin_bot, ANN, f"/feeds add {web_server.url('/atom.xml')}")
    polled = await _done(admin_bot, ANN, "/feeds poll")
    assert polled.startswith("Polled 2 feeds: added 1, updated 0")
    [answer] = await _say(admin_bot, ANN, "How long did the repairs of the bridge in Osterby take?")
    assert "9 months" in answer

    # New entries appear: a PDF report in the Atom feed, a page in the RSS feed.
    web_server.routes["/a/report.pdf"] = Route(
        body=text_pdf(
            [["Harbour report.", "The harbour of Lindqvist handled 52 cargo ships in February."]]
        ),
        content_type="application/pdf",
    )
    web_server.routes["/atom.xml"] = Route(
        body=atom(("Harbour report", web_server.url("/a/report.pdf"), "2025-03-03T08:00:00Z")),
        content_type="application/atom+xml",
        etag='"a2"',
    )
    polled = await _done(admin_bot, ANN, "/feeds poll")
    assert polled.startswith("Polled 2 feeds: added 1, updated 0")
    assert web_server.requests_to("/rss.xml")[-1].headers.get("if-none-match") == '"v1"'
    [answer] = await _say(
        admin_bot, ANN, "How many cargo ships did the harbour of Lindqvist handle?"
    )
    assert "52 cargo ships" in answer

    web_server.routes["/bad.xml"] = Route(body=b"<rss><channel>", content_type="application/xml")
    await _say(admin_bot, ANN, f"/feeds add {web_server.url('/bad.xml')}")
    polled = await _done(admin_bot, ANN, "/feeds poll")
    assert polled.startswith("Polled 3 feeds")
    assert "/bad.xml failed" in polled
    [listing] = await _say(admin_bot, ANN, "/feeds")
    assert "1 failures in a row" in listing
    [removed] = await _say(admin_bot, ANN, "/feeds remove 3")
    assert removed == "Unsubscribed from feed 3."


async def test_questions_are_answered_while_an_ingest_runs(
    admin_bot: Harness, web_server: WebServer
) -> None:
    web_server.routes["/flood.html"] = Route(body=FLOOD_V1)
    await _done(admin_bot, ANN, f"/add {web_server.url('/flood.html')}")
    slow = page("Slow page", "2025-03-04", "A page that takes its time to arrive, on purpose.")
    web_server.routes["/slow.html"] = Route(body=slow, delay_s=1.5)
    chat_id = ANN["id"]
    before = len(admin_bot.api.messages(chat_id))
    admin_bot.send(private_chat(ANN), ANN, f"/add {web_server.url('/slow.html')}")
    await admin_bot.api.wait_for(lambda s: web_server.requests_to("/slow.html") or None)
    admin_bot.send(private_chat(ANN), ANN, "How many homes were flooded in Varnel?")
    replies = await admin_bot.replies(chat_id, before + 2, timeout=15)
    working, answer = (m.plain for m in replies[before : before + 2])
    assert working == "Working on it…"
    assert "140 homes" in answer  # answered while the slow page was still being fetched
    note = replies[before]  # and the ingest finished afterwards, editing its note
    await admin_bot.api.wait_for(lambda s: note.plain.startswith("Indexed:") or None, 15)


async def test_the_polling_job_indexes_due_feeds(admin_bot: Harness, web_server: WebServer) -> None:
    dam = page(
        "Dam inspection in Kellby",
        "2025-03-05",
        "Inspectors visited the dam above Kellby on Wednesday.",
        "The inspectors in Kellby found 3 cracks in the dam wall and ordered repairs.",
    )
    _serve_in_rss(web_server, "/a/dam.html", dam, "Wed, 05 Mar 2025 09:00:00 GMT")
    await _say(admin_bot, ANN, f"/feeds add {web_server.url('/rss.xml')}")
    [job] = admin_bot.app.job_queue.get_jobs_by_name("feeds")  # type: ignore[union-attr]
    await job.run(admin_bot.app)  # as the JobQueue does when the tick comes
    assert len(web_server.requests_to("/a/dam.html")) == 1
    [answer] = await _say(admin_bot, ANN, "How many cracks did the inspectors find in Kellby?")
    assert "3 cracks" in answer
    await job.run(admin_bot.app)  # not due again yet: nothing fetched
    assert len(web_server.requests_to("/rss.xml")) == 1


async def test_the_polling_job_waits_while_another_worker_holds_the_feed_lease(
    admin_bot: Harness, web_server: WebServer
) -> None:
    board = LeaseBoard()
    other_worker = LocalLease(board, "feeds", 60)
    assert await other_worker.acquire()
    admin_bot.app.bot_data[ctx.FEED_LEASE] = LocalLease(board, "feeds", 60)
    dam = page("Dam inspection in Kellby", "2025-03-05", "Inspectors visited the dam.")
    _serve_in_rss(web_server, "/a/dam.html", dam, "Wed, 05 Mar 2025 09:00:00 GMT")
    await _say(admin_bot, ANN, f"/feeds add {web_server.url('/rss.xml')}")
    [job] = admin_bot.app.job_queue.get_jobs_by_name("feeds")  # type: ignore[union-attr]
    await job.run(admin_bot.app)
    assert web_server.requests_to("/a/dam.html") == []
    assert await other_worker.release()
    await job.run(admin_bot.app)
    assert len(web_server.requests_to("/a/dam.html")) == 1


async def test_admins_get_the_operators_commands_in_their_own_menu(admin_bot: Harness) -> None:
    def menus() -> list[dict[str, Any]]:
        return [call.params for call in admin_bot.api.calls("setMyCommands")]

    everyone = [m for m in menus() if "scope" not in m]  # (post_init)
    assert len(everyone) == 3  # one per language
    offered = [c for c in COMMANDS if c != "settings"]  # (no chat settings kept here)
    assert [c["command"] for c in everyone[0]["commands"]] == offered
    # Telegram refused the admin's own menu at start (that chat had not written yet) and
    # the bot started all the same; the admin's first admin command sets it.
    refused = [c for c in admin_bot.api.calls("setMyCommands") if c.status == 400]
    assert [c.params["scope"] for c in refused] == [{"type": "chat", "chat_id": ANN["id"]}]
    await _say(admin_bot, ANN, "/stats")
    await _say(admin_bot, ANN, "/feeds")
    own = [m for m in menus() if m.get("scope") == {"type": "chat", "chat_id": ANN["id"]}]
    assert len(own) == 1 + 3  # the refused one, then one per language, once
    assert [c["command"] for c in own[-1]["commands"]] == [*offered, *ADMIN_COMMANDS]
    assert {m.get("language_code") for m in own[1:]} == {None, "uk", "ru"}
