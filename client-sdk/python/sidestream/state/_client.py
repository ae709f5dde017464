"""Client side of sidecar state: the `State` handed to stateful functions.

The sidecar owns state (RocksDB, one database per topic partition); a stateful
function reads and writes it through a `RecordState`:

- reads hit a per-partition cache first; a miss asks the sidecar (`StateRead`
  on the stream, one round-trip for the key) and caches the answer, so a key
  costs one round-trip per partition assignment, not one per message;
- writes go to the record's overlay: when the record's functions finish they
  are merged into the cache and sent back with the record's result
  (`RecordResult.state_updates`), in the order they were made; when a
  function raises, or the record is a replay of already-applied work
  (`InvokeRecord.state_replay`), the overlay is dropped.

Keys and values are JSON (any JSON-serializable key and value, as in the
seed). The cache of a partition lives as long as its `state_epoch`.

Thread-safety: used by the session's worker thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sidestream._json import dumps, loads

__all__ = ["PartitionCaches", "RecordState", "StateReader"]

# (topic, partition, [(prefix, keys), ...]) -> per request one value (bytes) or None per key;
# all requests travel at once (one round-trip for the lot).
StateReader = Callable[[str, int, list[tuple[bytes, list[bytes]]]], list[list[bytes | None]]]

_MISSING = object()


class PartitionCaches:
    """State values known to the client, per (topic, partition), for one epoch each."""

    def __init__(self, reader: StateReader) -> None:
        self._reader = reader
        self._caches: dict[tuple[str, int], tuple[int, dict[tuple[bytes, bytes], bytes | None]]] = {}
        # State keys functions have read: prefetched for every message key of a batch.
        self._hot: set[bytes] = set()
        self.round_trips = 0

    def cache_for(self, topic: str, partition: int, epoch: int) -> dict[tuple[bytes, bytes], bytes | None]:
        """The cache of a partition, emptied when the epoch changed (reassignment)."""
        held = self._caches.get((topic, partition))
        if held is None or held[0] != epoch:
            held = (epoch, {})
            self._caches[(topic, partition)] = held
        return held[1]

    def read(self, topic: str, partition: int, prefix: bytes, key: bytes) -> bytes | None:
        """Asks the sidecar (one round-trip)."""
        self.round_trips += 1
        self._hot.add(key)
        return self._reader(topic, partition, [(prefix, [key])])[0][0]

    def prefetch(self, topic: str, partition: int, epoch: int, prefixes: list[bytes]) -> None:
        """Before a batch: reads, in one round-trip, the state keys functions used
        before for every message key of the batch that is not cached yet."""
        if not self._hot:
            return
        cache = self.cache_for(topic, partition, epoch)
        wanted: list[tuple[bytes, list[bytes]]] = []
        for prefix in dict.fromkeys(prefixes):  # unique, in order
            keys = [k for k in self._hot if (prefix, k) not in cache]
            if keys:
                wanted.append((prefix, keys))
        if not wanted:
            return
        self.round_trips += 1
        for (prefix, keys), values in zip(wanted, self._reader(topic, partition, wanted)):
            for k, v in zip(keys, values):
                cache[(prefix, k)] = v


class RecordState:
    """The `State` of one record: scoped to its message key (seed semantics).

    Example:
        >>> def count(value, state):
        ...     n = state.get("n", 0) + 1
        ...     state.set("n", n)
        ...     return n
    """

    __slots__ = ("_caches", "_cache", "_topic", "_partition", "_prefix", "_overlay", "updates")

    def __init__(self, caches: PartitionCaches, topic: str, partition: int, epoch: int, prefix: bytes) -> None:
        self._caches = caches
        self._cache = caches.cache_for(topic, partition, epoch)
        self._topic = topic
        self._partition = partition
        self._prefix = prefix
        self._overlay: dict[bytes, bytes | None] = {}
        # (key, value or None) in the order made.
        self.updates: list[tuple[bytes, bytes | None]] = []

    def _raw(self, key: Any) -> bytes | None:
        k = dumps(key)
        v = self._overlay.get(k, _MISSING)
        if v is not _MISSING:
            return v  # type: ignore[return-value]
        ck = (self._prefix, k)
        v = self._cache.get(ck, _MISSING)
        if v is _MISSING:
            v = self._caches.read(self._topic, self._partition, self._prefix, k)
            self._cache[ck] = v  # type: ignore[assignment]
        return v  # type: ignore[return-value]

    def get(self, key: Any, default: Any = None) -> Any | None:
        """Return the value of `key`, or `default` when it is not set."""
        raw = self._raw(key)
        return default if raw is None else loads(raw)

    def set(self, key: Any, value: Any) -> None:
        """Set `key` to `value` (any JSON-serializable value)."""
        k, v = dumps(key), dumps(value)
        self._overlay[k] = v
        self.updates.append((k, v))

    def delete(self, key: Any) -> None:
        """Delete `key` (no error when it is not set)."""
        k = dumps(key)
        self._overlay[k] = None
        self.updates.append((k, None))

    def exists(self, key: Any) -> bool:
        """Whether `key` is set."""
        return self._raw(key) is not None

    def commit(self) -> None:
        """The record's functions finished: its writes become visible to later records."""
        for k, v in self._overlay.items():
            self._cache[(self._prefix, k)] = v
