"""`add PAGE.html`, `add https://…` and `add FEED` (broadsheet.intake, fetch, extract, feeds, urls, sources),
against a web server the tests start on 127.0.0.1: pages shaped like news sites, feeds in three formats,
redirects, slow and oversized answers, wrong content types, broken encodings and a dead link.

Golden drafts are tests/fixtures/web/drafts/; after an intended change regenerate them with
`python -m tests.test_intake --regenerate`, read the diff and commit it only if every change is right.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import yaml

from broadsheet import __version__
from broadsheet.fetch import Limits
from broadsheet.intake import add
from broadsheet.urls import canonical_url
from tests.conftest import ENTRY, entry, make_site

WEB = Path(__file__).parent / "fixtures" / "web"
GOLDEN = WEB / "drafts"
TODAY = dt.date(2024, 1, 1)
FAST = Limits(connect=2.0, total=0.5, max_bytes=200_000)  # small, so failing tests fail fast
ARTICLE = ["For thirty years Wang Hua", "Within a month about two thousand", "\"The traders used to tell us",
           "Local officials say more than", "The county has opened a small studio", "Not everyone has gained",
           "Economists at the provincial academy", "Wang plans to hire"]
CHROME = ["We use cookies", "Subscribe today", "Share on Facebook", "Morning Briefing", "Related articles",
          "Silk weavers", "teafan88", "wake up people", "Most read", "All rights reserved", "dataLayer",
          "Log in to comment", "Read more", "rural broadband", "Tags:", "Advertisement", "I grew up in a tea",
          "Home", "Business reporter", "Photo: Chen Bo"]
BLOG = ["Every few years someone", "The reason is not nostalgia", "In our town the number",
        "Those that took online orders", "I think the lesson"]
BLOG_CHROME = ["Skip to content", "Archive", "Share this", "Markets after the lockdown", "Great post",
               "Totally agree", "Leave a Reply", "Subscribe by email", "Proudly powered", "_paq", "Posted on"]
CAFE = ("<!DOCTYPE html><html><head><title>Caf\u00e9 society</title></head><body><nav>Home | About</nav>"
        "<article><h1>Caf\u00e9 society</h1><p>The caf\u00e9 on the corner now takes orders by message, and "
        "its owner, Ren\u00e9e, says the queue at noon has gone.</p><p>She still keeps a paper list for the "
        "regulars who never learned to use the phone, and she says they are her best customers.</p>"
        "</article><footer>\u00a9 Caf\u00e9 News</footer></body></html>")


# --- the local web server ------------------------------------------------------------------------------------

@dataclass
class Route:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0  # seconds before answering
    drip: float = 0.0  # seconds between single bytes of the body
    length: int | None = None  # a Content-Length to claim instead of the real one; -1: send none


class Server:
    """An HTTP server on 127.0.0.1 with a port of its own, serving `routes`; it records the User-Agents."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.agents: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.agents.append(self.headers.get("User-Agent", ""))
                route = server.routes.get(self.path) or server.routes.get(self.path.split("?")[0]) or Route(
                    404, {"Content-Type": "text/html"}, b"<p>gone</p>")
                time.sleep(route.delay)
                self.send_response(route.status)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.length != -1:
                    self.send_header("Content-Length", str(route.length or len(route.body)))
                self.end_headers()
                try:
                    if route.drip:
                        for byte in route.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(route.drip)
                    else:
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up, as it should

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False  # a handler still sleeping for a timeout test must not hold up the next
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)

    def page(self, path: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> str:
        self.routes[path] = Route(headers={"Content-Type": content_type}, body=body)
        return self.base + path

    def fixture(self, path: str, name: str, content_type: str) -> str:
        text = (WEB / name).read_text(encoding="utf-8").replace("{base}", self.base)
        return self.page(path, text.encode("utf-8"), content_type)


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    s.thread.start()
    s.fixture("/business/2020/09/tea-live-streams", "news-article.html", "text/html; charset=utf-8")
    s.fixture("/2021/03/small-shops/", "blog-post.html", "text/html")
    s.fixture("/feeds/rss.xml", "feed-rss.xml", "application/rss+xml")
    s.fixture("/feeds/atom.xml", "feed-atom.xml", "application/atom+xml; charset=utf-8")
    s.fixture("/feeds/feed.json", "feed.json", "application/feed+json")
    yield s
    s.httpd.shutdown()
    s.httpd.server_close()


@dataclass
class Run:
    code: int
    out: str
    err: str
    written: dict[str, str]  # file name -> text of every entry file written by this run


def run(content: Path, source: str, slug: str | None = None, limits: Limits = FAST) -> Run:
    entries = content / "entries"
    before = {p.name for p in entries.glob("*.md")}
    out, err = io.StringIO(), io.StringIO()
    code = add(source, content, slug, out, err, limits, today=TODAY)
    written = {p.name: p.read_text(encoding="utf-8") for p in sorted(entries.glob("*.md")) if p.name not in before}
    return Run(code, out.getvalue(), err.getvalue(), written)


def front(text: str) -> dict[str, Any]:
    matter: dict[str, Any] = yaml.safe_load(text.split("---\n", 2)[1])
    return matter


def body(text: str) -> str:
    return text.split("---\n", 2)[2]


def fails(content: Path, source: str, message: str, limits: Limits = FAST) -> None:
    """One `error:` line naming what went wrong, exit status 1, and no file written."""
    result = run(content, source, limits=limits)
    assert (result.code, result.out, result.err, result.written) == (1, "", f"error: {message}\n", {})


# --- pages: the article and nothing else; the page's own facts ------------------------------------------------

PAGES = ["news-article.html", "news-long-comments.html", "blog-post.html", "gbk-page.html"]


def page_draft(tmp_path: Path, name: str) -> str:
    result = run(tmp_path / "content", str(WEB / name))
    assert result.code == 0, result.err
    (text,) = result.written.values()
    return text


@pytest.mark.parametrize("name", PAGES)
def test_page_draft_matches_its_golden_file(tmp_path: Path, name: str) -> None:
    golden = GOLDEN / f"{Path(name).stem}.md"
    actual = page_draft(tmp_path, name)
    expected = golden.read_text(encoding="utf-8")
    if actual != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), actual.splitlines(True), str(golden), name))
        pytest.fail(f"draft differs from {golden.name} (if intended: python -m tests.test_intake --regenerate)\n"
                    f"{diff}")


