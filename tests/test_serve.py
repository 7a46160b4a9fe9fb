"""`broadsheet serve`, driven as a curator would: a real server process, real saves, a real HTTP client.

Each test starts `build.py serve` on a free port, saves files the way editors do, and watches the
live-reload stream. Waits poll against deadlines; nothing asserts how fast anything happened.
"""

from __future__ import annotations

import contextlib
import gzip
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from broadsheet.build import Options, build
from broadsheet.server import RangeError, parse_target, requested_span
from broadsheet.watch import is_litter

from .conftest import ENTRY, entry, make_site

if TYPE_CHECKING:
    from playwright.sync_api import Browser

PROJECT = Path(__file__).resolve().parent.parent
DEADLINE = 20.0  # seconds before a wait gives up; generous, as CI machines stall


# --- a server and its event stream -----------------------------------------------------------------


class Events:
    """The server's live-reload stream, read on a thread into (event, data) pairs."""

    def __init__(self, port: int) -> None:
        self.received: queue.Queue[tuple[str, dict[str, object]]] = queue.Queue()
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.connection.request("GET", "/__broadsheet/events")
        response = self.connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Type", "").startswith("text/event-stream")
        threading.Thread(target=self._read, args=(response,), daemon=True).start()

    def _read(self, response: http.client.HTTPResponse) -> None:
        name, data = "message", ""
        with contextlib.suppress(OSError, ValueError):
            for raw in response:
                line = raw.decode().rstrip("\n")
                if line.startswith("event: "):
                    name = line[7:]
                elif line.startswith("data: "):
                    data = line[6:]
                elif not line and data:
                    self.received.put((name, json.loads(data)))
                    name, data = "message", ""

    def next(self) -> tuple[str, dict[str, object]]:
        try:
            return self.received.get(timeout=DEADLINE)
        except queue.Empty:
            raise AssertionError(f"no event within {DEADLINE} s") from None

    def expect(self, name: str) -> dict[str, object]:
        """The next event, which must be `name`: anything else in between is a stray rebuild."""
        got, data = self.next()
        assert (got, name) == (name, name), f"expected {name}, got {got}: {data}"
        return data

    def until(self, name: str, test: Callable[[dict[str, object]], bool] = lambda d: True) -> dict[str, object]:
        while True:
            got, data = self.next()
            if got == name and test(data):
                return data

    def close(self) -> None:
        self.connection.close()


