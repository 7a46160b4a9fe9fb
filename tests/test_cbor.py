"""The CBOR subset that reads and rewrites Pagefind's index files: values round-trip byte for byte."""

from __future__ import annotations

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