@pytest.mark.parametrize("name", ["news-article.html", "news-long-comments.html"])
def test_news_page_keeps_every_article_paragraph_and_no_chrome(tmp_path: Path, name: str) -> None:
    text = body(page_draft(tmp_path, name))
    paragraphs = text.strip().split("\n\n")
    assert [p[: len(start)] for p, start in zip(paragraphs, ARTICLE, strict=True)] == ARTICLE
    assert [junk for junk in CHROME if junk in text] == []


def test_blog_page_keeps_its_paragraphs_and_heading_and_drops_comments_and_sidebar(tmp_path: Path) -> None:
    text = body(page_draft(tmp_path, "blog-post.html"))
    assert [start for start in BLOG if start not in text] == []
    assert "# What the numbers say" in text
    assert [junk for junk in BLOG_CHROME if junk in text] == []


def test_page_metadata_fills_source_from_json_ld_opengraph_and_canonical(tmp_path: Path) -> None:
    matter = front(page_draft(tmp_path, "news-article.html"))
    assert matter["title"] == "Farmers in Zhejiang sell tea through live streams"
    assert matter["date"] == dt.date(2020, 9, 15)  # as the page states it, not shifted to UTC (16 September)
    assert matter["source"] == {
        "title": "Farmers in Zhejiang sell tea through live streams", "publisher": "The Harbour Times",
        "author": "Li Wen", "url": "https://www.harbourtimes.example/business/2020/09/tea-live-streams?ref=home",
        "published": dt.date(2020, 9, 15)}
    assert matter["draft"] is True


def test_page_metadata_from_meta_tags_and_title_without_site_name(tmp_path: Path) -> None:
    matter = front(page_draft(tmp_path, "blog-post.html"))
    assert matter["source"] == {
        "title": "Why small shops still matter", "publisher": "Corner Economics", "author": "Chen Bo",
        "url": "http://corner-economics.example/2021/03/small-shops/?page=2", "published": dt.date(2021, 3, 2)}


def test_gbk_page_without_charset_is_read_as_chinese(tmp_path: Path) -> None:
    text = page_draft(tmp_path, "gbk-page.html")
    matter = front(text)
    assert matter["title"] == "数字经济带动乡村振兴"
    assert matter["source"]["publisher"] == "东海日报"
    assert matter["source"]["author"] == "张伟"
    assert matter["curator_note"].startswith("Converted the page from GBK/GB18030 to UTF-8.")
    assert body(text).startswith("今年以来\uff0c越来越多的农民通过网络直播销售农产品")
    assert "首页" not in text and "相关新闻" not in text and "版权所有" not in text


def test_an_html_file_without_a_doctype_is_still_a_page(tmp_path: Path) -> None:
    page = tmp_path / "saved.htm"
    page.write_text(CAFE.split("<body>")[1].split("</body>")[0], encoding="utf-8")
    result = run(tmp_path / "content", str(page))
    (text,) = result.written.values()
    assert front(text)["title"] == "Café society"
    assert body(text).startswith("The café on the corner") and "Home | About" not in text