class Server:
    """A `serve` process on a free port; its output is collected line by line."""

    def __init__(self, command: list[str]) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        self.process = subprocess.Popen(command, cwd=PROJECT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True, env=env)
        self.lines: list[str] = []
        threading.Thread(target=self._collect, daemon=True).start()
        found = self.wait_for(r"at http://127\.0\.0\.1:(\d+)/")
        self.port = int(found.group(1))
        self.streams: list[Events] = []

    def _collect(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, pattern: str) -> re.Match[str]:
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            for line in list(self.lines):
                if found := re.search(pattern, line):
                    return found
            if self.process.poll() is not None and not any(re.search(pattern, x) for x in self.lines):
                raise AssertionError(f"server exited ({self.process.returncode}):\n" + "\n".join(self.lines))
            time.sleep(0.02)
        raise AssertionError(f"no line matching {pattern!r} in:\n" + "\n".join(self.lines))

    def events(self) -> Events:
        stream = Events(self.port)
        self.streams.append(stream)
        return stream

    def get(self, path: str, method: str = "GET", headers: dict[str, str] | None = None,
            ) -> tuple[int, dict[str, str], bytes]:
        """A raw request: `path` goes on the request line exactly as given."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=DEADLINE)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        for stream in self.streams:
            stream.close()
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=DEADLINE)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise


Start = Callable[..., Server]


@pytest.fixture
def start(tmp_path: Path) -> Iterator[Start]:
    servers: list[Server] = []

    def start_server(content: Path, *, search: bool = False, templates: Path | None = None,
                     assets: Path | None = None) -> Server:
        out = tmp_path / "site"
        if templates is None and assets is None:
            command = [sys.executable, "build.py", "serve", "--content", str(content), "--out", str(out),
                       "--port", "0", *([] if search else ["--no-search"])]
        else:  # the command line has no --templates or --assets; serve's own entry point takes Options
            code = ("import sys; from pathlib import Path; from broadsheet.build import Options; "
                    "from broadsheet.serve import run, wait_for_signal; "
                    f"sys.exit(run(Options(content=Path({str(content)!r}), out=Path({str(out)!r}), "
                    f"templates=Path({str(templates or PROJECT / 'templates')!r}), "
                    f"assets=Path({str(assets or PROJECT / 'assets')!r}), search={search}), 0, wait_for_signal))")
            command = [sys.executable, "-c", code]
        server = Server(command)
        servers.append(server)
        return server

    yield start_server
    for server in servers:
        with contextlib.suppress(Exception):
            server.stop()


SUMMARY = "A short account, in the curator's words, of small shops renting servers instead of buying them."


def edited(words: str) -> str:
    """The test entry with a new summary mentioning `words`."""
    assert SUMMARY in ENTRY
    return ENTRY.replace(SUMMARY, f"A new account of {words}, written by the curator for this test.")


# --- serving --------------------------------------------------------------------------------------


def test_pages_carry_the_reload_script_but_the_files_on_disk_do_not(tmp_path: Path, start: Start) -> None:
    server = start(make_site(tmp_path))
    status, headers, body = server.get("/entries/cloud-shop/")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert headers["cache-control"] == "no-store"
    assert b"Cloud comes to the corner shop" in body
    assert body.count(b'data-broadsheet="live"') == 1
    assert body.index(b'data-broadsheet="live"') < body.rindex(b"</body>")
    assert b"__broadsheet" not in (tmp_path / "site/entries/cloud-shop/index.html").read_bytes()
    for path, kind in (("/assets/style.css", "text/css; charset=utf-8"),
                       ("/feed.xml", "application/xml; charset=utf-8"),
                       ("/robots.txt", "text/plain; charset=utf-8")):
        status, headers, body = server.get(path)
        assert (status, headers["content-type"]) == (200, kind), path
        assert b"__broadsheet" not in body


def test_other_file_types_are_served_with_their_content_types(tmp_path: Path, start: Start) -> None:
    server = start(make_site(tmp_path))
    extra = tmp_path / "site/extra"
    extra.mkdir()
    for name in ("a.js", "a.json", "a.wasm", "en_1.pf_fragment", "pagefind.en_1.pf_meta"):
        (extra / name).write_bytes(b"x")
    expected = {"a.js": "text/javascript; charset=utf-8", "a.json": "application/json",
                "a.wasm": "application/wasm", "en_1.pf_fragment": "application/octet-stream",
                "pagefind.en_1.pf_meta": "application/octet-stream"}
    for name, kind in expected.items():
        status, headers, body = server.get(f"/extra/{name}")
        assert (status, headers["content-type"], body) == (200, kind, b"x")


def test_nothing_outside_the_site_is_served(tmp_path: Path, start: Start) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("do not serve me")
    server = start(make_site(tmp_path))
    out = tmp_path / "site"
    (out / "leak.txt").symlink_to(secret)
    (out / "leakdir").symlink_to(tmp_path)
    (out / "empty").mkdir()
    for raw in ("/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/%2E%2E%2Fsecret.txt",
                "/entries/../../secret.txt", "//etc/passwd", "/etc/passwd", "/leak.txt", "/leakdir/secret.txt",
                "/leakdir/", "/empty/", "/.site.lock", "/missing/page/", "/%252e%252e/secret.txt",
                "http://127.0.0.1/../secret.txt"):
        status, _, body = server.get(raw)
        assert status == 404, raw
        assert b"do not serve me" not in body and b"root:" not in body, raw
        assert b"Page not found" in body, raw  # the site's own 404 page, with the 404 status
    status, _, body = server.get("/no/such/page/")
    assert b'<base href="/">' in body  # its links work at any depth


def test_malformed_requests_are_refused_without_a_traceback(tmp_path: Path, start: Start) -> None:
    server = start(make_site(tmp_path))
    status, headers, _ = server.get("/topics")
    assert (status, headers["location"]) == (301, "/topics/")
    status, headers, _ = server.get("/topics?x=1")
    assert (status, headers["location"]) == (301, "/topics/?x=1")
    status, headers, _ = server.get("//topics")  # a redirect never leaves the server
    assert (status, headers["location"]) == (301, "/topics/")
    status, headers, _ = server.get("/", method="POST")
    assert (status, headers["allow"]) == (405, "GET, HEAD")
    assert server.get("/", method="DELETE")[0] == 405
    assert server.get("/%ff")[0] == 400
    assert server.get("/a%00b")[0] == 400
    assert server.get("/" + "a" * 5000)[0] == 414
    status, headers, body = server.get("/robots.txt", headers={"Range": "bytes=0-3"})
    full = (tmp_path / "site/robots.txt").read_bytes()
    assert (status, body, headers["content-range"]) == (206, full[:4], f"bytes 0-3/{len(full)}")
    for bad in ("bytes=999999-", "bytes=abc", "bytes=5-2", "bytes=-0", "bytes=" + "9" * 5000):
        assert server.get("/robots.txt", headers={"Range": bad})[0] == 416, bad
    status, headers, body = server.get("/", method="HEAD")
    assert (status, body) == (200, b"") and int(headers["content-length"]) > 0
    assert server.get("/", headers={"Host": "attacker.example:8000"})[0] == 400  # DNS rebinding
    assert server.get("/", headers={"Host": "localhost:1234"})[0] == 200  # e.g. through an SSH tunnel
    assert server.get("/")[0] == 200  # still alive
    assert "Traceback" not in "\n".join(server.lines)


def test_a_busy_port_is_reported_in_one_line_with_exit_status_2(tmp_path: Path) -> None:
    content = make_site(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "build.py", "serve", "--content", str(content), "--out",
                                 str(tmp_path / "site"), "--port", str(port), "--no-search"],
                                cwd=PROJECT, capture_output=True, text=True, timeout=DEADLINE)
    assert result.returncode == 2
    assert result.stderr == (f"error: port {port} on 127.0.0.1 is already in use (is another server running?); "
                             "stop it or pass --port 0 to pick a free port\n")
    assert not (tmp_path / "site").exists()  # refused before building anything


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_server_cleanly(tmp_path: Path, start: Start, sig: int) -> None:
    server = start(make_site(tmp_path))
    server.events().expect("hello")  # an open stream must not hold the process up
    assert server.stop(sig) == 0
    assert server.lines[-1] == "stopped"
    assert "Traceback" not in "\n".join(server.lines)


# --- saving ---------------------------------------------------------------------------------------


def save_in_place(path: Path, text: str) -> None:
    path.write_text(text)


def save_by_rename(path: Path, text: str) -> None:
    """Write a temporary file beside the target, then rename it over the target (atomic save)."""
    handle, temp = tempfile.mkstemp(dir=path.parent)
    with os.fdopen(handle, "w") as stream:
        stream.write(text)
    os.replace(temp, path)


def save_like_vim(path: Path, text: str) -> None:
    """vim's default: probe the folder with `4913`, rename the file aside to `x~`, write anew, drop the backup."""
    probe = path.with_name("4913")
    probe.write_text("")
    probe.unlink()
    backup = path.with_name(path.name + "~")
    os.rename(path, backup)
    path.write_text(text)
    swap = path.with_name(f".{path.name}.swp")
    swap.write_bytes(b"b0VIM 9.0\0")
    backup.unlink()


