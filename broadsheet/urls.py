"""An address -> its canonical form, the one `add` records as `source.url` and compares to find a story
it has seen already: lower-case scheme and host, no default port, no fragment, no tracking parameters
(`utm_*`, `fbclid`, `gclid` and their kin), `/` for an empty path. Other query parameters keep their order,
since they may choose the page. Pure.
"""

from __future__ import annotations

from urllib.parse import unquote_plus, urlsplit, urlunsplit

# Added by newsletters, social sites and ad networks to follow a click; never part of what the page is.
TRACKING = frozenset({"fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "igshid", "yclid"})
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The canonical form of an http(s) address; anything else comes back stripped of spaces only."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:  # a port that is not a number
        return url
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return url
    host = parts.hostname.lower()
    host = f"[{host}]" if ":" in host else host
    userinfo = parts.netloc.rpartition("@")[0]
    port_part = f":{port}" if port and port != _DEFAULT_PORTS[scheme] else ""
    netloc = (f"{userinfo}@" if userinfo else "") + host + port_part
    # The parameters kept stay exactly as written: re-encoding them could change what the server reads.
    query = "&".join(p for p in parts.query.split("&") if p and not _tracking(p.split("=", 1)[0]))
    return urlunsplit((scheme, netloc, parts.path or "/", query, ""))


def _tracking(key: str) -> bool:
    key = unquote_plus(key).lower()
    return key.startswith("utm_") or key in TRACKING