def test_a_page_with_no_article_text_is_refused(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<!DOCTYPE html><html><head><title>Home</title></head><body><img src='logo.png' alt=''>"
                    "<script>render()</script></body></html>", encoding="utf-8")
    fails(tmp_path / "content", str(page), f"{page}: no article text found on the page (is it an index page, or "
          "does it need JavaScript to show its text?)")


# --- fetching: a page by its address, and every way that fails -----------------------------------------------

def test_add_an_address_fetches_the_page_with_a_broadsheet_user_agent(tmp_path: Path, server: Server) -> None:
    result = run(tmp_path / "content", f"{server.base}/business/2020/09/tea-live-streams?utm_source=x")
    assert result.code == 0, result.err
    assert list(result.written) == ["farmers-in-zhejiang-sell-tea-through-live-streams.md"]
    assert result.written == {"farmers-in-zhejiang-sell-tea-through-live-streams.md":
                              page_draft(tmp_path / "file", "news-article.html")}
    assert server.agents == [f"Broadsheet/{__version__} (static site generator; fetches one page when a "
                             "curator adds it)"]


def test_five_redirects_are_followed(tmp_path: Path, server: Server) -> None:
    for n in range(1, 6):
        server.routes[f"/r/{n}"] = Route(302, {"Location": f"/r/{n - 1}" if n > 1 else
                                               "/business/2020/09/tea-live-streams"})
    result = run(tmp_path / "content", f"{server.base}/r/5")
    assert (result.code, len(result.written)) == (0, 1)


def test_a_sixth_redirect_is_refused(tmp_path: Path, server: Server) -> None:
    for n in range(1, 7):
        server.routes[f"/r/{n}"] = Route(301, {"Location": f"{server.base}/r/{n - 1}" if n > 1 else
                                               "/business/2020/09/tea-live-streams"})
    fails(tmp_path / "content", f"{server.base}/r/6", f"cannot fetch {server.base}/r/6: it redirects more than 5 times")


@pytest.mark.parametrize("target", ["ftp://127.0.0.1/story.html", "file:///etc/passwd"])
def test_a_redirect_to_another_scheme_is_refused(tmp_path: Path, server: Server, target: str) -> None:
    server.routes["/moved"] = Route(302, {"Location": target})
    fails(tmp_path / "content", f"{server.base}/moved",
          f"cannot fetch {server.base}/moved: it redirects to {target}, which is not an http(s) address")


def test_a_redirect_to_no_valid_address_is_refused(tmp_path: Path, server: Server) -> None:
    server.routes["/moved"] = Route(302, {"Location": "http://[::1/story"})
    fails(tmp_path / "content", f"{server.base}/moved",
          f"cannot fetch {server.base}/moved: it redirects to 'http://[::1/story', which is not a valid address")


def test_an_address_that_is_no_valid_address_is_refused(tmp_path: Path) -> None:
    fails(tmp_path / "content", "http://[::1/story", "cannot fetch http://[::1/story: not a valid address (check "
          "the host name)")


def test_a_slow_server_times_out(tmp_path: Path, server: Server) -> None:
    server.routes["/slow"] = Route(headers={"Content-Type": "text/html"}, body=b"<p>late</p>", delay=1.5)
    fails(tmp_path / "content", f"{server.base}/slow", f"cannot fetch {server.base}/slow: no complete answer "
          "within 0.5 s (set BROADSHEET_FETCH_TIMEOUT to wait longer)")


def test_a_server_sending_a_byte_at_a_time_cannot_outlast_the_total_limit(tmp_path: Path, server: Server) -> None:
    server.routes["/drip"] = Route(headers={"Content-Type": "text/html"}, body=b"<p>" + b"x" * 100, drip=0.05)
    fails(tmp_path / "content", f"{server.base}/drip", f"cannot fetch {server.base}/drip: no complete answer "
          "within 0.5 s (set BROADSHEET_FETCH_TIMEOUT to wait longer)")


def test_a_response_over_the_size_limit_is_refused_by_its_length(tmp_path: Path, server: Server) -> None:
    server.routes["/big"] = Route(headers={"Content-Type": "text/html"}, body=b"<p>big</p>", length=200_001)
    fails(tmp_path / "content", f"{server.base}/big", f"cannot fetch {server.base}/big: it is larger than "
          "200,000 bytes (set BROADSHEET_FETCH_MAX_BYTES to allow more)")


