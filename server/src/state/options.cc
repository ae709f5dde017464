#include "state/options.h"

#include <unordered_map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "rocksdb/cache.h"
#include "rocksdb/convenience.h"
#include "rocksdb/table.h"
#include "state/rocksdb_options.h"

namespace sidestream::state {
namespace {

// Applies one `extra` entry to whichever of the two option groups knows it.
absl::Status ApplyExtra(const std::string& key, const std::string& value,
                        rocksdb::DBOptions& db, rocksdb::ColumnFamilyOptions& cf) {
  // Options naming other directories would put files outside the confined
  // state directory.
  for (absl::string_view banned : {"wal_dir", "db_log_dir", "db_paths", "cf_paths"}) {
    if (key == banned) {
      return absl::InvalidArgumentError(absl::StrCat(
          "RocksDB option '", key, "' is not allowed: state files stay in the state directory"));
    }
  }
  rocksdb::ConfigOptions config;
  config.ignore_unknown_options = false;
  config.input_strings_escaped = false;
  const std::unordered_map<std::string, std::string> one{{key, value}};

  rocksdb::DBOptions new_db;
  rocksdb::Status db_status = rocksdb::GetDBOptionsFromMap(config, db, one, &new_db);
  if (db_status.ok()) {
    db = new_db;
    return absl::OkStatus();
  }
  rocksdb::ColumnFamilyOptions new_cf;
  rocksdb::Status cf_status = rocksdb::GetColumnFamilyOptionsFromMap(config, cf, one, &new_cf);
  if (cf_status.ok()) {
    cf = new_cf;
    return absl::OkStatus();
  }
  // Report the group that recognised the name, if either did.
  const rocksdb::Status& why =
      absl::StrContains(db_status.ToString(), "Could not find option") ? cf_status : db_status;
  return absl::InvalidArgumentError(absl::StrCat("invalid RocksDB option '", key, "'='", value,
                                                 "': ", why.ToString()));
}

}  // namespace

absl::Status ValidateStateOptions(const StateOptions& options) {
  if (options.root.empty()) {
    return absl::InvalidArgumentError("state options: root (the state directory) is empty");
  }
  if (options.open_max_retries < 0) {
    return absl::InvalidArgumentError("state options: open_max_retries must be >= 0");
  }
  if (options.open_retry_backoff.count() < 0) {
    return absl::InvalidArgumentError("state options: open_retry_backoff must be >= 0");
  }
  return internal::BuildRocksDbOptions(options.rocksdb).status();
}

namespace internal {

absl::StatusOr<std::shared_ptr<const rocksdb::Options>> BuildRocksDbOptions(
    const RocksDbOptions& options) {
  if (options.write_buffer_size == 0) {
    return absl::InvalidArgumentError("RocksDB option write_buffer_size must be > 0");
  }
  if (options.target_file_size_base == 0) {
    return absl::InvalidArgumentError("RocksDB option target_file_size_base must be > 0");
  }
  rocksdb::DBOptions db;
  db.create_if_missing = true;
  db.create_missing_column_families = true;
  rocksdb::ColumnFamilyOptions cf;
  cf.write_buffer_size = options.write_buffer_size;
  cf.target_file_size_base = options.target_file_size_base;
  if (options.block_cache_size > 0) {
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(options.block_cache_size);
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  }
  for (const auto& [key, value] : options.extra) {
    absl::Status s = ApplyExtra(key, value, db, cf);
    if (!s.ok()) return s;
  }
  return std::make_shared<const rocksdb::Options>(db, cf);
}

absl::Status FromRocksDb(const rocksdb::Status& status, absl::string_view context) {
  std::string message = absl::StrCat(context, ": ", status.ToString());
  switch (status.code()) {
    case rocksdb::Status::kOk:
      return absl::OkStatus();
    case rocksdb::Status::kNotFound:
      return absl::NotFoundError(message);
    case rocksdb::Status::kCorruption:
      return absl::DataLossError(message);
    case rocksdb::Status::kInvalidArgument:
      return absl::InvalidArgumentError(message);
    case rocksdb::Status::kNotSupported:
      return absl::UnimplementedError(message);
    case rocksdb::Status::kBusy:
    case rocksdb::Status::kTimedOut:
    case rocksdb::Status::kTryAgain:
      return absl::UnavailableError(message);
    default:
      return absl::InternalError(message);
  }
}

bool IsLockError(const rocksdb::Status& status) {
  return status.IsIOError() &&
         absl::StrContains(absl::AsciiStrToLower(status.ToString()), "lock");
}

}  // namespace internal
}  // namespace sidestream::state