def save_like_emacs(path: Path, text: str) -> None:
    """emacs: a dangling lock link `.#x`, an auto-save `#x#`, then a backup `x~` by rename and a fresh write."""
    lock = path.with_name(f".#{path.name}")
    lock.symlink_to("curator@desk.1234:1700000000")
    autosave = path.with_name(f"#{path.name}#")
    autosave.write_text(text)
    os.rename(path, path.with_name(path.name + "~"))
    path.write_text(text)
    autosave.unlink()
    lock.unlink()


@pytest.mark.parametrize("save", [save_in_place, save_by_rename, save_like_vim, save_like_emacs],
                         ids=["in-place", "rename-over", "vim", "emacs"])
def test_each_way_of_saving_rebuilds_once(tmp_path: Path, start: Start, save: Callable[[Path, str], None],
                                          ) -> None:
    content = make_site(tmp_path)
    server = start(content)
    events = server.events()
    events.expect("hello")
    target = content / "entries/cloud-shop.md"
    save(target, edited("cloud servers in the corner shop"))
    reload = events.expect("reload")
    assert reload["sources"] == [str(target.resolve())]  # the litter did not count as a change
    assert "entries/cloud-shop/index.html" in str(reload["paths"])
    assert b"A new account of cloud servers" in server.get("/entries/cloud-shop/")[2]
    # A second save elsewhere: the next event must be its rebuild, so the first save caused one only.
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text().replace("A digest for tests", "A digest, retitled"))
    assert events.expect("reload")["sources"] == [str(site_yaml.resolve())]
    assert b"A digest, retitled" in server.get("/")[2]


