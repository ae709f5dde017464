"""The packed batch layout (capability "packed-batch/1"), client side.

A packed `InvokeBatch` carries its records as columns (`PackedRecords`): the
JSON values of the whole batch as one JSON array text, decoded here with one
parser call; numbers as packed repeated scalars; kinds as one byte per record.
A `MessageContext` is built only when user code asks for one.
`PackedResultsWriter` collects the answer the same way: the JSON outputs are
appended to one array text as each record finishes, so that a record whose
value cannot be encoded fails at that record, as in the per-record layout.

Wire format: proto/sidestream/v1/session.proto (`PackedRecords`,
`PackedResults`).

Thread-safety: a view or writer belongs to one batch on one thread.
"""

from __future__ import annotations

from typing import Any

from sidestream._json import dumps, loads
from sidestream._rpc.sidestream.v1 import common_pb2, session_pb2
from sidestream.exceptions import ProtocolError
from sidestream.models.messagecontext import MessageContext
from sidestream.models.timestamps import MessageTimestamp

__all__ = ["PACKED_CAPABILITY", "PackedView", "PackedResultsWriter", "encode_packed", "split_json_array"]

PACKED_CAPABILITY = "packed-batch/1"

NULL = session_pb2.PACKED_NULL
JSON = session_pb2.PACKED_JSON
RAW = session_pb2.PACKED_RAW
FILTERED = session_pb2.PACKED_FILTERED
ERROR = session_pb2.PACKED_ERROR
SKIPPED = session_pb2.PACKED_SKIPPED
ABSENT = session_pb2.PACKED_ABSENT

try:
    from orjson import JSONDecodeError as _OrDecodeError
    from orjson import loads as _array_loads
except ImportError:  # pragma: no cover - depends on the environment
    _array_loads = loads  # type: ignore[assignment]
    _OrDecodeError = ValueError  # type: ignore[misc,assignment]

_BYTES_TYPES = (bytes, bytearray, memoryview)


def split_json_array(text: bytes, sizes: Any) -> list[bytes]:
    """The element texts of a packed JSON array column, sliced by their sizes.

    Raises:
        ProtocolError: the sizes do not describe `text`.
    """
    n = len(sizes)
    if n == 0:
        if text not in (b"", b"[]"):
            raise ProtocolError("packed JSON column: elements without sizes")
        return []
    out = []
    pos = 1
    for size in sizes:
        out.append(text[pos : pos + size])
        pos += size + 1
    if pos != len(text) or text[:1] != b"[" or text[-1:] != b"]":
        raise ProtocolError(f"packed JSON column: {n} sizes do not match {len(text)} bytes of text")
    return out


class _Undecodable:
    """An element that does not parse (its record fails with `exc`)."""

    __slots__ = ("exc",)

    def __init__(self, exc: Exception) -> None:
        self.exc = exc


def _decode_json_column(text: bytes, sizes: Any, expected: int) -> tuple[list[Any], bool]:
    """Every element of a packed JSON array column, parsed; and whether some
    element did not parse (it is then an `_Undecodable`).

    One parser call for the whole array; when it refuses the text (e.g. a NaN
    token, which only Python's json reads) or finds another count, every
    element is parsed on its own, exactly as a per-record `Payload.json` would
    be.
    """
    if expected == 0:
        if text not in (b"", b"[]") or len(sizes):
            raise ProtocolError("packed batch: JSON values without a JSON value kind")
        return [], False
    if len(sizes) != expected:
        raise ProtocolError(f"packed batch: {len(sizes)} JSON sizes for {expected} JSON values")
    try:
        values = _array_loads(text)
        if type(values) is list and len(values) == expected:
            return values, False
    except _OrDecodeError:
        pass
    failed = False
    values = []
    for t in split_json_array(text, sizes):
        try:
            values.append(loads(t))
        except ValueError as exc:
            values.append(_Undecodable(exc))
            failed = True
    return values, failed