def test_a_response_over_the_size_limit_is_refused_while_reading(tmp_path: Path, server: Server) -> None:
    # No Content-Length: the server just keeps sending, and the limit is counted as the bytes arrive.
    server.routes["/endless"] = Route(headers={"Content-Type": "text/html"}, body=b"<p>" + b"x" * 300_000, length=-1)
    fails(tmp_path / "content", f"{server.base}/endless", f"cannot fetch {server.base}/endless: it is larger than "
          "200,000 bytes (set BROADSHEET_FETCH_MAX_BYTES to allow more)")


@pytest.mark.parametrize("media_type", ["image/png", "application/pdf"])
def test_a_response_that_is_not_a_page_or_feed_is_refused(tmp_path: Path, server: Server, media_type: str) -> None:
    server.routes["/file"] = Route(headers={"Content-Type": media_type}, body=b"\x89PNG\r\n\x1a\n" + bytes(100))
    fails(tmp_path / "content", f"{server.base}/file",
          f"cannot fetch {server.base}/file: it is {media_type}, not a web page or a feed")


@pytest.mark.parametrize(("status", "reason"), [(404, "Not Found"), (500, "Internal Server Error"),
                                                (403, "Forbidden")])
def test_an_http_error_status_is_refused(tmp_path: Path, server: Server, status: int, reason: str) -> None:
    server.routes["/x"] = Route(status, {"Content-Type": "text/html"}, b"<p>no</p>")
    fails(tmp_path / "content", f"{server.base}/x", f"cannot fetch {server.base}/x: the server answered {status} "
          f"{reason}")