def test_incremental_rebuilds_write_what_a_clean_build_writes(tmp_path: Path, start: Start) -> None:
    templates = tmp_path / "templates"
    shutil.copytree(PROJECT / "templates", templates)
    content = make_site(tmp_path)
    server = start(content, templates=templates)
    events = server.events()
    events.expect("hello")
    entries = content / "entries"

    save_by_rename(entries / "cloud-shop.md", edited("renting servers by the hour"))
    assert events.expect("reload")["sources"] == [str((entries / "cloud-shop.md").resolve())]
    second = ENTRY.replace("Cloud comes to the corner shop", "Retail learns to rent").replace(
        "2020-09-15", "2021-03-02", 1)
    (entries / "second.md").write_text(second)
    events.expect("reload")
    assert server.get("/entries/second/")[0] == 200
    os.rename(entries / "second.md", entries / "third.md")
    assert events.expect("reload")["sources"] == [str((entries / name).resolve())
                                                  for name in ("second.md", "third.md")]
    assert server.get("/entries/second/")[0] == 404
    (entries / "cloud-shop.md").unlink()
    events.expect("reload")
    assert server.get("/entries/cloud-shop/")[0] == 404

    page = templates / "entry.html"
    original = page.read_text()
    page.write_text(original.replace("{% block main %}", "{% block main %}\n<p class=\"edited\">Edited</p>", 1))
    reload = events.expect("reload")
    assert "entries/third/index.html" in str(reload["paths"])
    assert b'<p class="edited">Edited</p>' in server.get("/entries/third/")[2]

    broken = page.read_text().split("\n")
    line = next(i for i, text in enumerate(broken, 1) if text.startswith("{% block main %}")) + 1
    broken.insert(line - 1, "{% if %}")
    page.write_text("\n".join(broken))
    problem = events.expect("problem")
    assert f"{templates}/entry.html:{line}: Expected an expression" in str(problem["text"])
    assert b'<p class="edited">Edited</p>' in server.get("/entries/third/")[2]  # the last good site
    page.write_text(original.replace("{% block main %}", "{% block main %}\n<p class=\"edited\">Edited</p>", 1))
    assert events.expect("reload")["recovered"] is True

    clean = tmp_path / "clean"
    build(Options(content=content, out=clean, templates=templates, search=False, use_cache=False))
    assert differences(tmp_path / "site", clean) == []


def differences(served: Path, clean: Path) -> list[str]:
    """The relative paths of files and folders that are not the same in both trees."""
    def tree(root: Path) -> dict[str, bytes | None]:
        return {p.relative_to(root).as_posix(): (p.read_bytes() if p.is_file() else None) for p in root.rglob("*")}

    a, b = tree(served), tree(clean)
    return sorted(path for path in a.keys() | b.keys() if a.get(path, b"?") != b.get(path, b"?"))


# --- failing ----------------------------------------------------------------------------------------