class PackedView:
    """Read access to the records of one packed batch.

    Example:
        >>> view = PackedView(batch.packed)
        >>> values = view.values()           # one Python value per record
        >>> view.context(0).offset
    """

    __slots__ = ("_header_starts", "_offsets", "decode_errors", "packed", "partition", "topic")

    def __init__(self, packed: session_pb2.PackedRecords) -> None:
        self.packed = packed
        self.topic = packed.topic
        self.partition = packed.partition
        self._offsets: list[int] | None = None
        self._header_starts: list[int] | None = None
        # Record index → the exception its value raised when parsed (rare: set by values()).
        self.decode_errors: dict[int, Exception] = {}

    def __len__(self) -> int:
        return len(self.packed.value_kinds)

    def values(self) -> list[Any]:
        """The records' values, decoded (JSON → Python, raw → bytes, null → None).

        Raises:
            ProtocolError: the columns do not fit together.
        """
        p = self.packed
        kinds = p.value_kinds
        n = len(kinds)
        columns = (p.key_kinds, p.keys, p.offsets, p.sizes, p.timestamp_types, p.timestamps_ms)
        if any(len(c) != n for c in columns) or len(p.header_counts) not in (0, n):
            raise ProtocolError(f"packed batch: the per-record columns do not all hold {n} records")
        if sum(p.header_counts) != len(p.headers):
            raise ProtocolError("packed batch: header_counts does not match headers")
        njson = kinds.count(JSON)
        values, failed = _decode_json_column(p.json_values, p.json_sizes, njson)
        if njson != n:
            raws = p.raw_values
            if kinds.count(RAW) != len(raws):
                raise ProtocolError("packed batch: raw_values does not match value_kinds")
            out: list[Any] = []
            vi = ri = 0
            for k in kinds:
                if k == JSON:
                    out.append(values[vi])
                    vi += 1
                elif k == RAW:
                    out.append(raws[ri])
                    ri += 1
                else:
                    out.append(None)
            values = out
        if failed:
            self.decode_errors = {i: v.exc for i, v in enumerate(values) if type(v) is _Undecodable}
        return values

    def offset(self, i: int) -> int:
        """Offset of record `i`."""
        if self._offsets is None:
            self._offsets = list(self.packed.offsets)
        return self._offsets[i]

    def where(self, i: int) -> tuple[str, int, int]:
        """(topic, partition, offset) of record `i`, for logs and callbacks."""
        return self.topic, self.partition, self.offset(i)

    def key(self, i: int) -> Any:
        """The message key of record `i`, decoded."""
        p = self.packed
        kind = p.key_kinds[i]
        if kind == JSON:
            return loads(p.keys[i])
        if kind == RAW:
            return p.keys[i]
        return None

    def headers(self, i: int) -> list[tuple[str, bytes | None]] | None:
        """Headers of record `i` as (key, value) tuples, None when it has none."""
        p = self.packed
        counts = p.header_counts
        if not counts:
            return None
        if self._header_starts is None:
            starts, pos = [], 0
            for c in counts:
                starts.append(pos)
                pos += c
            self._header_starts = starts
        start, count = self._header_starts[i], counts[i]
        if count == 0:
            return None
        hs = p.headers
        return [(h.key, h.value if h.HasField("value") else None) for h in hs[start : start + count]]

    def context(self, i: int) -> MessageContext:
        """The seed's `MessageContext` of record `i`."""
        p = self.packed
        return MessageContext(
            key=self.key(i),
            topic=self.topic,
            partition=self.partition,
            offset=self.offset(i),
            size=p.sizes[i],
            timestamp=MessageTimestamp.create(p.timestamp_types[i], p.timestamps_ms[i]),
            headers=self.headers(i),
        )

    def state_replay(self, i: int) -> bool:
        """Whether record `i` was already applied to state (a replay)."""
        replays = self.packed.state_replays
        return bool(replays) and replays[i] != 0


def encode_packed(value: Any) -> tuple[int, bytes | None]:
    """(kind, data) of a value or key: (JSON, text), (RAW, bytes) or (NULL, None).

    Raises:
        TypeError: `value` is neither bytes-like nor JSON-serializable.
        ValueError: `value` cannot be represented (e.g. a circular structure).
    """
    if value is None:
        return NULL, None
    if isinstance(value, _BYTES_TYPES):
        return RAW, bytes(value)
    return JSON, dumps(value)


