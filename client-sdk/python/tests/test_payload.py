"""Payload codec round trips (orjson fast path and the standard-library fallback)."""

import json
import math

import pytest

from sidestream import _json
from sidestream._payload import decode, encode
from sidestream._rpc.sidestream.v1 import common_pb2


@pytest.mark.parametrize(
    "value",
    [
        {"a": 1, "b": [1, 2.5, "x", None, True], "c": {"d": "é"}},
        [1, 2, 3],
        "text",
        42,
        2.5,
        True,
        False,
        None,
        {"nested": {"deep": [{"x": -1}]}},
    ],
)
def test_json_round_trip(value):
    p = encode(value)
    if value is None:
        assert p.WhichOneof("kind") is None
    else:
        assert p.WhichOneof("kind") == "json"
        assert json.loads(p.json) == value
    assert decode(p) == value


def test_integers_beyond_64_bits_are_encoded_exactly():
    # orjson refuses them; Python's json writes them (orjson, like the seed, reads them back as floats).
    assert encode(10**30).json == b"1000000000000000000000000000000"


def test_bytes_are_raw():
    for v in (b"\x00\xff", bytearray(b"ab"), memoryview(b"cd")):
        p = encode(v)
        assert p.WhichOneof("kind") == "raw"
        assert decode(p) == bytes(v)


def test_compact_output():
    assert encode({"a": [1, 2]}).json == b'{"a":[1,2]}'


def test_int_keys_and_nan_follow_python_json():
    assert json.loads(encode({1: "x"}).json) == {"1": "x"}
    assert encode(float("nan")).json == b"NaN"
    assert math.isinf(decode(common_pb2.Payload(json=b"Infinity")))


def test_unserializable_raises_type_error():
    with pytest.raises(TypeError):
        encode({"s": {1, 2}})


def test_decode_unset_is_none():
    assert decode(common_pb2.Payload()) is None


def test_stdlib_fallback_matches(monkeypatch):
    value = {"a": [1, "é", None], "b": 1.5}
    assert _json._std_dumps(value) == b'{"a":[1,"\xc3\xa9",null],"b":1.5}'
    assert _json._std_loads(_json.dumps(value)) == value
