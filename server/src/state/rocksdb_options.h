// Internal to ss_state: converts RocksDbOptions to rocksdb::Options and maps
// rocksdb::Status to absl::Status. The only header here that includes RocksDB.
//
// Stateless functions; safe from any thread.
#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "rocksdb/options.h"
#include "rocksdb/status.h"
#include "state/options.h"

namespace sidestream::state::internal {

// Builds the options every database of one StoreManager shares (including one
// block cache). create_if_missing and create_missing_column_families are set.
// Errors: INVALID_ARGUMENT naming the offending field or `extra` key.
absl::StatusOr<std::shared_ptr<const rocksdb::Options>> BuildRocksDbOptions(
    const RocksDbOptions& options);

// Converts a non-OK RocksDB status, prefixing `context` to the message.
absl::Status FromRocksDb(const rocksdb::Status& status, absl::string_view context);

// True for the IOError RocksDB returns when the database's LOCK file is held.
bool IsLockError(const rocksdb::Status& status);

}  // namespace sidestream::state::internal
