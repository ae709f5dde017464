#include "state/store_partition.h"

#include <system_error>
#include <thread>

#include "absl/strings/str_cat.h"
#include "common/log.h"
#include "common/status_macros.h"
#include "rocksdb/db.h"
#include "rocksdb/write_batch.h"
#include "state/key_codec.h"
#include "state/partition_transaction.h"
#include "state/rocksdb_options.h"

namespace sidestream::state {
namespace {

namespace fs = std::filesystem;

constexpr char kMetadataColumnFamily[] = "__metadata";
constexpr char kProcessedOffsetKey[] = "processed_offset";

}  // namespace

absl::StatusOr<std::unique_ptr<StorePartition>> StorePartition::Open(
    const fs::path& path, const StateOptions& options,
    std::shared_ptr<const rocksdb::Options> db_options) {
  if (path.empty()) return absl::InvalidArgumentError("state partition path is empty");
  if (db_options == nullptr) {
    SS_ASSIGN_OR_RETURN(db_options, internal::BuildRocksDbOptions(options.rocksdb));
  }
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot create state directory '", path.string(), "': ", ec.message()));
  }

  const rocksdb::ColumnFamilyOptions cf_options(*db_options);
  const std::vector<rocksdb::ColumnFamilyDescriptor> families = {
      {rocksdb::kDefaultColumnFamilyName, cf_options}, {kMetadataColumnFamily, cf_options}};
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  for (int attempt = 0;; ++attempt) {
    rocksdb::Status s =
        rocksdb::DB::Open(rocksdb::DBOptions(*db_options), path.string(), families, &handles, &db);
    if (s.ok()) break;
    const std::string context = absl::StrCat("cannot open state database '", path.string(), "'");
    if (!internal::IsLockError(s)) return internal::FromRocksDb(s, context);
    if (attempt >= options.open_max_retries) {
      return absl::UnavailableError(absl::StrCat(
          context, ": it is locked (by another process, or still open in this one) after ",
          attempt + 1, " attempts: ", s.ToString()));
    }
    SS_LOG(kWarning, "state.open_locked")
        .Kv("path", path.string())
        .Kv("attempt", attempt + 1)
        .Kv("retry_in_ms", static_cast<int64_t>(options.open_retry_backoff.count()));
    std::this_thread::sleep_for(options.open_retry_backoff);
  }

  std::unique_ptr<StorePartition> partition(new StorePartition(path, options.sync_writes));
  partition->db_ = db;
  partition->data_cf_ = handles[0];
  partition->metadata_cf_ = handles[1];

  std::string raw;
  rocksdb::Status s =
      db->Get(rocksdb::ReadOptions(), partition->metadata_cf_, kProcessedOffsetKey, &raw);
  if (s.ok()) {
    absl::StatusOr<int64_t> offset = DecodeOffset(raw);
    if (!offset.ok()) {
      return absl::DataLossError(
          absl::StrCat("state database '", path.string(), "': ", offset.status().message()));
    }
    partition->processed_offset_ = *offset;
  } else if (!s.IsNotFound()) {
    return internal::FromRocksDb(
        s, absl::StrCat("cannot read the processed offset of '", path.string(), "'"));
  }
  SS_LOG(kDebug, "state.partition_opened")
      .Kv("path", path.string())
      .Kv("processed_offset", partition->processed_offset_.value_or(-1));
  return partition;
}

StorePartition::~StorePartition() {
  absl::Status s = Close();
  if (!s.ok()) {
    SS_LOG(kWarning, "state.close_failed").Kv("path", path_.string()).Kv("error", s.ToString());
  }
}

absl::StatusOr<std::unique_ptr<PartitionTransaction>> StorePartition::Begin() {
  if (db_ == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("state partition '", path_.string(), "' is closed"));
  }
  if (active_ != nullptr) {
    return absl::FailedPreconditionError(absl::StrCat(
        "state partition '", path_.string(), "' already has an active transaction"));
  }
  std::unique_ptr<PartitionTransaction> txn(new PartitionTransaction(this));
  active_ = txn.get();
  return txn;
}

absl::Status StorePartition::Close() {
  if (db_ == nullptr) return absl::OkStatus();
  if (active_ != nullptr) {
    PartitionTransaction* txn = active_;
    active_ = nullptr;
    txn->Detach();
  }
  rocksdb::Status s = db_->DestroyColumnFamilyHandle(data_cf_);
  rocksdb::Status m = db_->DestroyColumnFamilyHandle(metadata_cf_);
  rocksdb::Status c = db_->Close();
  delete db_;
  db_ = nullptr;
  data_cf_ = metadata_cf_ = nullptr;
  for (const rocksdb::Status* st : {&s, &m, &c}) {
    if (!st->ok()) {
      return internal::FromRocksDb(
          *st, absl::StrCat("closing state database '", path_.string(), "'"));
    }
  }
  return absl::OkStatus();
}

absl::Status StorePartition::Destroy() {
  absl::Status closed = Close();
  absl::Status removed = DestroyAt(path_);
  SS_LOG(kInfo, "state.partition_destroyed").Kv("path", path_.string());
  return removed.ok() ? closed : removed;
}

absl::Status StorePartition::DestroyAt(const fs::path& path) {
  std::error_code ec;
  fs::remove_all(path, ec);
  if (ec) {
    return absl::InternalError(
        absl::StrCat("cannot delete state database '", path.string(), "': ", ec.message()));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> StorePartition::Read(const std::string& stored_key) {
  if (!injected_.ok()) return std::exchange(injected_, absl::OkStatus());
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), data_cf_, stored_key, &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) {
    return internal::FromRocksDb(s, absl::StrCat("state read in '", path_.string(), "'"));
  }
  return value;
}

absl::Status StorePartition::Write(const Updates& updates,
                                   std::optional<int64_t> processed_offset) {
  if (!injected_.ok()) return std::exchange(injected_, absl::OkStatus());
  rocksdb::WriteBatch batch;
  for (const auto& [key, value] : updates) {
    rocksdb::Status s =
        value.has_value() ? batch.Put(data_cf_, key, *value) : batch.Delete(data_cf_, key);
    if (!s.ok()) {
      return internal::FromRocksDb(s, absl::StrCat("state batch for '", path_.string(), "'"));
    }
  }
  if (processed_offset.has_value()) {
    rocksdb::Status s =
        batch.Put(metadata_cf_, kProcessedOffsetKey, EncodeOffset(*processed_offset));
    if (!s.ok()) {
      return internal::FromRocksDb(s, absl::StrCat("state batch for '", path_.string(), "'"));
    }
  }
  rocksdb::WriteOptions write_options;
  write_options.sync = sync_writes_;
  rocksdb::Status s = db_->Write(write_options, &batch);
  if (!s.ok()) {
    return internal::FromRocksDb(s, absl::StrCat("state write to '", path_.string(), "'"));
  }
  if (processed_offset.has_value()) processed_offset_ = processed_offset;
  return absl::OkStatus();
}

void StorePartition::Release(const PartitionTransaction* txn) {
  if (active_ == txn) active_ = nullptr;
}

}  // namespace sidestream::state
