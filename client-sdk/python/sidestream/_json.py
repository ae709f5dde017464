"""Fast JSON for the hot path: orjson when installed, else the standard library.

Both produce compact UTF-8 JSON bytes. orjson is what the seed uses; where it
refuses a value that Python's json accepts (int keys, integers beyond 64 bits,
NaN/Infinity text), the standard library is used instead, so results never
depend on whether orjson is installed — except that orjson, like the seed,
also serializes datetimes, UUIDs and dataclasses.
"""

from __future__ import annotations

import json as _stdjson
from collections.abc import Callable
from typing import Any

__all__ = ["dumps", "loads", "HAVE_ORJSON"]

_INFINITIES = (float("inf"), float("-inf"))
_std_encoder = _stdjson.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _std_dumps(value: Any) -> bytes:
    return _std_encoder.encode(value).encode("utf-8")


def _std_loads(data: bytes) -> Any:
    return _stdjson.loads(data)


try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - depends on the environment
    _orjson = None  # type: ignore[assignment]

HAVE_ORJSON = _orjson is not None

if _orjson is not None:
    _or_dumps: Callable[[Any], bytes] = _orjson.dumps
    _or_loads: Callable[[bytes], Any] = _orjson.loads
    _OrError = _orjson.JSONEncodeError
    _OrDecodeError = _orjson.JSONDecodeError

    def dumps(value: Any) -> bytes:
        """Compact UTF-8 JSON of `value`. Raises TypeError/ValueError when not serializable."""
        if type(value) is float and (value != value or value in _INFINITIES):
            return _std_dumps(value)  # orjson would write null
        try:
            return _or_dumps(value)
        except _OrError:
            pass
        # int keys, huge ints, ...: Python's json decides (and raises TypeError if it can't).
        return _std_dumps(value)

    def loads(data: bytes) -> Any:
        """Parse JSON bytes. Raises ValueError when malformed."""
        try:
            return _or_loads(data)
        except _OrDecodeError:
            pass
        # NaN / Infinity tokens (written by Python's json and the double deserializer).
        return _std_loads(data)

else:  # pragma: no cover - depends on the environment
    dumps = _std_dumps
    loads = _std_loads
