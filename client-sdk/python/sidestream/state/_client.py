"""Client side of sidecar state: the `State` handed to stateful functions.

The sidecar owns state (RocksDB, one database per topic partition); a stateful
function reads and writes it through a `RecordState`:

- reads hit a per-partition cache first; a miss asks the sidecar (`StateRead`
  on the stream, one round-trip for the key) and caches the answer, so a key
  costs one round-trip per partition assignment, not one per message;
- writes go to the record's overlay: when the record's functions finish they
  are merged into the cache and sent back with the record's result
  (`RecordResult.state_updates`), one update per key written, holding the
  key's last value (the sidecar's transaction keeps only the last value of a
  key, so the earlier writes of the same key would be overwritten anyway);
  when a function raises, or the record is a replay of already-applied work
  (`InvokeRecord.state_replay`), the overlay is dropped.

Keys and values are JSON (any JSON-serializable key and value, as in the
seed). The cache of a partition lives as long as its `state_epoch`; it maps
prefix (the serialized message key) → {state key → value or None (no value)},
so a record finds its key's values with one lookup when its state is made.

Why the hot path looks the way it does (bench/sdk_overhead.py --stateful,
bench/RESULTS.md): `State` is made once per record and `get`/`set` are called
once or twice per record, so every attribute, call and tuple counts. The JSON
text of `str` state keys is memoized (`"count"` was encoded on every get and
set), values go straight to orjson when it takes them, the overlay exists only
once something was written, and a batch's per-partition lookups happen once
(`BatchState`), not once per record.

Thread-safety: used by the session's worker thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sidestream._json import dumps, loads

__all__ = ["STATE_READ_GROUPS_CAPABILITY", "BatchState", "PartitionCaches", "RecordState", "StateReader"]

# StateRead.groups: the (prefix, keys) requests of one read travel in one StateRead (session.proto).
STATE_READ_GROUPS_CAPABILITY = "state-read-groups/1"

# (topic, partition, [(prefix, keys), ...]) -> per request one value (bytes) or None per key;
# all requests travel at once (one round-trip for the lot).
StateReader = Callable[[str, int, list[tuple[bytes, list[bytes]]]], list[list[bytes | None]]]

# prefix -> {encoded state key -> encoded value, or None when the sidecar has none}
_Cache = dict[bytes, dict[bytes, bytes | None]]

_MISSING = object()

try:
    from orjson import JSONDecodeError as _OrDecodeError
    from orjson import JSONEncodeError as _OrEncodeError
    from orjson import dumps as _or_dumps
    from orjson import loads as _or_loads
except ImportError:  # pragma: no cover - depends on the environment
    _or_dumps = dumps  # type: ignore[assignment]
    _or_loads = loads  # type: ignore[assignment]
    _OrEncodeError = _OrDecodeError = ValueError  # type: ignore[misc,assignment]

# JSON text of the str state keys seen so far (functions use a handful of constant names).
_KEY_TEXT: dict[str, bytes] = {}
_KEY_TEXT_MAX = 4096


def _encode_key(key: Any) -> bytes:
    """The JSON text of a state key; str keys are memoized (up to `_KEY_TEXT_MAX`)."""
    k = dumps(key)
    if type(key) is str and len(_KEY_TEXT) < _KEY_TEXT_MAX:
        _KEY_TEXT[key] = k
    return k


def _encode_value(value: Any) -> bytes:
    """`sidestream._json.dumps`, with orjson called directly for everything but a bare float
    (NaN/Infinity, which orjson would write as null) and what orjson refuses."""
    if type(value) is not float:
        try:
            return _or_dumps(value)
        except _OrEncodeError:
            pass
    return dumps(value)


def _decode_value(raw: bytes) -> Any:
    try:
        return _or_loads(raw)
    except _OrDecodeError:
        return loads(raw)  # NaN / Infinity tokens, as sidestream._json.loads


class PartitionCaches:
    """State values known to the client, per (topic, partition), for one epoch each."""

    def __init__(self, reader: StateReader) -> None:
        self._reader = reader
        self._caches: dict[tuple[str, int], tuple[int, _Cache]] = {}
        # State keys functions have read (an ordered set): prefetched for every message key of a batch.
        self._hot: dict[bytes, None] = {}
        self.round_trips = 0

    def cache_for(self, topic: str, partition: int, epoch: int) -> _Cache:
        """The cache of a partition, emptied when the epoch changed (reassignment)."""
        held = self._caches.get((topic, partition))
        if held is None or held[0] != epoch:
            held = (epoch, {})
            self._caches[(topic, partition)] = held
        return held[1]

    def batch(self, topic: str, partition: int, epoch: int, prefixes: list[bytes] | None = None) -> BatchState:
        """The state of the records of one batch (one partition, one epoch); `prefixes`: those of
        all its records, read along on a miss."""
        return BatchState(self, topic, partition, self.cache_for(topic, partition, epoch), prefixes)

    def read(self, topic: str, partition: int, prefix: bytes, key: bytes) -> bytes | None:
        """Asks the sidecar (one round-trip)."""
        self.round_trips += 1
        self._hot[key] = None
        return self._reader(topic, partition, [(prefix, [key])])[0][0]

    def read_for_batch(
        self, topic: str, partition: int, cache: _Cache, prefix: bytes, key: bytes, prefixes: list[bytes]
    ) -> bytes | None:
        """A miss of `key` under `prefix`: reads `key` under `prefix` and every other prefix of the batch
        that does not have it cached, in one round-trip, and caches the answers. Returns `prefix`'s value.

        Why: a state key read for the first time is read for the other records of the batch too (they
        almost always read the same key), else each would cost a round-trip of its own."""
        wanted = [(prefix, [key])]
        for p in dict.fromkeys(prefixes):
            if p != prefix:
                values = cache.get(p)
                if values is None or key not in values:
                    wanted.append((p, [key]))
        if len(wanted) == 1:
            return self.read(topic, partition, prefix, key)
        self.round_trips += 1
        self._hot[key] = None
        answers = self._reader(topic, partition, wanted)
        for (p, _), (v,) in zip(wanted, answers):
            values = cache.get(p)
            if values is None:
                values = cache[p] = {}
            values[key] = v
        return answers[0][0]

    def prefetch(self, topic: str, partition: int, epoch: int, prefixes: list[bytes]) -> None:
        """Before a batch: reads, in one round-trip, the state keys functions used
        before for every message key of the batch that is not cached yet."""
        hot = self._hot
        if not hot:
            return
        cache = self.cache_for(topic, partition, epoch)
        wanted: list[tuple[bytes, list[bytes]]] = []
        get = cache.get
        if len(hot) == 1:  # the common case: one state key per message key
            (key,) = hot
            for prefix in dict.fromkeys(prefixes):  # unique, in order
                values = get(prefix)
                if values is None or key not in values:
                    wanted.append((prefix, [key]))
        else:
            for prefix in dict.fromkeys(prefixes):
                values = get(prefix)
                keys = list(hot) if values is None else [k for k in hot if k not in values]
                if keys:
                    wanted.append((prefix, keys))
        if not wanted:
            return
        self.round_trips += 1
        for (prefix, keys), answers in zip(wanted, self._reader(topic, partition, wanted)):
            values = get(prefix)
            if values is None:
                values = cache[prefix] = {}
            for k, v in zip(keys, answers):
                values[k] = v


class BatchState:
    """What the records of one batch share: the partition and its cache."""

    __slots__ = ("_caches", "_partition", "_prefixes", "_topic", "cache")

    def __init__(
        self, caches: PartitionCaches, topic: str, partition: int, cache: _Cache, prefixes: list[bytes] | None
    ) -> None:
        self._caches = caches
        self._topic = topic
        self._partition = partition
        self._prefixes = prefixes
        self.cache = cache

    def record(self, prefix: bytes) -> RecordState:
        """The `State` of a record whose message key serializes to `prefix`."""
        values = self.cache.get(prefix)
        if values is None:
            values = self.cache[prefix] = {}
        return RecordState(self, prefix, values)

    def miss(self, prefix: bytes, key: bytes, values: dict[bytes, bytes | None]) -> bytes | None:
        """Reads `key` of `prefix` from the sidecar and caches it in `values` (the prefix's cache)."""
        if self._prefixes:
            return self._caches.read_for_batch(self._topic, self._partition, self.cache, prefix, key, self._prefixes)
        v = self._caches.read(self._topic, self._partition, prefix, key)
        values[key] = v
        return v


class RecordState:
    """The `State` of one record: scoped to its message key (seed semantics).

    Example:
        >>> def count(value, state):
        ...     n = state.get("n", 0) + 1
        ...     state.set("n", n)
        ...     return n
    """

    __slots__ = ("_batch", "_overlay", "_prefix", "_values")

    def __init__(self, batch: BatchState, prefix: bytes, values: dict[bytes, bytes | None]) -> None:
        self._batch = batch
        self._prefix = prefix
        self._values = values  # the partition cache's entry of `prefix`
        # Writes of this record, key → value or None (deleted); None until the first write.
        self._overlay: dict[bytes, bytes | None] | None = None

    def _raw(self, key: Any) -> bytes | None:
        k = _KEY_TEXT.get(key) if type(key) is str else None
        if k is None:
            k = _encode_key(key)
        overlay = self._overlay
        if overlay is not None:
            v = overlay.get(k, _MISSING)
            if v is not _MISSING:
                return v  # type: ignore[return-value]
        v = self._values.get(k, _MISSING)
        if v is _MISSING:
            return self._batch.miss(self._prefix, k, self._values)
        return v  # type: ignore[return-value]

    def get(self, key: Any, default: Any = None) -> Any | None:
        """Return the value of `key`, or `default` when it is not set."""
        # _raw and _decode_value inlined: this runs for (nearly) every stateful record.
        k = _KEY_TEXT.get(key) if type(key) is str else None
        if k is None:
            k = _encode_key(key)
        overlay = self._overlay
        if overlay is not None and k in overlay:
            raw = overlay[k]
        else:
            raw = self._values.get(k, _MISSING)  # type: ignore[assignment]
            if raw is _MISSING:
                raw = self._batch.miss(self._prefix, k, self._values)
        if raw is None:
            return default
        try:
            return _or_loads(raw)
        except _OrDecodeError:
            return loads(raw)  # NaN / Infinity tokens, as sidestream._json.loads

    def set(self, key: Any, value: Any) -> None:
        """Set `key` to `value` (any JSON-serializable value)."""
        k = _KEY_TEXT.get(key) if type(key) is str else None
        if k is None:
            k = _encode_key(key)
        v = _encode_value(value)
        overlay = self._overlay
        if overlay is None:
            self._overlay = {k: v}
        else:
            overlay[k] = v

    def delete(self, key: Any) -> None:
        """Delete `key` (no error when it is not set)."""
        k = _encode_key(key)
        if self._overlay is None:
            self._overlay = {}
        self._overlay[k] = None

    def exists(self, key: Any) -> bool:
        """Whether `key` is set."""
        return self._raw(key) is not None

    def commit(self) -> dict[bytes, bytes | None] | None:
        """The record's functions finished: its writes become visible to later records.

        Returns the writes (key → value, None for a delete; None when nothing was written)."""
        overlay = self._overlay
        if overlay:
            self._values.update(overlay)
        return overlay

    @property
    def updates(self) -> list[tuple[bytes, bytes | None]]:
        """This record's writes, (key, value or None for a delete), one per key written."""
        return list(self._overlay.items()) if self._overlay else []
