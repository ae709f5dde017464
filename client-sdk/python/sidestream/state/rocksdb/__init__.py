"""RocksDB settings (mirrors `quixstreams.state.rocksdb`)."""

from sidestream.state.rocksdb.options import RocksDBOptions

__all__ = ["RocksDBOptions"]
