// Small synchronous admin helpers over librdkafka (create topics, read
// committed offsets and end offsets). Used by tools and integration tests.
// Stateless functions; thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "kafka/consumer.h"

namespace sidestream::kafka {

// Creates `topic` with `partitions` partitions (replication 1). An existing
// topic is not an error.
absl::Status CreateTopic(const std::string& brokers, const std::string& topic, int partitions,
                         std::chrono::milliseconds timeout);

// Committed next-offsets of `group` for each partition of `topic` (-1001 when
// nothing is committed).
absl::StatusOr<std::map<int32_t, int64_t>> CommittedOffsets(const std::string& brokers,
                                                            const std::string& group,
                                                            const std::string& topic,
                                                            int partitions,
                                                            std::chrono::milliseconds timeout);

// High watermarks (end offsets) of each partition of `topic`.
absl::StatusOr<std::map<int32_t, int64_t>> EndOffsets(const std::string& brokers,
                                                      const std::string& topic, int partitions,
                                                      std::chrono::milliseconds timeout);

}  // namespace sidestream::kafka