BAD_YAML = ("---\ntitle: Cloud comes to the corner shop\ndate: 2020-09-15\ntopics: [cloud, retail\n"
            "kind: news\n---\nText.\n")


def test_a_bad_save_shows_the_error_over_the_last_good_site_until_fixed(tmp_path: Path, start: Start) -> None:
    content = make_site(tmp_path)
    server = start(content)
    events = server.events()
    events.expect("hello")
    target = content / "entries/cloud-shop.md"
    target.write_text(BAD_YAML)
    problem = events.expect("problem")
    text = str(problem["text"])
    assert re.search(rf"{re.escape(str(target))}:[45]: YAML syntax error", text), text
    assert problem["sources"] == [str(target.resolve())]
    status, _, body = server.get("/entries/cloud-shop/")
    assert status == 200 and b"Cloud comes to the corner shop" in body  # the last good page, still served
    late = server.events()  # a page opened while the site is broken learns of the error on connecting
    assert late.expect("hello")["build"] == 1
    assert late.expect("problem")["text"] == text
    assert any(f"{target}:" in line and line.startswith("error: ") for line in server.lines)

    target.write_text(edited("a curator who fixed the front matter"))
    reload = events.expect("reload")
    assert reload["recovered"] is True
    assert late.expect("reload")["build"] == 2
    assert b"a curator who fixed the front matter" in server.get("/entries/cloud-shop/")[2]
    fresh = server.events()
    fresh.expect("hello")
    target.write_text(edited("a second, ordinary edit"))
    assert fresh.expect("reload")["recovered"] is False  # no error left to show


def test_a_file_name_that_is_not_utf8_is_reported_and_the_watcher_lives_on(tmp_path: Path, start: Start,
                                                                           ) -> None:
    content = make_site(tmp_path)
    server = start(content)
    events = server.events()
    events.expect("hello")
    odd = os.path.join(os.fsencode(content / "entries"), b"caf\xe9.md")
    with open(odd, "wb") as stream:
        stream.write(ENTRY.encode())
    assert "caf" in str(events.expect("problem")["text"])
    os.unlink(odd)
    assert events.expect("reload")["recovered"] is True


def test_a_first_build_that_fails_serves_an_error_page_until_fixed(tmp_path: Path, start: Start) -> None:
    content = make_site(tmp_path, {"entries/cloud-shop.md": entry(topics='topics: [cloud, "<b>bold</b>"]')})
    server = start(content)
    status, headers, body = server.get("/")
    assert (status, headers["content-type"]) == (500, "text/html; charset=utf-8")
    line = ENTRY.split("\n").index("topics: [cloud, retail]") + 1
    message = f"{content}/entries/cloud-shop.md:{line}: topics[1]: unknown topic `&lt;b&gt;bold&lt;/b&gt;`"
    assert message.encode() in body  # escaped: markup in the content stays text
    assert server.get("/entries/cloud-shop/")[0] == 500
    events = server.events()
    events.expect("hello")
    assert "unknown topic `<b>bold</b>`" in str(events.expect("problem")["text"])
    (content / "entries/cloud-shop.md").write_text(ENTRY)
    assert events.expect("reload")["everything"] is True
    status, _, body = server.get("/entries/cloud-shop/")
    assert status == 200 and b"Cloud comes to the corner shop" in body


# --- search ---------------------------------------------------------------------------------------


def index_words(bundle: Path) -> bytes:
    """The decompressed word index: Pagefind stores each indexed word as a CBOR text string in the
    gzipped `index/*.pf_index` chunks, which is what a search looks the query up in."""
    return b"".join(gzip.decompress(p.read_bytes()) for p in sorted((bundle / "index").glob("*.pf_index")))


def cbor_text(word: str) -> bytes:
    data = word.encode()
    assert len(data) < 24
    return bytes([0x60 + len(data)]) + data


