// A transaction over one StorePartition (the seed's RocksDBPartitionTransaction):
// get / set / delete / exists on keys under a prefix (the serialized message
// key), with updates kept in memory so the transaction reads its own writes,
// then written together with the processed offset in one RocksDB WriteBatch.
//
// Lifecycle: active → completed (MaybeFlush succeeded) or failed (a RocksDB
// error, or the partition closed under it). A completed or failed transaction
// refuses every further call with FAILED_PRECONDITION; start a new one.
// Destroying an active transaction abandons it: nothing is written.
//
// Flushing when nothing changed writes nothing, not even the offset (the
// seed's I/O optimisation). The stored offset then lags behind messages that
// changed no state; replaying those is harmless because they change none.
//
// Threading: not thread-safe; used from the pipeline loop thread only. It
// borrows its StorePartition, which fails it if closed first.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "state/store_partition.h"

namespace sidestream::state {

class PartitionTransaction {
 public:
  ~PartitionTransaction();
  PartitionTransaction(const PartitionTransaction&) = delete;
  PartitionTransaction& operator=(const PartitionTransaction&) = delete;

  // The value of `key` under `prefix`: this transaction's pending update
  // first (a pending delete reads as absent), then the database.
  // Errors: FAILED_PRECONDITION when not active; a RocksDB error fails the
  // transaction and is returned.
  absl::StatusOr<std::optional<std::string>> Get(absl::string_view prefix, absl::string_view key);
  // Whether `key` under `prefix` has a value, by the same rules as Get.
  absl::StatusOr<bool> Exists(absl::string_view prefix, absl::string_view key);
  // Records `value` for `key` under `prefix`. Errors: FAILED_PRECONDITION.
  absl::Status Set(absl::string_view prefix, absl::string_view key, absl::string_view value);
  // Records the deletion of `key` under `prefix`. Errors: FAILED_PRECONDITION.
  absl::Status Delete(absl::string_view prefix, absl::string_view key);

  // Writes every pending update, and `processed_offset` when given, in one
  // atomic WriteBatch and completes the transaction. With no pending update
  // nothing is written (see the header comment) and it still completes.
  // Errors: FAILED_PRECONDITION when not active; a RocksDB error fails the
  // transaction (nothing is written) and is returned.
  absl::Status MaybeFlush(std::optional<int64_t> processed_offset = std::nullopt);

  // The partition's replay guard as it stood when the transaction began: true
  // when the message at `offset` is newer than the stored processed offset.
  bool ShouldApply(int64_t offset) const {
    return !base_offset_.has_value() || offset > *base_offset_;
  }

  // True once MaybeFlush succeeded. A failed transaction is not completed.
  bool completed() const { return completed_; }
  // True once an error made the transaction unusable.
  bool failed() const { return !failure_.ok(); }
  // Number of keys with a pending set or delete.
  size_t pending_count() const { return updates_.size(); }

 private:
  friend class StorePartition;
  explicit PartitionTransaction(StorePartition* partition)
      : partition_(partition), base_offset_(partition->GetProcessedOffset()) {}

  absl::Status CheckActive() const;
  // Marks the transaction failed with `why` and releases the partition.
  void Fail(absl::Status why);
  // Called by the partition when it closes under an active transaction.
  void Detach();

  StorePartition* partition_;  // borrowed; null once completed or failed
  const std::optional<int64_t> base_offset_;
  StorePartition::Updates updates_;
  std::string scratch_key_;  // Set/Delete encode the stored key here
  bool completed_ = false;
  absl::Status failure_;  // OK unless failed
};

}  // namespace sidestream::state