def test_a_refused_connection(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again at once: nothing listens there
    fails(tmp_path / "content", f"http://127.0.0.1:{port}/story",
          f"cannot fetch http://127.0.0.1:{port}/story: 127.0.0.1:{port} refused the connection")


def test_a_host_name_that_does_not_resolve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_such_host(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_host)  # the resolver's answer, without asking one
    fails(tmp_path / "content", "https://news.example.invalid/story",
          "cannot fetch https://news.example.invalid/story: the host news.example.invalid was not found "
          "(check the address; DNS has no such name)")


@pytest.mark.parametrize("source", ["ftp://example.org/story.html", "file:///etc/passwd"])
def test_only_http_addresses_can_be_added(tmp_path: Path, source: str) -> None:
    fails(tmp_path / "content", source, f"cannot add {source}: only http:// and https:// addresses, or files, "
          "can be added")


def test_limits_come_from_the_environment() -> None:
    assert Limits.from_env({"BROADSHEET_FETCH_TIMEOUT": "2.5", "BROADSHEET_FETCH_CONNECT_TIMEOUT": "1",
                            "BROADSHEET_FETCH_MAX_BYTES": "1000"}) == Limits(connect=1.0, total=2.5, max_bytes=1000)
    assert Limits.from_env({}) == Limits(connect=10.0, total=30.0, max_bytes=5 * 1024 * 1024, redirects=5)


# --- encodings of fetched pages -------------------------------------------------------------------------------

def test_a_gbk_page_served_without_charset(tmp_path: Path, server: Server) -> None:
    url = server.page("/gbk", (WEB / "gbk-page.html").read_bytes(), "text/html")
    result = run(tmp_path / "content", url)
    (text,) = result.written.values()
    assert "今年以来" in text
    assert front(text)["curator_note"].startswith("Converted the page from GBK/GB18030 to UTF-8. Kept")


def test_a_gbk_page_that_says_it_is_utf8(tmp_path: Path, server: Server) -> None:
    url = server.page("/gbk", (WEB / "gbk-page.html").read_bytes(), "text/html; charset=utf-8")
    (text,) = run(tmp_path / "content", url).written.values()
    assert "今年以来" in text
    assert front(text)["curator_note"].startswith(
        "Converted the page from GBK/GB18030 to UTF-8. Read the page as GBK/GB18030, not utf-8 as it says: "
        "its bytes are not utf-8.")


def test_a_utf8_page_that_says_it_is_latin1(tmp_path: Path, server: Server) -> None:
    url = server.page("/cafe", CAFE.encode("utf-8"), "text/html; charset=ISO-8859-1")
    (text,) = run(tmp_path / "content", url).written.values()
    assert "The café on the corner now takes orders by message, and its owner, Renée" in text
    assert front(text)["curator_note"].startswith(
        "Read the page as UTF-8, not ISO-8859-1 as it says: its bytes are not ISO-8859-1.")


def test_a_page_in_the_charset_it_declares(tmp_path: Path, server: Server) -> None:
    # Bytes that are not UTF-8 are read in the charset the server names, here Cyrillic Windows-1251,
    # rather than in a guessed Western encoding, which would turn every letter into a wrong one.
    cafe_on_the_corner = "\u041a\u0430\u0444\u0435 \u043d\u0430 \u0443\u0433\u043b\u0443"
    russian = CAFE.replace("The caf\u00e9 on the corner", cafe_on_the_corner)
    url = server.page("/ru", russian.replace("\u00e9", "e").replace("\u00a9", "(c)").encode("cp1251"),
                      "text/html; charset=windows-1251")
    (text,) = run(tmp_path / "content", url).written.values()
    assert f"{cafe_on_the_corner} now takes orders" in text
    assert front(text)["curator_note"].startswith("Converted the page from CP1251 to UTF-8.")


# --- feeds ----------------------------------------------------------------------------------------------------

def feed_drafts(result: Run, base: str) -> dict[str, str]:
    return {name: text.replace(base, "{base}") for name, text in result.written.items()}


def test_rss_feed_full_and_truncated_items_and_a_dead_link(tmp_path: Path, server: Server) -> None:
    content = tmp_path / "content"
    result = run(content, f"{server.base}/feeds/rss.xml")
    assert result.code == 1  # one item failed; the others are still drafts
    assert result.err == (f"error: {server.base}/feeds/rss.xml: item 3 \u201cA story that was taken down\u201d: "
                          f"cannot fetch {server.base}/business/2020/09/gone: the server answered 404 Not Found "
                          "(item skipped)\n")
    assert sorted(result.written) == ["farmers-in-zhejiang-sell-tea-through-live-streams.md",
                                      "port-traffic-hits-a-record-high.md"]
    port = front(result.written["port-traffic-hits-a-record-high.md"])
    assert port["date"] == dt.date(2020, 10, 2)  # as the feed states it, not shifted to UTC (3 October)
    assert port["source"] == {"title": "Port traffic hits a record high", "publisher": "The Harbour Times: Business",
                              "author": "Chen Bo", "url": f"{server.base}/business/2020/10/port-traffic",
                              "published": dt.date(2020, 10, 2)}
    tea = result.written["farmers-in-zhejiang-sell-tea-through-live-streams.md"]
    assert [p[: len(s)] for p, s in zip(body(tea).strip().split("\n\n"), ARTICLE, strict=True)] == ARTICLE
    assert front(tea)["curator_note"].startswith("The feed gave only a summary, so the text comes from the "
                                                 "item's page.")
    assert front(tea)["source"]["url"] == f"{server.base}/business/2020/09/tea-live-streams"
    assert result.out.endswith(f"{server.base}/feeds/rss.xml: 2 drafts written, 0 known already, 1 failed\n"
                               f"to keep a story out for good: broadsheet dismiss <slug> --content {content} (it "
                               f"deletes the draft and adds its address to {content / 'dismissed.txt'})\n")


@pytest.mark.parametrize("feed", ["rss.xml", "atom.xml", "feed.json"])
def test_feed_item_golden_drafts(tmp_path: Path, server: Server, feed: str) -> None:
    actual = feed_drafts(run(tmp_path / "content", f"{server.base}/feeds/{feed}"), server.base)
    folder = GOLDEN / Path(feed).stem.replace(".", "-")
    expected = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.md"))}
    assert sorted(actual) == sorted(expected)
    for name, text in actual.items():
        if text != expected[name]:
            diff = "".join(difflib.unified_diff(expected[name].splitlines(True), text.splitlines(True), name, feed))
            pytest.fail(f"{name} differs (if intended: python -m tests.test_intake --regenerate)\n{diff}")


def test_adding_the_same_feed_twice_adds_nothing(tmp_path: Path, server: Server) -> None:
    content = tmp_path / "content"
    first = run(content, f"{server.base}/feeds/atom.xml")
    assert (first.code, len(first.written)) == (0, 2)
    second = run(content, f"{server.base}/feeds/atom.xml")
    assert (second.code, second.written, second.err) == (0, {}, "")
    names = {front(t)["source"]["url"]: n for n, t in first.written.items()}
    assert second.out == (
        f"skipped {server.base}/feeds/atom.xml: item 1 \u201cMarkets after the lockdown\u201d: already added as "
        f"{content / 'entries' / names[server.base + '/2021/03/markets/']}\n"
        f"skipped {server.base}/feeds/atom.xml: item 2 \u201cWhy small shops still matter\u201d: already added as "
        f"{content / 'entries' / names[server.base + '/2021/03/small-shops/']}\n"
        f"{server.base}/feeds/atom.xml: 0 drafts written, 2 known already, 0 failed\n")


def test_a_story_in_two_feeds_is_added_once(tmp_path: Path, server: Server) -> None:
    content = tmp_path / "content"
    run(content, f"{server.base}/feeds/atom.xml")
    result = run(content, f"{server.base}/feeds/feed.json")
    assert (result.code, list(result.written)) == (0, ["how-5g-is-reaching-the-farm-gate.md"])
    assert "item 2 \u201cWhy small shops still matter\u201d: already added as" in result.out


def test_json_feed_dates_authors_and_clean_links(tmp_path: Path, server: Server) -> None:
    result = run(tmp_path / "content", f"{server.base}/feeds/feed.json")
    matter = front(result.written["how-5g-is-reaching-the-farm-gate.md"])
    assert matter["date"] == dt.date(2020, 6, 30)  # 22:00 at -07:00 is 1 July in UTC
    assert matter["source"] == {"title": "How 5G is reaching the farm gate", "publisher": "Harbour Technology",
                                "author": "Li Wen", "url": f"{server.base}/technology/2020/06/5g-farms",
                                "published": dt.date(2020, 6, 30)}
    small = front(result.written["why-small-shops-still-matter.md"])
    assert small["source"]["author"] == "The Technology Desk"  # the feed's authors stand in for the item's


def test_a_feed_item_whose_page_names_a_known_address_is_skipped(tmp_path: Path, server: Server) -> None:
    content = tmp_path / "content"
    (saved,) = run(content, str(WEB / "news-article.html")).written  # source.url: the page's canonical address
    result = run(content, f"{server.base}/feeds/rss.xml")
    assert list(result.written) == ["port-traffic-hits-a-record-high.md"]
    assert (f"skipped {server.base}/feeds/rss.xml: item 2 \u201cFarmers in Zhejiang sell tea through live "
            f"streams\u201d: already added as {content / 'entries' / saved}\n") in result.out


def test_a_dismissed_story_is_not_added_again(tmp_path: Path, server: Server) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "dismissed.txt").write_text(
        f"# stories we decided against\n\n{server.base.upper().replace('HTTP://', 'http://')}"
        "/2021/03/markets/?utm_source=newsletter#top\n", encoding="utf-8")
    result = run(content, f"{server.base}/feeds/atom.xml")
    assert list(result.written) == ["why-small-shops-still-matter.md"]
    assert (f"skipped {server.base}/feeds/atom.xml: item 1 \u201cMarkets after the lockdown\u201d: dismissed in "
            f"{content / 'dismissed.txt'}:3\n") in result.out