def test_a_saved_summary_becomes_searchable(tmp_path: Path, start: Start) -> None:
    content = make_site(tmp_path)
    server = start(content, search=True)
    bundle = tmp_path / "site/pagefind"
    assert cbor_text("cloud") in index_words(bundle)  # sanity: the check can see indexed words
    assert cbor_text("zyxquuv") not in index_words(bundle)
    events = server.events()
    events.expect("hello")
    statuses: list[int] = []
    refreshed = threading.Event()

    def use_search() -> None:  # a reader searching all through the refresh
        while not refreshed.is_set():
            statuses.append(server.get("/pagefind/pagefind-entry.json")[0])

    reader = threading.Thread(target=use_search)
    reader.start()
    (content / "entries/cloud-shop.md").write_text(edited("the zyxquuv shopkeepers"))
    build_number = int(str(events.expect("reload")["build"]))
    events.until("search", lambda d: d["ok"] is True and int(str(d["build"])) >= build_number)
    refreshed.set()
    reader.join()
    assert set(statuses) == {200}  # the old index answered until the new one was swapped in
    assert cbor_text("zyxquuv") in index_words(bundle)
    status, _, body = server.get("/pagefind/pagefind-entry.json")
    assert status == 200 and json.loads(body)["languages"]
    assert not list(tmp_path.glob(".site.search-*"))  # the work folder is gone


