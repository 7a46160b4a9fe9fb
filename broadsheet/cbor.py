"""The subset of CBOR (RFC 8949) that Pagefind's index files use: integers, text, bytes, arrays, maps,
true/false/null. Enough to read a file and write it back byte for byte in the shortest encoding,
which is what Pagefind writes.
"""

from __future__ import annotations

import struct

Value = int | str | bytes | bool | None | list["Value"] | dict["Value", "Value"]

_SIMPLE = {20: False, 21: True, 22: None}


class CborError(ValueError):
    """Bytes outside the subset this module reads."""


def loads(data: bytes) -> Value:
    value, end = _item(data, 0)
    if end != len(data):
        raise CborError(f"{len(data) - end} bytes after the value")
    return value


def dumps(value: Value) -> bytes:
    out = bytearray()
    _write(value, out)
    return bytes(out)


def _item(data: bytes, at: int) -> tuple[Value, int]:
    if at >= len(data):
        raise CborError("truncated")
    major, info = data[at] >> 5, data[at] & 0x1F
    if major == 7:
        if info not in _SIMPLE:
            raise CborError(f"simple value or float {info} is not supported")
        return _SIMPLE[info], at + 1
    arg, at = _argument(data, at + 1, info)
    if major == 0:
        return arg, at
    if major == 1:
        return -1 - arg, at
    if major in (2, 3):
        raw = data[at: at + arg]
        if len(raw) != arg:
            raise CborError("truncated")
        return (raw.decode("utf-8") if major == 3 else raw), at + arg
    if major == 4:
        items: list[Value] = []
        end = len(data)
        for _ in range(arg):
            # Most items of Pagefind's arrays are page numbers, unsigned integers below 65,536: read
            # here, not by a call each, as an index part's filters hold tens of thousands of them.
            head = data[at] if at < end else 0xFF
            if head < 24:
                items.append(head)
                at += 1
            elif head == 24 and at + 2 <= end:
                items.append(data[at + 1])
                at += 2
            elif head == 25 and at + 3 <= end:
                items.append(data[at + 1] << 8 | data[at + 2])
                at += 3
            else:
                item, at = _item(data, at)
                items.append(item)
        return items, at
    if major == 5:
        mapping: dict[Value, Value] = {}
        for _ in range(arg):
            key, at = _item(data, at)
            mapping[key], at = _item(data, at)
        return mapping, at
    raise CborError(f"major type {major} is not supported")


def _argument(data: bytes, at: int, info: int) -> tuple[int, int]:
    if info < 24:
        return info, at
    size = {24: 1, 25: 2, 26: 4, 27: 8}.get(info)
    if size is None or at + size > len(data):
        raise CborError("indefinite lengths are not supported" if size is None else "truncated")
    return int.from_bytes(data[at: at + size], "big"), at + size


def _write(value: Value, out: bytearray) -> None:
    if value is False or value is True or value is None:
        out.append(0xE0 | {False: 20, True: 21, None: 22}[value])
    elif isinstance(value, int) and value >= 0:
        _head(0, value, out)
    elif isinstance(value, int):
        _head(1, -1 - value, out)
    elif isinstance(value, str):
        raw = value.encode("utf-8")
        _head(3, len(raw), out)
        out += raw
    elif isinstance(value, bytes):
        _head(2, len(value), out)
        out += value
    elif isinstance(value, list):
        _head(4, len(value), out)
        for item in value:
            if type(item) is int and item >= 0:  # page numbers, the most items: straight to their head
                _head(0, item, out)
            else:
                _write(item, out)
    else:
        _head(5, len(value), out)
        for key, item in value.items():
            _write(key, out)
            _write(item, out)


def _head(major: int, arg: int, out: bytearray) -> None:
    if arg < 24:
        out.append(major << 5 | arg)
    elif arg < 1 << 8:
        out += bytes((major << 5 | 24, arg))
    elif arg < 1 << 16:
        out += bytes((major << 5 | 25,)) + struct.pack(">H", arg)
    elif arg < 1 << 32:
        out += bytes((major << 5 | 26,)) + struct.pack(">I", arg)
    else:
        out += bytes((major << 5 | 27,)) + struct.pack(">Q", arg)