def test_dismiss_deletes_a_draft_and_add_skips_its_story_from_then_on(tmp_path: Path, server: Server) -> None:
    content = make_site(tmp_path)
    run(content, f"{server.base}/feeds/atom.xml")
    draft = content / "entries" / "markets-after-the-lockdown.md"
    (content / "dismissed.txt").write_text("# kept out\nhttps://example.org/old", encoding="utf-8")  # no last newline
    proc = subprocess.run([sys.executable, "build.py", "dismiss", "markets-after-the-lockdown", "--content",
                           str(content)], cwd=Path(__file__).parent.parent, capture_output=True, text=True)
    assert (proc.returncode, proc.stderr) == (0, "")
    assert proc.stdout == (f"dismissed {server.base}/2021/03/markets/: deleted {draft}; add will skip it from now "
                           f"on ({content / 'dismissed.txt'}:3)\n")
    assert not draft.exists()
    assert (content / "dismissed.txt").read_text(encoding="utf-8") == (
        f"# kept out\nhttps://example.org/old\n{server.base}/2021/03/markets/  # markets-after-the-lockdown: "
        "Markets after the lockdown\n")
    again = run(content, f"{server.base}/feeds/atom.xml")
    assert again.written == {}
    assert (f"item 1 \u201cMarkets after the lockdown\u201d: dismissed in {content / 'dismissed.txt'}:3\n"
            in again.out)


