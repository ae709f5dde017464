#include "state/partition_transaction.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "state/key_codec.h"

namespace sidestream::state {

PartitionTransaction::~PartitionTransaction() {
  if (partition_ != nullptr) partition_->Release(this);
}

absl::Status PartitionTransaction::CheckActive() const {
  if (!failure_.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("state transaction failed and cannot be reused: ", failure_.message()));
  }
  if (completed_) {
    return absl::FailedPreconditionError("state transaction is already completed");
  }
  return absl::OkStatus();
}

void PartitionTransaction::Fail(absl::Status why) {
  failure_ = std::move(why);
  updates_.clear();
  if (partition_ != nullptr) {
    partition_->Release(this);
    partition_ = nullptr;
  }
}

void PartitionTransaction::Detach() {
  partition_ = nullptr;  // the partition already forgot us
  if (failure_.ok() && !completed_) {
    Fail(absl::AbortedError("the state partition was closed before the transaction completed"));
  }
}

absl::StatusOr<std::optional<std::string>> PartitionTransaction::Get(absl::string_view prefix,
                                                                     absl::string_view key) {
  SS_RETURN_IF_ERROR(CheckActive());
  const std::string stored = EncodeStateKey(prefix, key);
  if (auto it = updates_.find(stored); it != updates_.end()) return it->second;
  absl::StatusOr<std::optional<std::string>> value = partition_->Read(stored);
  if (!value.ok()) Fail(value.status());
  return value;
}

absl::StatusOr<bool> PartitionTransaction::Exists(absl::string_view prefix,
                                                  absl::string_view key) {
  absl::StatusOr<std::optional<std::string>> value = Get(prefix, key);
  if (!value.ok()) return value.status();
  return value->has_value();
}

absl::Status PartitionTransaction::Set(absl::string_view prefix, absl::string_view key,
                                       absl::string_view value) {
  SS_RETURN_IF_ERROR(CheckActive());
  // A key is usually written again and again (a counter): encode it into a
  // reused buffer and find it, so that only a new key allocates a key string.
  EncodeStateKeyTo(prefix, key, &scratch_key_);
  if (auto it = updates_.find(scratch_key_); it != updates_.end()) {
    if (it->second.has_value()) {
      it->second->assign(value.data(), value.size());
    } else {
      it->second.emplace(value);
    }
  } else {
    updates_.emplace(scratch_key_, std::string(value));
  }
  return absl::OkStatus();
}

absl::Status PartitionTransaction::Delete(absl::string_view prefix, absl::string_view key) {
  SS_RETURN_IF_ERROR(CheckActive());
  EncodeStateKeyTo(prefix, key, &scratch_key_);
  updates_[scratch_key_] = std::nullopt;
  return absl::OkStatus();
}

absl::Status PartitionTransaction::MaybeFlush(std::optional<int64_t> processed_offset) {
  SS_RETURN_IF_ERROR(CheckActive());
  if (!updates_.empty()) {
    absl::Status s = partition_->Write(updates_, processed_offset);
    if (!s.ok()) {
      Fail(s);
      return s;
    }
    updates_.clear();
  }
  completed_ = true;
  partition_->Release(this);
  partition_ = nullptr;
  return absl::OkStatus();
}

}  // namespace sidestream::state
