"""`RocksDBOptions`: RocksDB settings of the sidecar's stores for one application.

The stores live in the sidecar; these settings travel with the registration
and RocksDB validates them there (an unknown option name is rejected with an
error naming it).

Example:
    >>> Application(consumer_group="g", rocksdb_options=RocksDBOptions(write_buffer_size=32 << 20))
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["RocksDBOptions"]


@dataclass(frozen=True)
class RocksDBOptions:
    """The seed's RocksDB options, plus `extra` options by their RocksDB names."""

    write_buffer_size: int = 64 * 1024 * 1024
    target_file_size_base: int = 64 * 1024 * 1024
    block_cache_size: int = 128 * 1024 * 1024
    # Retries when a store is locked by another process, and the pause between them.
    open_max_retries: int = 10
    open_retry_backoff: float = 3.0
    extra: dict[str, str] = field(default_factory=dict)
