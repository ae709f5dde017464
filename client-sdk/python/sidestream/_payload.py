"""Payload codec: proto `Payload` ⇄ Python values.

`json` → parsed JSON; `raw` → bytes; neither → None. Encoding picks `raw` for
bytes-like values and JSON for everything else (dict, list, str, int, float,
bool, None, and what orjson additionally supports).

Thread-safety: stateless functions.
"""

from __future__ import annotations

from typing import Any

from sidestream._json import dumps, loads
from sidestream._rpc.sidestream.v1 import common_pb2

__all__ = ["decode", "encode_into", "encode"]

_Payload = common_pb2.Payload


def decode(payload: common_pb2.Payload) -> Any:
    """The Python value carried by `payload`."""
    kind = payload.WhichOneof("kind")
    if kind == "json":
        return loads(payload.json)
    if kind == "raw":
        return payload.raw
    return None


def encode_into(value: Any, payload: common_pb2.Payload) -> None:
    """Sets `payload` to carry `value`.

    Raises:
        TypeError: `value` is neither bytes-like nor JSON-serializable.
        ValueError: `value` cannot be represented (e.g. a circular structure).
    """
    if value is None:
        payload.Clear()
    elif isinstance(value, (bytes, bytearray, memoryview)):
        payload.raw = bytes(value)
    else:
        payload.json = dumps(value)


def encode(value: Any) -> common_pb2.Payload:
    """A new `Payload` carrying `value` (see `encode_into`)."""
    p = _Payload()
    encode_into(value, p)
    return p
