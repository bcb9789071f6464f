"""Reading over the real components, end to end.

A page added by URL is cited by its site's name and its author, read with /article, listed by
/latest and found by /latest TOPIC (the real hybrid search over the on-disk index), and gone once
removed."""

from __future__ import annotations

from typing import Any

from bot.factory import Components
from prompts.i18n import t
from tests.bot.telegram.fake_bot_api import BotMessage
from tests.bot.telegram.fakes import ANN
from tests.bot.telegram.harness import Harness, buttons, private_chat
from tests.bot.telegram.test_e2e_admin import _done
from tests.web_server import Route, WebServer

HARBOUR = (
    b"<html><head><title>Harbour repairs finish ahead of storm season | Northshore Gazette"
    b'</title><meta name="author" content="Mira Okafor">'
    b'<meta property="article:published_time" content="2025-03-14"></head>'
    b"<body><nav>Home | Local | Sport</nav><article>"
    b"<h1>Harbour repairs finish ahead of storm season</h1>"
    b"<p>The town's harbour will reopen to fishing boats next week after a five-month repair "
    b"programme, the council said on Friday.</p>"
    b"<p>Engineers replaced 46 wooden piles with steel ones and laid a new concrete deck.</p>"
    b"<p>The harbour master, Dana Price, said the pier could now take boats of 40 tonnes.</p>"
    b"</article><footer>Copyright Northshore Gazette</footer></body></html>"
)
CITED = (
    "Harbour repairs finish ahead of storm season · 14 Mar 2025 · Northshore Gazette · Mira Okafor"
)


async def _say(bot: Harness, text: str, replies: int = 1) -> list[BotMessage]:
    before = len(bot.api.messages(ANN["id"]))
    bot.send(private_chat(ANN), ANN, text)
    return (await bot.replies(ANN["id"], before + replies, timeout=15))[before:]


def _alerts(bot: Harness) -> list[Any]:
    answered = bot.api.snapshot(lambda s: list(s.callback_queries.values()))
    return [a["text"] for a in answered if a and a.get("show_alert")]


async def test_a_page_by_url_is_cited_read_listed_found_and_gone_when_removed(
    admin_bot: Harness, components: Components, web_server: WebServer
) -> None:
    url = web_server.url("/harbour.html")
    web_server.routes["/harbour.html"] = Route(body=HARBOUR)
    done = await _done(admin_bot, ANN, f"/add {url}")  # "Working on it…", edited
    assert done == f"Indexed: {url}"

    [answer] = await _say(admin_bot, "How many wooden piles did the engineers replace?")
    assert "46 wooden piles" in answer.plain
    assert CITED in answer.plain
    assert "127.0.0.1" not in answer.plain.replace(url, "")  # (the link is the page's)
    assert buttons(answer)[-3] == ("Read article", url)  # (then 👍 👎)

    [latest] = await _say(admin_bot, "/latest")
    assert latest.plain.startswith(f"Latest articles (page 1 of 1)\n\n1. {CITED}\n/article ")
    command = latest.plain.splitlines()[3]
    [page] = await _say(admin_bot, command)
    assert page.plain.startswith(f"{CITED}\n\nThe town's harbour will reopen")
    assert page.plain.endswith("could now take boats of 40 tonnes.")

    [about] = await _say(admin_bot, "/latest harbour repairs")
    assert about.plain.startswith("Latest about “harbour repairs” (page 1 of 1)\n\n1. Harbour")
    [unrelated] = await _say(admin_bot, "/latest volcano eruption")
    assert unrelated.plain == "I found no articles about “volcano eruption”."

    [info] = components.store.articles()
    assert info.id.startswith(command.split()[1])
    assert (info.source, info.author) == ("Northshore Gazette", "Mira Okafor")
    [removed] = await _say(admin_bot, f"/remove {url}")
    assert removed.plain.startswith("Removed: Harbour repairs")
    admin_bot.press(page, f"a:{info.id}:1", ANN)  # a page button of the removed article
    await admin_bot.api.wait_for(lambda s: _alerts(admin_bot) or None)
    assert _alerts(admin_bot) == [t("telegram.article_gone", "en")]
    [gone] = await _say(admin_bot, command)
    assert gone.plain.startswith("No article has the ID")
