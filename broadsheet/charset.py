"""Bytes -> the encoding they are written in: the one sniffer that `add` (to convert) and the content reader
(to say what a file that is not UTF-8 looks like) share.

`sniff` reads a byte-order mark, UTF-16 by its pattern of NUL bytes, strict UTF-8, then `legacy`: GBK/GB18030
or Windows-1252/Latin-1. Pure: no I/O.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass


class NotText(ValueError):
    """Bytes with NUL bytes that are not UTF-16 text: a binary file."""


@dataclass(frozen=True, slots=True)
class Encoding:
    codec: str  # for bytes.decode
    name: str  # for the curator: "" for UTF-8
    bom: int = 0  # bytes of byte-order mark to skip
    family: str = ""  # the encodings it stands for in messages: "GBK/GB18030 (Chinese)"


UTF8 = Encoding("utf-8", "")
GB = Encoding("gb18030", "GBK/GB18030", family="GBK/GB18030 (Chinese)")
WESTERN = "Latin-1/Windows-1252 (Western European)"
WINDOWS = Encoding("cp1252", "Latin-1 (Windows-1252)", family=WESTERN)
LATIN1 = Encoding("latin-1", "Latin-1", family=WESTERN)
_BOMS = (
    (b"\xef\xbb\xbf", Encoding("utf-8", "", 3)),
    (b"\xff\xfe\x00\x00", Encoding("utf-32-le", "UTF-32", 4)),  # before UTF-16 LE, whose BOM is its prefix
    (b"\x00\x00\xfe\xff", Encoding("utf-32-be", "UTF-32", 4)),
    (b"\xff\xfe", Encoding("utf-16-le", "UTF-16", 2)),
    (b"\xfe\xff", Encoding("utf-16-be", "UTF-16", 2)),
)


def sniff(raw: bytes, declared: str = "") -> Encoding:
    """The encoding of a text file; NotText for binary bytes. A `declared` charset (a web page's) counts only
    where the bytes could be in it and are not UTF-8: pages declaring the wrong one are common, while text in
    a legacy encoding that happens to be valid UTF-8 is all but unknown."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return encoding
    if b"\x00" in raw:
        return utf16_by_nuls(raw)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return _declared(raw, declared) or legacy(raw)
    return UTF8


def _declared(raw: bytes, label: str) -> Encoding | None:
    encoding = named(label)
    try:
        return encoding if encoding and raw.decode(encoding.codec) is not None else None
    except UnicodeDecodeError:
        return None


def named(label: str) -> Encoding | None:
    """The encoding a charset label names (None if unknown); browsers read Latin-1 and GB2312 labels as
    their supersets, and so do we."""
    try:
        codec = codecs.lookup(label.strip()).name if label.strip() else ""
    except LookupError:
        return None
    if not codec:
        return None
    return {"utf-8": UTF8, "gbk": GB, "gb2312": GB, "gb18030": GB, "cp1252": WINDOWS, "iso8859-1": WINDOWS,
            }.get(codec, Encoding(codec, codec.upper()))


def utf16_by_nuls(raw: bytes) -> Encoding:
    """UTF-16 without a BOM: ASCII spaces and line breaks put a NUL in every other byte, always the same."""
    high, low = raw[0::2].count(0), raw[1::2].count(0)
    if len(raw) % 2 == 0 and low >= 0.95 * (high + low):
        return Encoding("utf-16-le", "UTF-16")
    if len(raw) % 2 == 0 and high >= 0.95 * (high + low):
        return Encoding("utf-16-be", "UTF-16")
    raise NotText("it contains NUL bytes")


def legacy(raw: bytes) -> Encoding:
    """Bytes that are not UTF-8: GBK/GB18030 when they read as Chinese, else Windows-1252, else Latin-1."""
    if _chinese(raw):
        return GB
    try:
        raw.decode("cp1252")
    except UnicodeDecodeError:
        return LATIN1
    return WINDOWS


def _chinese(raw: bytes) -> bool:
    """Chinese text comes in runs of two-byte characters (most high bytes stand in runs of 4 or more) within
    the GB2312 area (both bytes 0xA1-0xFE); accented Latin letters stand mostly alone, before ASCII."""
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    high = re.findall(rb"[\x80-\xff]+", raw)
    if sum(len(run) for run in high if len(run) >= 4) * 2 < sum(map(len, high)):
        return False
    pairs = common = i = 0
    while i < len(raw) - 1:
        if raw[i] < 0x80:
            i += 1
            continue
        pairs += 1
        common += raw[i] >= 0xA1 and raw[i + 1] >= 0xA1
        i += 4 if 0x30 <= raw[i + 1] <= 0x39 else 2  # GB18030's four-byte form has a digit second
    return pairs > 0 and common >= 0.8 * pairs


def looks_like(raw: bytes) -> str:
    """What bytes that are not UTF-8 were probably saved as, for a message."""
    mixed = raw.decode("utf-8", errors="replace")
    # A few bad bytes among many good characters: a paste, not a whole file in another encoding.
    if sum(1 for ch in mixed if ord(ch) > 127 and ch != "\ufffd") > 4 * mixed.count("\ufffd"):
        return "UTF-8 with some stray bytes (perhaps pasted from a file in another encoding)"
    return legacy(raw).family
