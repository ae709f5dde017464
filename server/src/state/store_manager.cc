#include "state/store_manager.h"

#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "state/paths.h"
#include "state/rocksdb_options.h"

namespace sidestream::state {

namespace fs = std::filesystem;

absl::StatusOr<std::unique_ptr<StoreManager>> StoreManager::Create(
    const StateOptions& options, absl::string_view client_state_dir,
    absl::string_view consumer_group) {
  SS_RETURN_IF_ERROR(ValidateStateOptions(options));
  SS_ASSIGN_OR_RETURN(std::shared_ptr<const rocksdb::Options> db_options,
                      internal::BuildRocksDbOptions(options.rocksdb));
  SS_ASSIGN_OR_RETURN(std::string escaped_group, EscapeName(consumer_group));
  SS_ASSIGN_OR_RETURN(fs::path client_dir,
                      ConfinedDir(options.root, fs::path(std::string(client_state_dir))));
  return std::unique_ptr<StoreManager>(
      new StoreManager(options, std::move(db_options), std::move(client_dir),
                       std::string(consumer_group), escaped_group));
}

StoreManager::~StoreManager() {
  absl::Status s = Close();
  if (!s.ok()) {
    SS_LOG(kWarning, "state.close_failed").Kv("dir", group_dir_.string()).Kv("error", s.ToString());
  }
}

bool StoreManager::IsTopicAssigned(absl::string_view topic) const {
  for (const auto& [key, partition] : partitions_) {
    if (std::get<0>(key) == topic) return true;
  }
  return false;
}

absl::Status StoreManager::RegisterStore(absl::string_view topic, absl::string_view store) {
  SS_RETURN_IF_ERROR(EscapeName(topic).status());
  SS_RETURN_IF_ERROR(EscapeName(store).status());
  if (IsTopicAssigned(topic)) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot register store '", store, "' for topic '", topic, "': it has assigned partitions"));
  }
  auto& stores = stores_[std::string(topic)];
  if (!stores.emplace(store).second) {
    return absl::AlreadyExistsError(
        absl::StrCat("store '", store, "' is already registered for topic '", topic, "'"));
  }
  return absl::OkStatus();
}

absl::Status StoreManager::OnAssign(absl::string_view topic, int32_t partition) {
  auto it = stores_.find(topic);
  if (it == stores_.end()) return absl::OkStatus();
  std::vector<PartitionKey> opened;
  absl::Status status;
  for (const std::string& store : it->second) {
    PartitionKey key{std::string(topic), partition, store};
    if (partitions_.count(key) > 0) continue;
    absl::StatusOr<fs::path> rel = PartitionRelativePath(group_, store, topic, partition);
    absl::StatusOr<fs::path> dir = rel.ok() ? ConfinedDir(client_dir_, *rel) : rel;
    if (!dir.ok()) {
      status = dir.status();
      break;
    }
    absl::StatusOr<std::unique_ptr<StorePartition>> sp =
        StorePartition::Open(*dir, options_, db_options_);
    if (!sp.ok()) {
      status = sp.status();
      break;
    }
    SS_LOG(kInfo, "state.partition_assigned")
        .Kv("topic", topic)
        .Kv("partition", partition)
        .Kv("store", store)
        .Kv("processed_offset", (*sp)->GetProcessedOffset().value_or(-1));
    partitions_.emplace(key, std::move(*sp));
    opened.push_back(std::move(key));
  }
  if (!status.ok()) {
    for (const PartitionKey& key : opened) partitions_.erase(key);
  }
  return status;
}

absl::Status StoreManager::CloseTopicPartition(absl::string_view topic, int32_t partition,
                                               bool destroy) {
  absl::Status first;
  for (auto it = partitions_.begin(); it != partitions_.end();) {
    if (std::get<0>(it->first) != topic || std::get<1>(it->first) != partition) {
      ++it;
      continue;
    }
    absl::Status s = destroy ? it->second->Destroy() : it->second->Close();
    if (first.ok()) first = s;
    SS_LOG(kInfo, destroy ? "state.partition_dropped" : "state.partition_closed")
        .Kv("topic", topic)
        .Kv("partition", partition)
        .Kv("store", std::get<2>(it->first));
    it = partitions_.erase(it);
  }
  return first;
}

absl::Status StoreManager::OnRevoke(absl::string_view topic, int32_t partition) {
  return CloseTopicPartition(topic, partition, /*destroy=*/false);
}

absl::Status StoreManager::OnLost(absl::string_view topic, int32_t partition) {
  return CloseTopicPartition(topic, partition, options_.destroy_on_lost);
}

absl::StatusOr<std::unique_ptr<PartitionTransaction>> StoreManager::Begin(absl::string_view topic,
                                                                          int32_t partition,
                                                                          absl::string_view store) {
  auto it = stores_.find(topic);
  if (it == stores_.end() || it->second.count(std::string(store)) == 0) {
    return absl::NotFoundError(
        absl::StrCat("no store '", store, "' is registered for topic '", topic, "'"));
  }
  StorePartition* sp = GetPartition(topic, partition, store);
  if (sp == nullptr) {
    return absl::FailedPreconditionError(absl::StrCat("store '", store, "' partition ", topic, "[",
                                                      partition, "] is not assigned"));
  }
  return sp->Begin();
}

StorePartition* StoreManager::GetPartition(absl::string_view topic, int32_t partition,
                                           absl::string_view store) const {
  auto it = partitions_.find(PartitionKey{std::string(topic), partition, std::string(store)});
  return it == partitions_.end() ? nullptr : it->second.get();
}

absl::Status StoreManager::ClearAll() {
  if (!partitions_.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot clear state while ", partitions_.size(), " store partitions are open"));
  }
  std::error_code ec;
  fs::remove_all(group_dir_, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot delete state directory '", group_dir_.string(), "': ", ec.message()));
  }
  SS_LOG(kInfo, "state.cleared").Kv("dir", group_dir_.string());
  return absl::OkStatus();
}

absl::Status StoreManager::Close() {
  absl::Status first;
  for (auto& [key, partition] : partitions_) {
    absl::Status s = partition->Close();
    if (first.ok()) first = s;
  }
  partitions_.clear();
  return first;
}

}  // namespace sidestream::state
