// Options of the state stores: where they live, how RocksDB is tuned and how
// opening a database that another process still holds is retried. Mirrors the
// seed's RocksDBOptions and RocksDBStore(open_max_retries, open_retry_backoff).
//
// Plain data; safe to copy and to read from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "absl/status/status.h"

namespace sidestream::state {

// RocksDB tuning, applied to every database (one per store partition).
struct RocksDbOptions {
  // Memtable size per column family. Default: 64 MiB (the seed's default).
  uint64_t write_buffer_size = 64ull << 20;
  // Target SST file size. Default: 64 MiB.
  uint64_t target_file_size_base = 64ull << 20;
  // LRU block cache, shared by every database of one StoreManager.
  // Default: 128 MiB.
  uint64_t block_cache_size = 128ull << 20;
  // Any other RocksDB DBOptions or ColumnFamilyOptions by their RocksDB names
  // ("max_open_files" -> "512"). Validated by RocksDB itself; an unknown name
  // or a bad value is INVALID_ARGUMENT naming the key. Applied after the
  // fields above, so they may override them.
  std::map<std::string, std::string> extra;
};

struct StateOptions {
  // REQUIRES: non-empty. The sidecar's own state root (--state-dir); every
  // client state_dir is confined below it. Created when missing.
  std::filesystem::path root;
  RocksDbOptions rocksdb;
  // How many more times to try opening a database that is locked (by another
  // process, or still by this one). 0 disables retrying. Default: 10.
  int open_max_retries = 10;
  // Wait between those attempts. Default: 3 s.
  std::chrono::milliseconds open_retry_backoff{3000};
  // fsync the WAL on every flush. Without it a flushed transaction survives a
  // crash of the process but not of the machine. Default: false (the seed's).
  bool sync_writes = false;
  // What StoreManager::OnLost does with the partition's database: close it and
  // keep it (false, the seed's behaviour) or delete it (true). Default: false.
  bool destroy_on_lost = false;
};

// Checks `options`, including `rocksdb.extra` against RocksDB.
// Errors: INVALID_ARGUMENT naming the field or key.
absl::Status ValidateStateOptions(const StateOptions& options);

}  // namespace sidestream::state
