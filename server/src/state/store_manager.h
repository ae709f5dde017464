// The state stores of one pipeline (the seed's StateStoreManager): which
// stores each input topic has, the store partitions open for the assigned
// topic partitions, and transactions on them.
//
// Databases live at
//   <options.root>/<client state_dir>/<consumer group>/<store>/<topic>/<partition>/
// (see paths.h); the whole path is confined below options.root.
//
// Rebalances: OnAssign opens a partition of every store registered for the
// topic; OnRevoke closes them (the caller flushes first); OnLost closes them
// without flushing — an open transaction fails — and keeps the data unless
// options.destroy_on_lost.
//
// Threading: not thread-safe. Everything runs on the pipeline loop thread,
// where rebalance callbacks run too. Transactions and StorePartition pointers
// handed out borrow from the manager and must not outlive it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "state/options.h"
#include "state/partition_transaction.h"
#include "state/store_partition.h"

namespace sidestream::state {

// The store used when none is named (the seed's "default").
inline constexpr char kDefaultStoreName[] = "default";

class StoreManager {
 public:
  // `client_state_dir`: the application's relative state_dir (REQUIRES:
  // non-empty, relative, no ".."); `consumer_group`: the pipeline's group.
  // Validates the options and creates the confined directory.
  // Errors: INVALID_ARGUMENT for bad options, names or a path escaping the
  // root; INTERNAL for filesystem errors.
  static absl::StatusOr<std::unique_ptr<StoreManager>> Create(const StateOptions& options,
                                                              absl::string_view client_state_dir,
                                                              absl::string_view consumer_group);

  // Closes every open partition.
  ~StoreManager();
  StoreManager(const StoreManager&) = delete;
  StoreManager& operator=(const StoreManager&) = delete;

  // Declares store `store` for input topic `topic`; each pair once.
  // REQUIRES: no partition of `topic` is assigned yet.
  // Errors: ALREADY_EXISTS; INVALID_ARGUMENT for names unusable in a path;
  // FAILED_PRECONDITION when a partition of the topic is assigned.
  absl::Status RegisterStore(absl::string_view topic, absl::string_view store = kDefaultStoreName);

  // Opens the partition of every store registered for `topic`. Assigning an
  // open partition again is a no-op. On error none stays opened by this call.
  // Errors: those of StorePartition::Open.
  absl::Status OnAssign(absl::string_view topic, int32_t partition);
  // Closes the topic partition's store partitions (an open transaction
  // fails). Not assigned: no-op.
  absl::Status OnRevoke(absl::string_view topic, int32_t partition);
  // Like OnRevoke; deletes the databases too when options.destroy_on_lost.
  absl::Status OnLost(absl::string_view topic, int32_t partition);

  // Starts a transaction on an assigned store partition.
  // Errors: NOT_FOUND when the store is not registered for the topic;
  // FAILED_PRECONDITION when the partition is not assigned or already has an
  // active transaction.
  absl::StatusOr<std::unique_ptr<PartitionTransaction>> Begin(
      absl::string_view topic, int32_t partition, absl::string_view store = kDefaultStoreName);

  // The open store partition, or null when not assigned. Borrowed.
  StorePartition* GetPartition(absl::string_view topic, int32_t partition,
                               absl::string_view store = kDefaultStoreName) const;

  // Deletes all of this pipeline's state (the seed's Application.clear_state):
  // the directory <client state_dir>/<consumer group>.
  // Errors: FAILED_PRECONDITION while any partition is open.
  absl::Status ClearAll();

  // Closes every open partition. The manager can be assigned again after.
  absl::Status Close();

  // <root>/<client state_dir>/<consumer group>, canonical.
  const std::filesystem::path& group_dir() const { return group_dir_; }
  // Number of open store partitions.
  size_t open_partition_count() const { return partitions_.size(); }

 private:
  // (topic, partition, store)
  using PartitionKey = std::tuple<std::string, int32_t, std::string>;

  StoreManager(StateOptions options, std::shared_ptr<const rocksdb::Options> db_options,
               std::filesystem::path client_dir, std::string group,
               const std::string& escaped_group)
      : options_(std::move(options)),
        db_options_(std::move(db_options)),
        client_dir_(std::move(client_dir)),
        group_(std::move(group)),
        group_dir_(client_dir_ / escaped_group) {}

  absl::Status CloseTopicPartition(absl::string_view topic, int32_t partition, bool destroy);
  bool IsTopicAssigned(absl::string_view topic) const;

  // Constant after construction.
  const StateOptions options_;
  const std::shared_ptr<const rocksdb::Options> db_options_;
  const std::filesystem::path client_dir_;  // canonical, confined
  const std::string group_;                 // as given; escaped in paths
  const std::filesystem::path group_dir_;

  std::map<std::string, std::set<std::string>, std::less<>> stores_;  // topic -> stores
  std::map<PartitionKey, std::unique_ptr<StorePartition>> partitions_;
};

}  // namespace sidestream::state
