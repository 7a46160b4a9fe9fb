"""The HTTP side of `broadsheet serve`: the output folder on 127.0.0.1, with live reload.

Input: a folder and a `Hub`. Output: answers to GET and HEAD, until the server is shut down.

Only files inside the folder are served: not through '..', not through a symbolic link, not hidden
ones, and not to a Host header naming another machine; a single byte range is honoured. Pages learn
about rebuilds over a Server-Sent Events stream fed by the `Hub`: the handler adds a small script to
each HTML response (never to the files on disk) that reloads the page when its own file changed, swaps
the stylesheet when only that changed, and shows a failed build's errors over the last good page until
the file is fixed. Until the first build succeeds, every address gets an error page. Building is not
done here: `broadsheet.serve` rebuilds the folder and tells the `Hub`.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import queue
import re
import secrets
import socketserver
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

from .errors import ContentError

HOST = "127.0.0.1"  # a preview server: never reachable from another machine
EVENTS = "/__broadsheet/events"
LONGEST_TARGET = 4096  # request targets past this are refused: no page of the site has such an address
PING = 15.0  # seconds between keep-alive comments on an idle event stream
STREAM_BACKLOG = 1000  # a page this many messages behind is not reading; it is dropped
TYPES = {
    ".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8", ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json", ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8", ".wasm": "application/wasm", ".svg": "image/svg+xml",
    ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
    ".webp": "image/webp", ".avif": "image/avif", ".ico": "image/x-icon", ".woff2": "font/woff2",
    ".woff": "font/woff", ".pdf": "application/pdf",
}
BINARY = "application/octet-stream"  # Pagefind's .pf_* chunks and anything else unknown
PLAIN = TYPES[".txt"]


# --- what every page is told ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Status:
    build: int = 0  # successful builds so far; a page carries the number it was served at
    ready: bool = False  # whether the output folder holds a good site
    problem: str = ""  # the last build's errors, "" once a build succeeds


Stream = queue.SimpleQueue[bytes | None]


class Hub:
    """The live status and the open event streams; each change goes to every open page."""

    def __init__(self) -> None:
        self.server = secrets.token_hex(6)  # a restarted server has another id, so pages reload
        self._lock = threading.Lock()
        self._status = Status()
        self._streams: set[Stream] = set()

    def status(self) -> Status:
        with self._lock:
            return self._status

    def subscribe(self) -> Stream:
        """A new stream that starts with the current state, so a page opened mid-failure shows it."""
        stream: Stream = queue.SimpleQueue()
        with self._lock:
            stream.put(message("hello", {"server": self.server, "build": self._status.build}))
            if self._status.problem:
                stream.put(message("problem", {"text": self._status.problem}))
            self._streams.add(stream)
        return stream

    def unsubscribe(self, stream: Stream) -> None:
        with self._lock:
            self._streams.discard(stream)

    def built(self, data: dict[str, object]) -> None:
        with self._lock:
            self._status = Status(build=self._status.build + 1, ready=True)
            self._send(message("reload", {**data, "build": self._status.build}))

    def failed(self, text: str, errors: Sequence[ContentError], sources: Sequence[str]) -> None:
        with self._lock:
            self._status = replace(self._status, problem=text)
            self._send(message("problem", {"text": text, "errors": [e.as_dict() for e in errors],
                                           "sources": list(sources)}))

    def searched(self, data: dict[str, object]) -> None:
        with self._lock:
            self._send(message("search", data))

    def close(self) -> None:
        with self._lock:
            self._send(None)
            self._streams.clear()

    def _send(self, item: bytes | None) -> None:
        for stream in list(self._streams):
            if stream.qsize() > STREAM_BACKLOG:
                self._streams.discard(stream)
                stream.put(None)
            else:
                stream.put(item)


def message(event: str, data: dict[str, object]) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data)}\n\n".encode()


# --- serving ----------------------------------------------------------------------------------------


class SiteServer(ThreadingHTTPServer):
    daemon_threads = True  # an open event stream must not keep the process alive
    block_on_close = False

    def __init__(self, port: int, root: Path, hub: Hub) -> None:
        self.root = root
        self.hub = hub
        super().__init__((HOST, port), Handler)

    def server_bind(self) -> None:
        # HTTPServer would look up the host's name here, which can stall for seconds without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = HOST, self.server_address[1]

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if not isinstance(exc, (ConnectionError, TimeoutError)):  # a closed tab is not worth a word
            print(f"warning: a request failed: {type(exc).__name__}: {exc}", file=sys.stderr)


class RangeError(ValueError):
    """A Range header that cannot be met (answered 416)."""


@dataclass(frozen=True, slots=True)
class Located:
    status: int  # 200, 301 or 404
    file: Path | None = None  # what to send: the page, or 404.html for a missing one
    location: str = ""  # where a 301 points


class Handler(BaseHTTPRequestHandler):
    server_version = "broadsheet"
    sys_version = ""
    protocol_version = "HTTP/1.1"
    timeout = 30  # an idle keep-alive connection gives its thread back after this long

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a line per request would bury the rebuild reports in the terminal."""

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _refuse(self) -> None:
        self.close_connection = True  # its body, if any, is left unread
        self._reply(405, b"405 method not allowed: this server only answers GET and HEAD\n", PLAIN,
                    body=True, headers={"Allow": "GET, HEAD"})

    do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_TRACE = do_CONNECT = _refuse

    @property
    def site(self) -> SiteServer:
        assert isinstance(self.server, SiteServer)
        return self.server

    def _answer(self, body: bool) -> None:
        if self.headers.get("Content-Length", "0") != "0" or "Transfer-Encoding" in self.headers:
            self.close_connection = True  # a GET with a body: do not read the body as the next request
        try:
            self._route(body)
        except (ConnectionError, TimeoutError):
            self.close_connection = True
        except Exception as exc:  # answer 500 with one line, never a traceback
            self.close_connection = True
            print(f"warning: {self.command} {self.path[:200]} failed: {type(exc).__name__}: {exc}",
                  file=sys.stderr)
            with contextlib.suppress(OSError):
                self._reply(500, b"500 internal error; see the terminal\n", PLAIN, body)

    def _route(self, body: bool) -> None:
        if not local_host(self.headers.get("Host", HOST)):
            self.close_connection = True
            return self._reply(400, b"400 bad request: this server answers only to 127.0.0.1 and localhost\n",
                               PLAIN, body)
        if len(self.path) > LONGEST_TARGET:
            self.close_connection = True
            return self._reply(414, b"414 address too long\n", PLAIN, body)
        try:
            segments, slash, query = parse_target(self.path)
        except ValueError:
            self.close_connection = True
            return self._reply(400, b"400 bad request: malformed address\n", PLAIN, body)
        if "/" + "/".join(segments) == EVENTS:
            return self._stream(body)
        status = self.site.hub.status()
        if not status.ready:
            page = error_page(status.problem or "The first build has not finished yet.")
            return self._reply(500, self._live(page, status, always=True), TYPES[".html"], body)
        found = locate(self.site.root, segments, slash)
        if found.status == 301:
            target = found.location + (f"?{query}" if query else "")
            return self._reply(301, b"", PLAIN, body, headers={"Location": target})
        self._send_file(found, status, body)

    def _send_file(self, found: Located, status: Status, body: bool) -> None:
        try:
            data = found.file.read_bytes() if found.file else b""
        except OSError:  # removed by a rebuild since it was found
            found, data = Located(404), b""
        if found.file is None:
            return self._reply(404, b"404 not found\n", PLAIN, body)
        kind = content_type(found.file.name)
        if kind == TYPES[".html"]:
            data = self._live(data, status, always=found.status == 404)
        headers = {"Accept-Ranges": "bytes"}
        span = None
        if found.status == 200 and "Range" in self.headers:
            try:
                span = requested_span(self.headers["Range"], len(data))
            except RangeError:
                return self._reply(416, b"416 range not satisfiable\n", PLAIN, body,
                                   headers={"Content-Range": f"bytes */{len(data)}"})
        if span is None:
            return self._reply(found.status, data, kind, body, headers=headers)
        start, stop = span
        headers["Content-Range"] = f"bytes {start}-{stop - 1}/{len(data)}"
        self._reply(206, data[start:stop], kind, body, headers=headers)

    def _live(self, page: bytes, status: Status, always: bool) -> bytes:
        return inject(page, {"server": self.site.hub.server, "build": status.build, "always": always})

    def _stream(self, body: bool) -> None:
        self.close_connection = True
        # Subscribed before the headers go out: once a page sees the stream open, it misses nothing.
        stream = self.site.hub.subscribe()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            if not body:
                return
            self.wfile.write(b"retry: 1000\n\n")  # reconnect quickly after a server restart
            while True:
                try:
                    item = stream.get(timeout=PING)
                except queue.Empty:
                    item = b": ping\n\n"  # finds closed connections, which only fail on writing
                if item is None:
                    return
                self.wfile.write(item)
        except OSError:
            return
        finally:
            self.site.hub.unsubscribe(stream)

    def _reply(self, code: int, data: bytes, kind: str, body: bool,
               headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if body:
            self.wfile.write(data)



_HOST = re.compile(r"(\[[^\]]*\]|[^:]*)(?::[0-9]*)?")


def local_host(header: str) -> bool:
    """Whether a Host header names this machine. Another name means a page elsewhere resolved its own
    domain to 127.0.0.1 (DNS rebinding) to read the preview, drafts included; it is refused."""
    match = _HOST.fullmatch(header.strip().lower())
    name = match.group(1) if match else ""
    return name in ("127.0.0.1", "localhost", "[::1]") or name.endswith(".localhost")


def parse_target(target: str) -> tuple[tuple[str, ...], bool, str]:
    """A request target's decoded path segments, whether it ends in '/', and its query.

    ValueError when it is not an absolute path or does not decode to clean UTF-8 text. Empty and
    '.' segments are dropped (`//etc/passwd` is `/etc/passwd`, looked up inside the site); '..' is
    kept for `locate` to refuse.
    """
    if target.startswith(("http://", "https://")):  # absolute form, as proxies send it
        target = urlsplit(target).path or "/"
    path, _, query = target.partition("#")[0].partition("?")
    if not path.startswith("/"):
        raise ValueError("not an absolute path")
    decoded = unquote(path, errors="strict")
    if "\\" in decoded or any(ord(c) < 32 or ord(c) == 127 for c in decoded):
        raise ValueError("control character or backslash in path")
    segments = tuple(s for s in decoded.split("/") if s not in ("", "."))
    return segments, decoded.endswith("/"), query


def locate(root: Path, segments: Sequence[str], slash: bool) -> Located:
    """What a path inside `root` serves. Nothing outside `root` is ever found: not through '..',
    not through a symbolic link, and hidden files (the writer's temporaries) are not served."""
    if any(s == ".." or s.startswith(".") for s in segments):
        return missing(root)
    real_root = root.resolve()
    found = inside(root.joinpath(*segments), real_root)
    if found is None:
        return missing(root)
    if found.is_dir():
        if not slash:
            return Located(301, location="/" + "".join(f"{quote(s)}/" for s in segments))
        index = inside(found / "index.html", real_root)
        return Located(200, index) if index and index.is_file() else missing(root)
    return Located(200, found) if found.is_file() and not slash else missing(root)


def inside(path: Path, real_root: Path) -> Path | None:
    """`path` with links resolved, if it exists and stays within `real_root`."""
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # missing, a link loop, a name too long
        return None
    return real if real.is_relative_to(real_root) else None


def missing(root: Path) -> Located:
    page = root / "404.html"
    return Located(404, page if page.is_file() else None)


def content_type(name: str) -> str:
    return TYPES.get(os.path.splitext(name)[1].lower(), BINARY)


_SPAN = re.compile(r"bytes=([0-9]{0,18})-([0-9]{0,18})")


def requested_span(header: str, size: int) -> tuple[int, int] | None:
    """(start, stop) of a single byte range; None to send the whole file; RangeError for a bad one.

    Other units and multiple ranges are answered with the whole file, which RFC 9110 allows.
    """
    header = header.strip()
    if not header.lower().startswith("bytes=") or "," in header:
        return None
    match = _SPAN.fullmatch(header.replace(" ", ""))
    if match is None or match.group(1) == match.group(2) == "":
        raise RangeError(header)
    first, last = match.groups()
    if first == "":  # the last N bytes
        count = int(last)
        if count == 0 or size == 0:
            raise RangeError(header)
        return max(0, size - count), size
    start = int(first)
    stop = min(size, int(last) + 1) if last else size
    if start >= size or stop <= start:
        raise RangeError(header)
    return start, stop


# --- what is added to pages ---------------------------------------------------------------------------

# Runs in every page the server sends. The page compares the build it was served at with the server's
# on connecting, so an edit made while it loaded is not missed; errors go in with textContent, so a
# message quoting markup stays text.
RELOAD_SCRIPT = """(function () {
  "use strict";
  var page = __CONFIG__;
  if (!window.EventSource || window.__broadsheetLive) return;
  var source = window.__broadsheetLive = new EventSource("/__broadsheet/events"), panel = null;
  function data(event) { return JSON.parse(event.data); }
  function reload() { source.close(); location.reload(); }
  function own() {
    var path = decodeURIComponent(location.pathname).replace(/^\\/+/, "");
    return path === "" || path.slice(-1) === "/" ? path + "index.html" : path;
  }
  function restyle(build) {
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    for (var i = 0; i < links.length; i++) {
      var url = new URL(links[i].href, location.href);
      if (url.origin !== location.origin) continue;
      url.searchParams.set("v", build);
      links[i].href = url.href;
    }
  }
  function show(text) {
    if (!panel) {
      panel = document.createElement("section");
      panel.setAttribute("role", "alert");
      panel.setAttribute("aria-label", "Build error");
      panel.style.cssText = "position:fixed;left:0;right:0;bottom:0;z-index:2147483647;max-height:60vh;" +
        "overflow:auto;margin:0;padding:1rem 1.25rem;background:#2a0d0d;color:#fff;" +
        "border-top:4px solid #ff6b6b;font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace";
      var title = document.createElement("strong");
      title.textContent = "The last save did not build. Still showing the last good version.";
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Dismiss";
      close.style.cssText = "float:right;font:inherit;color:#000;background:#fff;border:0;padding:.2rem .6rem";
      close.onclick = function () { panel.hidden = true; };
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:.5rem 0 0;font:inherit";
      panel.appendChild(close);
      panel.appendChild(title);
      panel.appendChild(pre);
      document.body.appendChild(panel);
    }
    panel.hidden = false;
    panel.lastChild.textContent = text;
  }
  source.addEventListener("hello", function (event) {
    var now = data(event);
    if (now.server !== page.server || now.build !== page.build) reload();
  });
  source.addEventListener("reload", function (event) {
    var now = data(event), style = false;
    page.build = now.build;
    if (page.always || now.recovered || now.everything) return reload();
    for (var i = 0; i < now.paths.length; i++) {
      var path = now.paths[i];
      if (path === own() || /\\.js$/.test(path)) return reload();
      if (/\\.css$/.test(path)) style = true;
    }
    if (style) restyle(now.build);
  });
  source.addEventListener("problem", function (event) { show(data(event).text); });
  source.addEventListener("search", function (event) {
    var used = performance.getEntriesByType("resource").some(function (r) {
      return r.name.indexOf("/pagefind/") >= 0;
    });
    // The search page keeps its query, filters and order in its address, so a reload keeps them.
    if (used && data(event).ok) reload();
  });
})();"""

_BODY_END = re.compile(rb"</body\s*>", re.IGNORECASE)
_BASE = re.compile(rb"<base\s[^>]*>", re.IGNORECASE)
_HEAD = re.compile(rb"<head(\s[^>]*)?>", re.IGNORECASE)


def inject(page: bytes, config: dict[str, object]) -> bytes:
    """`page` with the live-reload script before its last </body>; for a 404 page (`always`), links
    based at the server's root, since the page is sent at whatever depth the missing address had."""
    script = RELOAD_SCRIPT.replace("__CONFIG__", json.dumps(config))
    tag = f'<script data-broadsheet="live">{script}</script>'.encode()
    ends = list(_BODY_END.finditer(page))
    at = ends[-1].start() if ends else len(page)
    page = page[:at] + tag + page[at:]
    if config.get("always"):
        base = b'<base href="/">'
        if _BASE.search(page):
            page = _BASE.sub(base, page, count=1)
        elif head := _HEAD.search(page):
            page = page[:head.end()] + base + page[head.end():]
    return page


def error_page(text: str) -> bytes:
    """The page sent for every address until the first build succeeds."""
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Build failed</title><meta name="color-scheme" content="light dark">
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem}}
pre{{white-space:pre-wrap;padding:1rem;border-left:4px solid #d33;background:#8881}}</style></head>
<body><main><h1>The site could not be built</h1>
<p>Fix the problems below and save; this page reloads by itself once the site builds.</p>
<pre>{html.escape(text)}</pre></main></body>
</html>
""".encode()
