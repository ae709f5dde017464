// Building librdkafka configuration objects from string maps, with errors
// that name the offending key. Stateless functions; thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include <librdkafka/rdkafkacpp.h>

namespace sidestream::kafka {

using Settings = std::map<std::string, std::string>;

// Applies `settings` to a new global Conf. Errors: INVALID_ARGUMENT naming
// the key and librdkafka's reason. `origin` names where the settings came
// from in the message (e.g. "consumer_extra_config").
absl::StatusOr<std::unique_ptr<RdKafka::Conf>> BuildConf(const Settings& settings,
                                                         const std::string& origin);

// Settings the sidecar owns because its delivery guarantees depend on them;
// a client may not override them. Errors: INVALID_ARGUMENT naming the key.
absl::Status RefuseReservedConsumerKeys(const Settings& extra);
absl::Status RefuseReservedProducerKeys(const Settings& extra);

}  // namespace sidestream::kafka
