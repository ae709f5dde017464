// RAII wrapper of a librdkafka producer with delivery tracking.
//
// Thread-safety: Produce, Poll and Flush may be called from any thread, but
// the runtime uses one producer per pipeline from its loop thread only.
// Delivery reports run inside Poll/Flush on the calling thread.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "kafka/config.h"

namespace sidestream::kafka {

struct ProducerOptions {
  // REQUIRES: non-empty. bootstrap.servers.
  std::string brokers;
  // librdkafka partitioner name. Default: "murmur2" (the seed's default).
  std::string partitioner = "murmur2";
  // Passed to librdkafka as they are (reserved keys refused).
  Settings extra;
};

struct OutHeader {
  std::string key;
  std::optional<std::string> value;
};

class Producer {
 public:
  static absl::StatusOr<std::unique_ptr<Producer>> Create(const ProducerOptions& options);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Enqueues one message; waits (serving delivery reports) while the local
  // queue is full. Errors: the librdkafka error (e.g. unknown topic).
  absl::Status Produce(const std::string& topic, const std::optional<std::string>& key,
                       const std::optional<std::string>& value,
                       const std::vector<OutHeader>& headers);
  // Serves delivery reports without waiting.
  void Poll();
  // Waits until every enqueued message is delivered or failed, at most
  // `timeout`. Returns the first delivery error since the previous Flush
  // (then forgets it), or DEADLINE_EXCEEDED.
  absl::Status Flush(std::chrono::milliseconds timeout);
  // Sends what the producer holds now instead of after linger.ms: waits up to
  // `timeout` for deliveries (librdkafka lifts the linger only while a flush
  // lasts). Unlike Flush, takes no delivery error: the next Flush reports it.
  void Nudge(std::chrono::milliseconds timeout);
  // Messages enqueued but not yet delivered.
  int OutstandingCount() const;
  uint64_t delivered_count() const;

 private:
  class DeliveryCb;
  Producer() = default;

  std::unique_ptr<DeliveryCb> delivery_cb_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

}  // namespace sidestream::kafka
