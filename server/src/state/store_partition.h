// One RocksDB database: the state of one store for one topic partition (the
// seed's RocksDBStorePartition). Opened when the partition is assigned, closed
// when it is revoked; Destroy() deletes it from disk.
//
// Two column families: "default" holds state keys (see key_codec.h) and
// "__metadata" holds the processed offset, stored in the same WriteBatch as
// the state updates it covers. The offset is the replay guard: after a crash,
// messages at or below it already had their state updates applied.
//
// Threading: not thread-safe. A partition and its transactions are used from
// one pipeline loop thread. Transactions borrow their partition; closing or
// destroying the partition first fails the transaction that is still open.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "state/options.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
struct Options;
}  // namespace rocksdb

namespace sidestream::state {

class PartitionTransaction;

class StorePartition {
 public:
  // Opens (creating when missing) the database in directory `path`. While the
  // database is locked, retries `options.open_max_retries` times, waiting
  // `options.open_retry_backoff` between attempts. `db_options` lets a
  // StoreManager share one set of options (and block cache); when null they
  // are built from `options.rocksdb`.
  // Errors: UNAVAILABLE naming the path when it stays locked; INVALID_ARGUMENT
  // for bad options; DATA_LOSS for an unreadable processed offset; others
  // mapped from RocksDB.
  static absl::StatusOr<std::unique_ptr<StorePartition>> Open(
      const std::filesystem::path& path, const StateOptions& options,
      std::shared_ptr<const rocksdb::Options> db_options = nullptr);

  // Closes the database (see Close).
  ~StorePartition();
  StorePartition(const StorePartition&) = delete;
  StorePartition& operator=(const StorePartition&) = delete;

  // Starts a transaction. One transaction may be active per partition: it
  // stays active until it completes, fails or is destroyed.
  // Errors: FAILED_PRECONDITION when one is active or the partition is closed.
  absl::StatusOr<std::unique_ptr<PartitionTransaction>> Begin();

  // The offset stored with the last flush that had changes; nullopt before
  // the first one.
  std::optional<int64_t> GetProcessedOffset() const { return processed_offset_; }

  // True when the state updates of the message at `offset` must be applied:
  // it is newer than the processed offset (or none is stored yet).
  bool ShouldApply(int64_t offset) const {
    return !processed_offset_.has_value() || offset > *processed_offset_;
  }

  // Closes the database; an active transaction fails and writes nothing.
  // Idempotent.
  absl::Status Close();

  // Closes the database and deletes its directory.
  absl::Status Destroy();

  // Deletes a closed database's directory. OK when it does not exist.
  static absl::Status DestroyAt(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return path_; }
  bool is_open() const { return db_ != nullptr; }
  bool has_active_transaction() const { return active_ != nullptr; }

  // Makes the next read or write of a transaction fail with `status`, as a
  // RocksDB error would.
  void FailNextOperationForTesting(absl::Status status) { injected_ = std::move(status); }

 private:
  friend class PartitionTransaction;
  using Updates = std::map<std::string, std::optional<std::string>, std::less<>>;

  StorePartition(std::filesystem::path path, bool sync_writes)
      : path_(std::move(path)), sync_writes_(sync_writes) {}

  // For PartitionTransaction: reads a stored state key.
  absl::StatusOr<std::optional<std::string>> Read(const std::string& stored_key);
  // For PartitionTransaction: writes `updates` (nullopt = delete) and the
  // offset, when given, in one WriteBatch.
  absl::Status Write(const Updates& updates, std::optional<int64_t> processed_offset);
  // For PartitionTransaction: the active transaction is done.
  void Release(const PartitionTransaction* txn);

  // Constant after Open.
  const std::filesystem::path path_;
  const bool sync_writes_;

  rocksdb::DB* db_ = nullptr;                          // owned; null once closed
  rocksdb::ColumnFamilyHandle* data_cf_ = nullptr;     // owned
  rocksdb::ColumnFamilyHandle* metadata_cf_ = nullptr; // owned
  std::optional<int64_t> processed_offset_;
  PartitionTransaction* active_ = nullptr;             // borrowed; it unregisters itself
  absl::Status injected_;
};

}  // namespace sidestream::state