class PackedResultsWriter:
    """Collects the `PackedResults` of one batch, in record order.

    The hot loop appends to the public columns directly (`outcomes`; for a
    JSON value its text plus a comma to `json` and its size to `json_sizes`;
    `raw`); the rarer parts (errors, produce keys, state writes) go through
    methods. JSON texts are copied into one growing buffer as they are made,
    not kept as 1,000 separate objects: with glibc, keeping each orjson output
    alive grows the heap by about a page per record, and the page faults of
    regrowing it cost more than the copy.

    Example:
        >>> w = PackedResultsWriter()
        >>> w.value({"a": 1})        # record 0
        >>> w.filtered()             # record 1
        >>> w.finish(answer.packed)
    """

    __slots__ = (
        "_errors",
        "_key_json",
        "_key_kinds",
        "_key_raw",
        "_state_counts",
        "_state_deletes",
        "_state_keys",
        "_state_values",
        "json",
        "json_sizes",
        "outcomes",
        "raw",
    )

    def __init__(self) -> None:
        self.outcomes = bytearray()
        self.json = bytearray(b"[")  # "[e0,e1,...,"
        self.json_sizes: list[int] = []
        self.raw: list[bytes] = []
        self._errors: list[common_pb2.Error] = []
        self._key_kinds: bytearray | None = None
        self._key_json: list[bytes] = []
        self._key_raw: list[bytes] = []
        self._state_counts: list[int] | None = None
        self._state_keys: list[bytes] = []
        self._state_values: list[bytes] = []
        self._state_deletes: list[int] = []

    def value(self, value: Any) -> None:
        """The next record ends with `value` (JSON, raw bytes or None).

        Raises:
            TypeError, ValueError: as `encode_packed`.
        """
        kind, data = encode_packed(value)
        self.outcomes.append(kind)
        if kind == JSON:
            self.json += data  # type: ignore[operator,arg-type]
            self.json.append(44)  # ","
            self.json_sizes.append(len(data))  # type: ignore[arg-type]
        elif kind == RAW:
            self.raw.append(data)  # type: ignore[arg-type]

    def filtered(self) -> None:
        """The next record was dropped by a filter."""
        self.outcomes.append(FILTERED)

    def error(self, err: common_pb2.Error, skipped: bool) -> None:
        """The next record failed: skipped (processing goes on) or fatal."""
        self.outcomes.append(SKIPPED if skipped else ERROR)
        self._errors.append(err)

    def errors(self, err: common_pb2.Error, count: int) -> None:
        """The next `count` records failed fatally with `err`."""
        self.outcomes += bytes([ERROR]) * count
        self._errors.extend([err] * count)

    def produce_key(self, index: int, key: tuple[int, bytes | None]) -> None:
        """Record `index` (the next one added) sets the produce key (`encode_packed`'s result)."""
        kind, data = key
        kinds = self._key_kinds
        if kinds is None:
            kinds = self._key_kinds = bytearray()
        kinds += bytes([ABSENT]) * (index - len(kinds))
        kinds.append(kind)
        if kind == JSON:
            self._key_json.append(data)  # type: ignore[arg-type]
        elif kind == RAW:
            self._key_raw.append(data)  # type: ignore[arg-type]

    def state_updates(self, index: int, updates: list[tuple[bytes, bytes | None]]) -> None:
        """Record `index` (the next one added) wrote state: (key, value or None for a delete), in order."""
        counts = self._state_counts
        if counts is None:
            counts = self._state_counts = []
        counts.extend([0] * (index - len(counts)))
        counts.append(len(updates))
        keys, values = self._state_keys, self._state_values
        for k, v in updates:
            if v is None:
                self._state_deletes.append(len(keys))
                v = b""
            keys.append(k)
            values.append(v)

    def state_writes(self, index: int, writes: dict[bytes, bytes | None]) -> None:
        """`state_updates` for the writes of `RecordState.commit()` (key → value or None), the hot path:
        no deletes means two list extends."""
        if None in writes.values():
            self.state_updates(index, list(writes.items()))
            return
        counts = self._state_counts
        if counts is None:
            counts = self._state_counts = []
        if len(counts) != index:
            counts.extend([0] * (index - len(counts)))
        counts.append(len(writes))
        self._state_keys.extend(writes)
        self._state_values.extend(writes.values())

    def finish(self, out: session_pb2.PackedResults) -> None:
        """Writes the columns into `out`."""
        n = len(self.outcomes)
        out.outcomes = bytes(self.outcomes)
        if self.json_sizes:
            self.json[-1] = 93  # the last "," becomes "]"
            out.json_values = bytes(self.json)
            out.json_sizes.extend(self.json_sizes)
        if self.raw:
            out.raw_values.extend(self.raw)
        if self._errors:
            out.errors.extend(self._errors)
        kinds = self._key_kinds
        if kinds is not None:
            kinds += bytes([ABSENT]) * (n - len(kinds))
            out.key_kinds = bytes(kinds)
            if self._key_json:
                out.json_keys = _array(self._key_json)
                out.json_key_sizes.extend(map(len, self._key_json))
            out.raw_keys.extend(self._key_raw)
        counts = self._state_counts
        if counts is not None:
            counts.extend([0] * (n - len(counts)))
            out.state_update_counts.extend(counts)
            out.state_update_keys.extend(self._state_keys)
            out.state_update_values.extend(self._state_values)
            out.state_update_deletes.extend(self._state_deletes)


def _array(elements: list[bytes]) -> bytes:
    """The JSON array text of `elements` (each a JSON text)."""
    return b"[" + b",".join(elements) + b"]"
