"""``newsbot feeds add|list|remove|poll`` and ``newsbot ingest URL``, with a fake fetcher and
the fake embedder (and once over the loopback web server, through the real fetcher)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.cli import _parser, main
from bot.commands.feeds import feeds_add, feeds_list, feeds_poll, feeds_remove
from bot.commands.ingest import ingest as ingest_command
from bot.config.settings import Settings
from bot.library.indexed import build_fetcher
from index.errors import FetchTimeoutError
from index.feeds.registry import SqliteFeedRegistry, registry_path
from index.web.fetch import HttpFetcher
from tests.components import opened
from tests.index.fakes import FakeEmbedder
from tests.index.feeds.fakes import FakeFetcher, feed, page
from tests.web_server import Route, WebServer

T0 = dt.datetime(2025, 2, 4, 12, 0, tzinfo=dt.UTC)
RSS_URL = "https://news.example.org/rss.xml"
BAD_URL = "https://bad.example.org/rss.xml"
HTTP_404 = "The server answered with HTTP status 404."


def link(name: str) -> str:
    return f"https://news.example.org/{name}"


def rss(*names: str) -> str:
    items = "".join(
        f"<item><title>{n} entry</title><link>{link(n)}</link>"
        f"<pubDate>Mon, 03 Feb 2025 09:00:00 GMT</pubDate></item>"
        for n in names
    )
    return (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Example News</title>'
        f"{items}</channel></rss>"
    )


def story(name: str) -> str:
    return (
        f"<html><head><title>The {name} story</title></head><body><article>"
        f"<p>Officials said the {name} story began on Monday night after three days of rain.</p>"
        "<p>Rescue teams worked through the night and the mayor promised more help.</p>"
        "</article></body></html>"
    )


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path)


def indexed(settings: Settings) -> list[str]:
    with opened(settings, FakeEmbedder()) as components:
        return sorted(info.origin for info in components.store.articles())


def test_add_list_and_remove(settings: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert feeds_list(settings) == 0
    assert capsys.readouterr().out == "no feeds (add one with: newsbot feeds add URL)\n"
    assert feeds_add(settings, RSS_URL) == 0
    assert feeds_add(settings, RSS_URL) == 0
    assert feeds_add(settings, BAD_URL, interval_s=60) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"added feed 1: {RSS_URL} (polled every 900 s)",
        f"feed 1 is already subscribed: {RSS_URL}",
        f"added feed 2: {BAD_URL} (polled every 60 s)",
    ]
    assert feeds_list(settings) == 0
    assert capsys.readouterr().out.splitlines() == [
        "id\turl\ttitle\tlast poll\tfailures\tlast error",
        f"1\t{RSS_URL}\t-\tnever\t0\t-",
        f"2\t{BAD_URL}\t-\tnever\t0\t-",
    ]
    assert feeds_remove(settings, 1) == 0
    assert feeds_remove(settings, 1) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"removed feed 1: {RSS_URL}",
        "no feed 1 (see: newsbot feeds list)",
    ]
    assert (settings.data_dir / "feeds.sqlite").is_file()


def test_the_cli_refuses_a_bad_url_or_interval(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path), "feeds", "add", "ftp://example.org/rss"]) == 2
    err = capsys.readouterr().err
    assert "newsbot: This URL is not allowed: a feed must be an http(s) URL." in err
    with pytest.raises(SystemExit) as caught:
        main(["--data-dir", str(tmp_path), "feeds", "add", RSS_URL, "--interval", "5"])
    assert caught.value.code == 2
    assert "at least 10 seconds" in capsys.readouterr().err
    assert main(["--data-dir", str(tmp_path), "feeds", "add", RSS_URL, "--interval", "120"]) == 0
    assert main(["--data-dir", str(tmp_path), "feeds", "list"]) == 0
    assert f"1\t{RSS_URL}\t-\tnever\t0\t-" in capsys.readouterr().out
    with SqliteFeedRegistry(registry_path(tmp_path)) as registry:
        assert [f.interval_s for f in registry.list()] == [120]


def test_ingest_keeps_urls_as_urls() -> None:
    args = _parser().parse_args(["ingest", "https://example.org/a?b=1", "notes/a.txt"])
    assert args.paths == ["https://example.org/a?b=1", "notes/a.txt"]


def test_poll_indexes_new_entries_and_reports_failures(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    fetcher = FakeFetcher()
    fetcher.routes[RSS_URL] = feed(RSS_URL, rss("flood", "dam"))
    fetcher.routes[link("flood")] = page(link("flood"), story("flood"))
    fetcher.routes[link("dam")] = FetchTimeoutError("no answer")  # retried next poll
    fetcher.routes[BAD_URL] = feed(BAD_URL, "<html><body>not a feed</body></html>")
    feeds_add(settings, RSS_URL)
    feeds_add(settings, BAD_URL)
    capsys.readouterr()
    assert feeds_poll(settings, fetcher=fetcher, embedder=FakeEmbedder(), now=T0) == 0
    assert capsys.readouterr().out.splitlines() == [
        "added 1, updated 0, skipped 0, failed 2",
        f"  failed feed {BAD_URL}: The feed could not be read: it is not a well-formed RSS or "
        "Atom feed.",
        f"  failed {link('dam')}: The server did not answer in time.",
    ]
    assert not fetcher.closed, "a fetcher passed in is the caller's to close"
    assert indexed(settings) == [link("flood")]
    feeds_list(settings)
    rows = capsys.readouterr().out.splitlines()[1:]
    assert rows == [
        f"1\t{RSS_URL}\tExample News\t2025-02-04 12:00 UTC\t0\t-",
        f"2\t{BAD_URL}\t-\t2025-02-04 12:00 UTC\t1\tThe feed could not be read: it is not a "
        "well-formed RSS or Atom feed.",
    ]
    fetcher.routes[link("dam")] = page(link("dam"), story("dam"))
    assert feeds_poll(settings, fetcher=fetcher, embedder=FakeEmbedder(), now=T0) == 0
    assert capsys.readouterr().out.splitlines()[0] == "added 1, updated 0, skipped 0, failed 1"
    assert indexed(settings) == [link("dam"), link("flood")]


def test_poll_fails_when_everything_failed(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert feeds_poll(settings, fetcher=FakeFetcher(), embedder=FakeEmbedder()) == 0
    assert capsys.readouterr().out == "no feeds to poll (add one with: newsbot feeds add URL)\n"
    feeds_add(settings, RSS_URL)
    capsys.readouterr()
    assert feeds_poll(settings, fetcher=FakeFetcher(), embedder=FakeEmbedder(), now=T0) == 1
    assert capsys.readouterr().out.splitlines() == [
        "added 0, updated 0, skipped 0, failed 1",
        f"  failed feed {RSS_URL}: {HTTP_404}",
    ]


def test_ingest_takes_urls_and_paths_together(
    settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    local = tmp_path / "note.txt"
    local.write_text(" title A local note\n\nThe bridge reopened on Friday after repairs.\n")
    fetcher = FakeFetcher({link("flood"): page(link("flood"), story("flood"))})
    targets = [str(local), link("flood"), link("missing")]
    assert ingest_command(settings, targets, fetcher=fetcher, embedder=FakeEmbedder()) == 0
    assert capsys.readouterr().out.splitlines() == [
        "added 2, updated 0, skipped 0, failed 1",
        f"  failed {link('missing')}: {HTTP_404}",
    ]
    assert indexed(settings) == sorted([str(local.resolve()), link("flood")])
    only_bad = [link("missing")]
    assert ingest_command(settings, only_bad, fetcher=fetcher, embedder=FakeEmbedder()) == 1


def test_the_fetcher_follows_the_settings() -> None:
    settings = Settings(
        fetch={"timeout_s": 3, "max_bytes": 5000, "allow_private": True, "user_agent": "t/1"}  # type: ignore[arg-type]
    )
    fetcher = build_fetcher(settings)
    try:
        assert isinstance(fetcher, HttpFetcher)
        policy = fetcher.policy
        assert (policy.timeout_s, policy.max_bytes, policy.allow_private, policy.user_agent) == (
            3,
            5000,
            True,
            "t/1",
        )
        assert policy.max_redirects == 5 and policy.per_host_interval_s == 1.0
    finally:
        fetcher.close()


def test_poll_over_http_with_a_conditional_get(
    tmp_path: Path, web_server: WebServer, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = Settings(
        data_dir=tmp_path,
        fetch={"allow_private": True, "per_host_interval_s": 0},  # type: ignore[arg-type]
    )
    body = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Loopback News</title>'
        "<item><title>Flood</title><link>/news/flood</link><guid>flood-1</guid>"
        "<pubDate>Mon, 03 Feb 2025 09:00:00 GMT</pubDate></item></channel></rss>"
    )
    web_server.routes["/rss.xml"] = Route(
        body=body.encode(), content_type="application/rss+xml; charset=utf-8", etag='"r1"'
    )
    web_server.routes["/news/flood"] = Route(body=story("flood").encode())
    feeds_add(settings, web_server.url("/rss.xml"))
    capsys.readouterr()
    assert feeds_poll(settings, embedder=FakeEmbedder()) == 0
    assert capsys.readouterr().out == "added 1, updated 0, skipped 0, failed 0\n"
    assert indexed(settings) == [web_server.url("/news/flood")]
    assert feeds_poll(settings, embedder=FakeEmbedder()) == 0
    assert capsys.readouterr().out == "added 0, updated 0, skipped 0, failed 0\n"
    feed_requests = web_server.requests_to("/rss.xml")
    assert [r.headers.get("if-none-match") for r in feed_requests] == [None, '"r1"']
    assert feed_requests[0].headers["user-agent"].startswith("newsbot/")
    assert len(web_server.requests_to("/news/flood")) == 1