@pytest.mark.parametrize(("text", "reason"), [
    (ENTRY, "it is not a draft (only drafts are dismissed; delete a published entry yourself)"),
    (ENTRY.replace("  url: https://example.org/story\n", "").replace("curator_note:", "draft: true\ncurator_note:"),
     "it has no source.url to keep out (delete the file instead)"),
])
def test_dismiss_refuses_a_published_entry_and_one_without_a_source(tmp_path: Path, text: str, reason: str) -> None:
    content = make_site(tmp_path, {"entries/cloud-shop.md": text})
    proc = subprocess.run([sys.executable, "build.py", "dismiss", str(content / "entries" / "cloud-shop.md"),
                           "--content", str(content)], cwd=Path(__file__).parent.parent, capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == f"error: cannot dismiss {content / 'entries' / 'cloud-shop.md'}: {reason}\n"
    assert (content / "entries" / "cloud-shop.md").exists() and not (content / "dismissed.txt").exists()


def test_a_page_already_added_is_skipped_before_fetching(tmp_path: Path, server: Server) -> None:
    content = tmp_path / "content"
    url = server.page("/cafe", CAFE.encode("utf-8"))  # no canonical link: its address is its source
    (text,) = run(content, url).written.values()
    assert front(text)["source"]["url"] == url
    server.agents.clear()
    result = run(content, f"{server.base.upper().replace('HTTP://', 'http://')}/cafe?utm_campaign=again#comments")
    assert (result.code, result.written, server.agents) == (0, {}, [])
    assert result.out == (f"skipped {server.base.upper().replace('HTTP://', 'http://')}/cafe?utm_campaign=again"
                          f"#comments: already added as {content / 'entries' / 'cafe-society.md'}\n")


def test_feed_file_items_with_full_text_need_no_network(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    text = (WEB / "feed-rss.xml").read_text(encoding="utf-8").replace("{base}", "https://harbour.example")
    feed.write_text(text.split("<item>\n  <title>Farmers")[0] + "</channel>\n</rss>\n", encoding="utf-8")
    result = run(tmp_path / "content", str(feed))
    assert (result.code, list(result.written)) == (0, ["port-traffic-hits-a-record-high.md"])
    text = result.written["port-traffic-hits-a-record-high.md"]
    assert [p[:30] for p in body(text).strip().split("\n\n")] == [
        "Container traffic through the ", "The port authority said it han", "\"We have never seen queues lik"]
    assert front(text)["curator_note"] == "Removed a footer (The post Port traffic hits a…, a line)."


def test_slug_with_a_feed_is_refused(tmp_path: Path) -> None:
    feed = tmp_path / "feed.json"
    feed.write_text('{"version": "https://jsonfeed.org/version/1.1", "items": []}', encoding="utf-8")
    result = run(tmp_path / "content", str(feed), slug="one")
    assert (result.code, result.err) == (1, "error: --slug names one entry, but a feed gives one entry per item; "
                                            "leave it out\n")


def test_add_from_the_command_line_exits_1_on_a_dead_address(tmp_path: Path, server: Server) -> None:
    content = make_site(tmp_path)
    before = sorted((content / "entries").iterdir())
    proc = subprocess.run([sys.executable, "build.py", "add", f"{server.base}/nothing-here", "--content",
                           str(content)], cwd=Path(__file__).parent.parent, capture_output=True, text=True)
    assert (proc.returncode, proc.stdout, proc.stderr) == (
        1, "", f"error: cannot fetch {server.base}/nothing-here: the server answered 404 Not Found\n")
    assert sorted((content / "entries").iterdir()) == before


# --- canonical addresses and check's warning ------------------------------------------------------------------

@pytest.mark.parametrize(("url", "canonical"), [
    ("HTTPS://News.Example.ORG:443/a/B?utm_source=x&id=7&fbclid=1#frag", "https://news.example.org/a/B?id=7"),
    ("http://example.org:80", "http://example.org/"),
    ("http://example.org:8080/x?gclid=abc&UTM_Medium=y", "http://example.org:8080/x"),
    ("https://example.org/a%20b?q=a%20b&utm_content=z", "https://example.org/a%20b?q=a%20b"),
    ("https://example.org/?b=2&a=1", "https://example.org/?b=2&a=1"),
])
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_check_warns_when_two_entries_share_a_source(tmp_path: Path) -> None:
    twin = entry(title="title: The same story again").replace(
        "url: https://example.org/story", "url: HTTPS://Example.org/story?utm_source=feed#top")
    content = make_site(tmp_path, {"entries/cloud-shop-again.md": twin})
    assert "url: https://example.org/story" in ENTRY
    proc = subprocess.run([sys.executable, "build.py", "check", "--content", str(content)],
                          cwd=Path(__file__).parent.parent, capture_output=True, text=True)
    line = ENTRY.split("\n").index("  url: https://example.org/story") + 1
    assert proc.returncode == 0
    assert (f"warning: {content}/entries/cloud-shop.md:{line}: source.url: the same source as "
            f"{content}/entries/cloud-shop-again.md:{line} (https://example.org/story) (keep one of the two "
            "entries)\n") in proc.stdout
    as_json = subprocess.run([sys.executable, "build.py", "check", "--content", str(content), "--format", "json"],
                             cwd=Path(__file__).parent.parent, capture_output=True, text=True)
    assert len(json.loads(as_json.stdout)["warnings"]) == 1


# --- regenerating the goldens ---------------------------------------------------------------------------------

# Markup that parsers give up at: declarations, misnested elements, broken addresses, entities and JSON.
HOSTILE_PAGE = ["<html>", "<head>", "<title>", "</title>", '<meta charset="x-unknown">', "<meta charset=utf-16>",
                '<meta property="og:title" content="T">', '<meta property=article:published_time content="2020-13-45">',
                '<script type="application/ld+json">', '{"@type": "NewsArticle", "headline": ', '"x"', "[", "]",
                "{", "}", '"author": {"name": [1, {"x": null}]}', '"datePublished": 12', "</script>", "<body>",
                "<article>", "</article>", "<p>", "</p>", "<div>", "<br>", "Some words here.", "中文段落。",
                "<![x", "<![ x", "<!--", "-->", "&#0;", "&#xD800;", "\x00", "\ufeff", "<h1>", "</h1>",
                '<time datetime="2020-02-30">', '<a href="javascript:x">', "<table><tr><td>", "x" * 600,
                '<base href="//evil">', '<link rel=canonical href="http://[::1">', "<svg>", "<noscript>"]
HOSTILE_FEED = ['<?xml version="1.0"?>', '<rss version="2.0">', "<channel>", "<title>", "</title>", "<item>", "</item>",
                "<link>", "</link>", "<pubDate>", "</pubDate>", "Mon, 32 Foo 2020",
                '<feed xmlns="http://www.w3.org/2005/Atom">', "<entry>", "</entry>",
                '<!DOCTYPE x [<!ENTITY e "&e;&e;">]>', "&e;", "<![CDATA[", "]]>", "https://example.org/a",
                "http://[::1", "javascript:alert(1)", "\x00", "中文", "<author><name>", "</name></author>",
                "</channel></rss>", "</feed>"]


def test_no_page_or_feed_stops_add() -> None:
    """Whatever a page or a feed holds, reading it gives a draft or one clear refusal, never an exception:
    random pages and feeds of hostile markup, in several encodings."""
    import os
    import random

    from broadsheet import extract, feeds, ingest

    seed = int(os.environ.get("BROADSHEET_SEED") or random.randrange(2**32))
    print(f"pages and feeds from seed {seed} (BROADSHEET_SEED={seed} repeats them)")
    rng = random.Random(seed)
    for _ in range(600):
        page = "".join(rng.choice(HOSTILE_PAGE) for _ in range(rng.randint(1, 40)))
        raw = page.encode(rng.choice(["utf-8", "gbk", "utf-16", "latin-1"]), "replace")
        feed = "".join(rng.choice(HOSTILE_FEED) for _ in range(rng.randint(1, 30))).encode()
        declared = rng.choice(["", "utf-8", "bogus"])
        try:
            extract.page(raw, "story.html", declared, "https://example.org/a")
            ingest.make_draft(raw, "story.html")
        except ingest.IngestError:
            pass
        except Exception as exc:
            raise AssertionError(f"seed {seed}: {exc!r} on the page {page!r}") from exc
        try:
            feeds.parse(feed, "feed.xml")
        except feeds.FeedError:
            pass
        except Exception as exc:
            raise AssertionError(f"seed {seed}: {exc!r} on the feed {feed!r}") from exc

def regenerate(tmp: Path) -> None:
    GOLDEN.mkdir(exist_ok=True)
    for name in PAGES:
        (GOLDEN / f"{Path(name).stem}.md").write_text(page_draft(tmp / name, name), encoding="utf-8")
    server = Server()
    server.thread.start()
    for path, fixture, media in (("/business/2020/09/tea-live-streams", "news-article.html", "text/html"),
                                 ("/2021/03/small-shops/", "blog-post.html", "text/html"),
                                 ("/feeds/rss.xml", "feed-rss.xml", "application/rss+xml"),
                                 ("/feeds/atom.xml", "feed-atom.xml", "application/atom+xml"),
                                 ("/feeds/feed.json", "feed.json", "application/feed+json")):
        server.fixture(path, fixture, media)
    for feed in ("rss.xml", "atom.xml", "feed.json"):
        folder = GOLDEN / Path(feed).stem.replace(".", "-")
        folder.mkdir(exist_ok=True)
        for old in folder.glob("*.md"):
            old.unlink()
        drafts = feed_drafts(run(tmp / feed / "content", f"{server.base}/feeds/{feed}"), server.base)
        for name, text in drafts.items():
            (folder / name).write_text(text, encoding="utf-8")
    server.httpd.shutdown()


if __name__ == "__main__" and sys.argv[1:] == ["--regenerate"]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        regenerate(Path(tmp))
    print(f"regenerated {GOLDEN}")

