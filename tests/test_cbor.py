"""The CBOR subset that reads and rewrites Pagefind's index files: values round-trip byte for byte."""

from __future__ import annotations

import random

import pytest

from broadsheet import cbor


@pytest.mark.parametrize("value", [
    0, 23, 24, 255, 256, 65_535, 65_536, 2**32 - 1, 2**32, 2**64 - 1, -1, -24, -25, -1000,
    "", "a", "马云", "x" * 300, b"", b"\x00\xff", [], [1, [2, [3]]], {"a": 1, "b": [True, False, None]},
])
def test_values_round_trip(value: cbor.Value) -> None:
    assert cbor.loads(cbor.dumps(value)) == value


def test_shortest_encodings_as_rfc_8949_gives_them() -> None:
    assert cbor.dumps(10) == bytes.fromhex("0a")
    assert cbor.dumps(100) == bytes.fromhex("1864")
    assert cbor.dumps(1000) == bytes.fromhex("1903e8")
    assert cbor.dumps(1_000_000) == bytes.fromhex("1a000f4240")
    assert cbor.dumps(-100) == bytes.fromhex("3863")
    assert cbor.dumps("IETF") == bytes.fromhex("6449455446")
    assert cbor.dumps([1, [2, 3], [4, 5]]) == bytes.fromhex("8301820203820405")
    assert cbor.dumps({"a": 1, "b": [2, 3]}) == bytes.fromhex("a26161016162820203")


@pytest.mark.parametrize("data", [b"", b"\x19\x01", b"\x62a", b"\x82\x01", b"\x9f\xff", b"\xf9\x00\x00", b"\x01\x02"])
def test_bytes_outside_the_subset_are_refused(data: bytes) -> None:
    with pytest.raises(cbor.CborError):
        cbor.loads(data)


def _reference(value: cbor.Value) -> bytes:
    """RFC 8949's shortest encoding, written out plainly: what dumps gives, fast paths or not."""
    def head(major: int, arg: int) -> bytes:
        if arg < 24:
            return bytes((major << 5 | arg,))
        size = next(n for n in (1, 2, 4, 8) if arg < 1 << (8 * n))
        return bytes((major << 5 | {1: 24, 2: 25, 4: 26, 8: 27}[size],)) + arg.to_bytes(size, "big")
    if isinstance(value, bool) or value is None:
        return bytes((0xE0 | {False: 20, True: 21, None: 22}[value],))
    if isinstance(value, int):
        return head(0, value) if value >= 0 else head(1, -1 - value)
    if isinstance(value, str):
        return head(3, len(value.encode())) + value.encode()
    if isinstance(value, bytes):
        return head(2, len(value)) + value
    if isinstance(value, list):
        return head(4, len(value)) + b"".join(_reference(item) for item in value)
    return head(5, len(value)) + b"".join(_reference(k) + _reference(v) for k, v in value.items())


def test_arrays_of_page_numbers_read_and_write_as_any_value_does() -> None:
    """Arrays take a shortcut for unsigned integers below 65,536 (Pagefind's page lists); random
    arrays around its edges (23/24, 255/256, 65,535/65,536, booleans, negatives, nesting) encode as
    the plain definition does, read back, and every cut short is refused."""
    seed = random.randrange(2**32)
    print(f"seed {seed}")
    rng = random.Random(seed)
    edges = [0, 1, 23, 24, 25, 255, 256, 257, 65_535, 65_536, 70_000, 2**32, -1, -24, -25, -300]

    def value(depth: int) -> cbor.Value:
        pick = rng.random()
        if depth > 2 or pick < 0.6:
            return rng.choice([*edges, rng.randrange(0, 70_000), True, False, None, "a", "马", b"\x00"])
        if pick < 0.9:
            return [value(depth + 1) for _ in range(rng.randrange(0, 30))]
        return {rng.choice(["k", "l", "m"]): value(depth + 1) for _ in range(rng.randrange(0, 3))}

    for _ in range(3000):
        item = [value(1) for _ in range(rng.randrange(0, 40))]
        data = cbor.dumps(item)
        assert data == _reference(item), (seed, item)
        assert cbor.loads(data) == item and [type(x) for x in cbor.loads(data)] == [type(x) for x in item]  # type: ignore[union-attr]
        cut = rng.randrange(len(data))
        with pytest.raises(cbor.CborError):
            cbor.loads(data[:cut])
