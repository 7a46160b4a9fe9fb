"""An http(s) address -> the page or feed it serves (`Response`), within limits, or one `FetchError` line.

`add` fetches pages and feeds from servers it does not know, so this code, not the server, decides how long
and how much: a time limit for the connection and one for the whole exchange, a size limit on the body, at
most five redirects and only to http(s), and only web pages, feeds and plain text. The limits can be set
with environment variables (`Limits.from_env`). Uses http.client directly so that every limit is ours.
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from . import __version__

USER_AGENT = f"Broadsheet/{__version__} (static site generator; fetches one page when a curator adds it)"
# What `add` can make drafts of: web pages, feeds and plain text.
ACCEPTED = frozenset({
    "text/html", "application/xhtml+xml", "text/plain",
    "application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
    "application/feed+json", "application/json",
})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """Why an address could not be fetched: one line the curator can act on."""


@dataclass(frozen=True, slots=True)
class Limits:
    connect: float = 10.0  # seconds to connect
    total: float = 30.0  # seconds for the whole exchange, redirects included
    max_bytes: int = 5 * 1024 * 1024
    redirects: int = 5

    @classmethod
    def from_env(cls, env: Mapping[str, str] = os.environ) -> Limits:
        """The defaults, overridden by BROADSHEET_FETCH_TIMEOUT, _CONNECT_TIMEOUT (seconds) and _MAX_BYTES."""
        default = cls()
        try:
            return cls(connect=float(env.get("BROADSHEET_FETCH_CONNECT_TIMEOUT", default.connect)),
                       total=float(env.get("BROADSHEET_FETCH_TIMEOUT", default.total)),
                       max_bytes=int(env.get("BROADSHEET_FETCH_MAX_BYTES", default.max_bytes)))
        except ValueError as exc:
            raise FetchError(f"a BROADSHEET_FETCH_* variable is not a number ({exc})") from None


@dataclass(frozen=True, slots=True)
class Response:
    url: str  # where the body came from, after redirects
    media_type: str  # lower-case, without parameters; "" when the server named none
    charset: str  # as the Content-Type header names it, or ""
    body: bytes


def fetch(url: str, limits: Limits) -> Response:
    """GET `url`, following redirects; FetchError names the address and what went wrong."""
    deadline = time.monotonic() + limits.total
    current = url
    for hop in range(limits.redirects + 1):
        try:
            status, reason, headers, body = _exchange(current, limits, deadline)
        except TimeoutError:
            raise FetchError(f"cannot fetch {url}: no complete answer within {limits.total:g} s "
                             "(set BROADSHEET_FETCH_TIMEOUT to wait longer)") from None
        except socket.gaierror:
            raise FetchError(f"cannot fetch {url}: the host {urlsplit(current).hostname} was not found "
                             "(check the address; DNS has no such name)") from None
        except ConnectionRefusedError:
            raise FetchError(f"cannot fetch {url}: {_origin(current)} refused the connection") from None
        except ssl.SSLError as exc:
            raise FetchError(f"cannot fetch {url}: the secure connection failed ({exc.reason})") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"cannot fetch {url}: {getattr(exc, 'strerror', None) or exc!r}") from None
        if status in _REDIRECTS and "location" in headers:
            try:
                target = urljoin(current, headers["location"])
            except ValueError:  # an unclosed `[` of an IPv6 host, say
                raise FetchError(f"cannot fetch {url}: it redirects to {headers['location']!r}, "
                                 "which is not a valid address") from None
            if urlsplit(target).scheme.lower() not in ("http", "https"):
                raise FetchError(f"cannot fetch {url}: it redirects to {target}, which is not an http(s) address")
            if hop == limits.redirects:
                raise FetchError(f"cannot fetch {url}: it redirects more than {limits.redirects} times")
            current = target
            continue
        if not 200 <= status < 300:
            raise FetchError(f"cannot fetch {url}: the server answered {status} {reason}".rstrip())
        media_type, charset = _content_type(headers.get("content-type", ""))
        return Response(current, media_type, charset, body or b"")
    raise AssertionError("unreachable: the loop returns or raises")


def _exchange(url: str, limits: Limits, deadline: float) -> tuple[int, str, dict[str, str], bytes | None]:
    """One request: status, reason, headers (lower-case names) and, unless it redirects, the body."""
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed `[` of an IPv6 host, say
        raise FetchError(f"cannot fetch {url}: not a valid address (check the host name)") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"cannot fetch {url}: only http:// and https:// addresses can be added")
    try:
        port = parts.port
    except ValueError:
        raise FetchError(f"cannot fetch {url}: the port is not a number") from None
    timeout = max(0.001, min(limits.connect, deadline - time.monotonic()))
    connection: http.client.HTTPConnection = (
        http.client.HTTPSConnection(parts.hostname, port, timeout=timeout, context=ssl.create_default_context())
        if scheme == "https" else http.client.HTTPConnection(parts.hostname, port, timeout=timeout))
    try:
        try:
            connection.connect()
        except TimeoutError:
            if deadline - time.monotonic() <= 0:
                raise
            raise FetchError(f"cannot fetch {url}: {_origin(url)} did not accept a connection within "
                             f"{limits.connect:g} s (set BROADSHEET_FETCH_CONNECT_TIMEOUT to wait longer)") from None
        _left(connection, deadline)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request("GET", path, headers={
            "User-Agent": USER_AGENT, "Accept-Encoding": "identity",
            "Accept": "text/html,application/xhtml+xml,application/atom+xml,application/rss+xml,"
                      "application/feed+json,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.1"})
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        if response.status in _REDIRECTS or not 200 <= response.status < 300:
            return response.status, response.reason, headers, None
        media_type = _content_type(headers.get("content-type", ""))[0]
        if media_type and media_type not in ACCEPTED:
            raise FetchError(f"cannot fetch {url}: it is {media_type}, not a web page or a feed")
        return response.status, response.reason, headers, _body(response, connection, url, limits, deadline)
    finally:
        connection.close()


def _body(response: http.client.HTTPResponse, connection: http.client.HTTPConnection, url: str,
          limits: Limits, deadline: float) -> bytes:
    too_large = FetchError(f"cannot fetch {url}: it is larger than {limits.max_bytes:,} bytes "
                           "(set BROADSHEET_FETCH_MAX_BYTES to allow more)")
    declared = response.getheader("content-length", "")
    if declared.isdigit() and int(declared) > limits.max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    while True:
        _left(connection, deadline)  # a server sending a byte at a time must not outlast the total limit
        chunk = response.read1(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limits.max_bytes:
            raise too_large
        chunks.append(chunk)


def _left(connection: http.client.HTTPConnection, deadline: float) -> None:
    """Give the socket only the time left; raise TimeoutError when there is none."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError
    if connection.sock is not None:
        connection.sock.settimeout(left)


def _content_type(value: str) -> tuple[str, str]:
    media_type, _, params = value.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, setting = param.partition("=")
        if name.strip().lower() == "charset":
            charset = setting.strip().strip('"').strip("'")
    return media_type.strip().lower(), charset


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.hostname}:{parts.port or (443 if parts.scheme.lower() == 'https' else 80)}"
