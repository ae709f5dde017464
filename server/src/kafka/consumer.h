// RAII wrapper of a librdkafka KafkaConsumer in a consumer group, with manual
// offset commits (the sidecar commits only finished work) and rebalance
// events forwarded to a listener.
//
// Thread-safety: not thread-safe. Every call, and every listener callback
// (which run inside PollBatch), happens on the owning pipeline's loop thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kafka/config.h"

namespace sidestream::kafka {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

struct PartitionOffset {
  TopicPartition tp;
  // The next offset to consume (last processed + 1), as Kafka commits it.
  int64_t offset = 0;
};

// Receives group rebalance events. Called on the loop thread inside PollBatch.
class RebalanceListener {
 public:
  virtual ~RebalanceListener() = default;
  virtual void OnAssigned(const std::vector<TopicPartition>& partitions) = 0;
  // Partitions are being taken away; commit what is finished for them now.
  virtual void OnRevoking(const std::vector<TopicPartition>& partitions) = 0;
  // Partitions were lost (another member may own them already): commit nothing.
  virtual void OnLost(const std::vector<TopicPartition>& partitions) = 0;
};

struct ConsumerOptions {
  // REQUIRES: non-empty. bootstrap.servers.
  std::string brokers;
  // REQUIRES: non-empty. group.id.
  std::string group_id;
  // "earliest", "latest" or "error". Default: "latest".
  std::string auto_offset_reset = "latest";
  // "range", "roundrobin" or "cooperative-sticky". Default: "range".
  std::string assignment_strategy = "range";
  // Passed to librdkafka as they are (reserved keys refused).
  Settings extra;
};

// A consumed message: what the runtime needs of it, copied out of librdkafka.
struct ConsumedMessage {
  TopicPartition tp;
  int64_t offset = 0;
  bool has_key = false;
  std::string key;
  bool has_value = false;
  std::string value;
  int timestamp_type = 0;  // 0 none, 1 create time, 2 log append time
  int64_t timestamp_ms = 0;
  struct Header {
    std::string key;
    bool has_value = false;
    std::string value;
  };
  std::vector<Header> headers;
};

// A poll outcome: messages, or a consumer-level error to report.
struct PollResult {
  std::vector<ConsumedMessage> messages;
  // Non-fatal per-poll errors librdkafka reported (e.g. unknown topic).
  std::vector<absl::Status> errors;
  // Fatal consumer error (the consumer cannot continue).
  absl::Status fatal;
};

class Consumer {
 public:
  // `listener` must outlive the consumer.
  static absl::StatusOr<std::unique_ptr<Consumer>> Create(const ConsumerOptions& options,
                                                          RebalanceListener* listener);
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  absl::Status Subscribe(const std::string& topic);
  // Returns up to `max_messages`, waiting at most `timeout` for the first.
  PollResult PollBatch(size_t max_messages, std::chrono::milliseconds timeout);
  // Synchronously commits the given next-offsets.
  absl::Status Commit(const std::vector<PartitionOffset>& offsets);
  // Sends a commit of the given next-offsets and returns without waiting for
  // the coordinator's answer; its outcome is reported by a later PollBatch
  // (see TakeAsyncCommitError). Commits of one consumer reach the coordinator
  // in the order they were sent, so a later Commit overrides an earlier one.
  absl::Status CommitAsync(const std::vector<PartitionOffset>& offsets);
  // The first error of the asynchronous commits answered since the last
  // call (OK when none failed): the caller commits those offsets again.
  absl::Status TakeAsyncCommitError();
  // Sum over assigned partitions of (high watermark - position), from cached
  // fetch state; -1 when unknown.
  int64_t CachedLag();
  // The same per assigned partition.
  std::map<TopicPartition, int64_t> CachedLagPerPartition();
  // Stops fetching the given partitions (librdkafka drops what it prefetched
  // for them) until Resume; consumption then restarts at the position of the
  // last message returned by PollBatch.
  absl::Status Pause(const std::vector<TopicPartition>& partitions);
  absl::Status Resume(const std::vector<TopicPartition>& partitions);
  // Leaves the group. Commits nothing. Idempotent.
  absl::Status Close();

 private:
  class RebalanceCb;
  class EventCb;
  class CommitCb;
  Consumer() = default;

  std::unique_ptr<RebalanceCb> rebalance_cb_;
  std::unique_ptr<EventCb> event_cb_;
  std::unique_ptr<CommitCb> commit_cb_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  bool closed_ = false;
};

// Checks that the brokers answer a metadata request within `timeout`.
// Errors: UNAVAILABLE "Kafka broker <brokers> unreachable: ...".
absl::Status CheckBrokerReachable(const std::string& brokers, const Settings& extra,
                                  std::chrono::milliseconds timeout);

}  // namespace sidestream::kafka