def test_a_save_re_indexes_only_the_part_of_the_index_that_holds_the_entry(
        tmp_path: Path, start: Start, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BROADSHEET_SEARCH_SHARD", "2")  # four entries: an index in two parts
    others = {f"entries/{slug}.md": entry(title=f"title: Entry {slug}") for slug in ("alpha", "bravo", "charlie")}
    content = make_site(tmp_path, others)
    server = start(content, search=True)
    parts = [tmp_path / "site/pagefind", tmp_path / "site/pagefind/part-1"]
    before = [(part / "pagefind-entry.json").stat().st_ino for part in parts]
    events = server.events()
    events.expect("hello")
    (content / "entries/cloud-shop.md").write_text(edited("the zyxquuv shopkeepers"))
    build_number = int(str(events.expect("reload")["build"]))
    events.until("search", lambda d: d["ok"] is True and int(str(d["build"])) >= build_number)
    after = [(part / "pagefind-entry.json").stat().st_ino for part in parts]
    changed = [part for part, old, new in zip(parts, before, after, strict=True) if old != new]
    assert len(changed) == 1 and cbor_text("zyxquuv") in index_words(changed[0])
    for part in parts:
        rel = part.relative_to(tmp_path / "site").as_posix()
        assert server.get(f"/{rel}/pagefind-entry.json")[0] == 200


# --- the rules behind the above, one by one ------------------------------------------------------------


@pytest.mark.parametrize("name", ["4913", "x.md~", ".#x.md", "#x.md#", ".x.md.swp", ".x.md.swo", "x.md.bck",
                                  ".goutputstream-AB12CD", "x.md.tmp", "x.md___jb_tmp___"])
def test_editor_litter_is_not_a_change(tmp_path: Path, name: str) -> None:
    assert is_litter(tmp_path / "entries" / name, tmp_path)


@pytest.mark.parametrize("name", ["x.md", "2020-review.md", "site.yaml", "entry.html", "style.css"])
def test_real_files_are_changes(tmp_path: Path, name: str) -> None:
    assert not is_litter(tmp_path / "entries" / name, tmp_path)
    assert is_litter(tmp_path / ".git" / name, tmp_path)


def test_byte_ranges() -> None:
    assert requested_span("bytes=0-3", 10) == (0, 4)
    assert requested_span("bytes=7-", 10) == (7, 10)
    assert requested_span("bytes=-4", 10) == (6, 10)
    assert requested_span("bytes=5-99", 10) == (5, 10)
    assert requested_span("bytes=0-1,4-5", 10) is None  # several ranges: the whole file
    assert requested_span("lines=1-2", 10) is None  # another unit: ignored
    for bad in ("bytes=10-", "bytes=x-1", "bytes=-", "bytes=3-1", "bytes=-0", "bytes=0-\u0661"):
        with pytest.raises(RangeError):
            requested_span(bad, 10)


def test_request_paths_are_decoded_once() -> None:
    assert parse_target("/topics/cloud/?q=1") == (("topics", "cloud"), True, "q=1")
    assert parse_target("//etc//passwd") == (("etc", "passwd"), False, "")
    assert parse_target("/%252e%252e/x") == (("%2e%2e", "x"), False, "")
    assert parse_target("/%2e%2e/x")[0] == ("..", "x")  # kept, for the lookup to refuse
    for bad in ("relative", "/%ff", "/a%00", "/a%5cb"):
        with pytest.raises(ValueError):
            parse_target(bad)


# --- in a browser -----------------------------------------------------------------------------------


@pytest.mark.browser
def test_an_open_page_reloads_restyles_and_shows_errors(tmp_path: Path, start: Start, browser: Browser) -> None:
    assets = tmp_path / "assets"
    shutil.copytree(PROJECT / "assets", assets)
    content = make_site(tmp_path)
    target = content / "entries/cloud-shop.md"
    server = start(content, assets=assets)
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(DEADLINE * 1000)
        page.goto(f"http://127.0.0.1:{server.port}/entries/cloud-shop/")
        connected = "window.__broadsheetLive && window.__broadsheetLive.readyState === 1"
        page.wait_for_function(connected)
        page.evaluate("window.kept = true")  # a reload forgets it

        target.write_text(edited("a browser watching the page"))
        # Mid-reload the new document may have no body yet: wait for one that says the new words.
        page.wait_for_function("document.body && document.body.textContent.includes('A new account of a browser "
                               "watching')")
        assert page.evaluate("window.kept") is None

        page.wait_for_function(connected)
        page.evaluate("window.kept = true")
        style = assets / "style.css"
        style.write_text(style.read_text() + "\nbody { outline: 3px solid rgb(1, 2, 3); }\n")
        page.wait_for_function("document.body && getComputedStyle(document.body).outlineColor === 'rgb(1, 2, 3)'")
        assert page.evaluate("window.kept") is True  # the stylesheet was swapped in place, no reload

        target.write_text(entry(topics='topics: [cloud, "<b>bold</b>"]'))
        overlay = page.get_by_role("alert", name="Build error")
        overlay.wait_for()
        line = ENTRY.split("\n").index("topics: [cloud, retail]") + 1
        assert f"{target}:{line}: topics[1]: unknown topic `<b>bold</b>`" in str(overlay.text_content())
        assert overlay.locator("b").count() == 0  # the message is text, not markup
        assert "a browser watching the page" in page.text_content("main")  # the last good page stays

        target.write_text(ENTRY)
        page.wait_for_function("document.body && !document.body.textContent.includes('a browser watching the page')")
        assert SUMMARY in page.text_content("main")
        assert page.get_by_role("alert", name="Build error").count() == 0
    finally:
        context.close()


EDITION = """\
---
title: First issue
date: 2021-01-10
sections:
  - title: Lead
    entries: [cloud-shop]
---
{intro}
"""


def test_an_edition_and_its_email_update_while_the_editor_writes(tmp_path: Path, start: Start) -> None:
    content = make_site(tmp_path, {"editions/1.md": EDITION.format(intro="A first draft of the introduction.")})
    server = start(content)
    events = server.events()
    events.expect("hello")
    assert b"A first draft" in server.get("/editions/1/email.html")[2]
    target = content / "editions/1.md"
    target.write_text(EDITION.format(intro="The introduction, *rewritten*."))
    events.expect("reload")
    assert b"The introduction, <em>rewritten</em>." in server.get("/editions/1/email.html")[2]
    assert b"The introduction, rewritten." in server.get("/editions/1/email.txt")[2]
    assert b"<em>rewritten</em>" in server.get("/editions/1/")[2]
    target.write_text(EDITION.format(intro="x").replace("[cloud-shop]", "[no-such-entry]"))
    problem = events.expect("problem")
    assert str(problem["text"]) == (f"{target}:6: sections[0].entries[0]: unknown entry `no-such-entry` "
                                    "(name an entry by its file name in content/entries/, without .md)")
    assert b"rewritten" in server.get("/editions/1/email.txt")[2]  # the last good edition, still served
