#include "kafka/config.h"

#include "absl/strings/str_cat.h"

namespace sidestream::kafka {

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> BuildConf(const Settings& settings,
                                                         const std::string& origin) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  for (const auto& [key, value] : settings) {
    if (conf->set(key, value, err) != RdKafka::Conf::CONF_OK) {
      return absl::InvalidArgumentError(
          absl::StrCat(origin, ": invalid setting '", key, "'='", value, "': ", err));
    }
  }
  return conf;
}

namespace {
absl::Status Refuse(const Settings& extra, std::initializer_list<const char*> keys,
                    absl::string_view origin) {
  for (const char* k : keys) {
    if (extra.contains(k)) {
      return absl::InvalidArgumentError(absl::StrCat(
          origin, ": setting '", k,
          "' is managed by the sidecar (its at-least-once guarantee depends on it) and cannot be overridden"));
    }
  }
  return absl::OkStatus();
}
}  // namespace

absl::Status RefuseReservedConsumerKeys(const Settings& extra) {
  return Refuse(extra,
                {"enable.auto.commit", "enable.auto.offset.store", "group.id", "bootstrap.servers",
                 "enable.partition.eof", "rebalance_cb", "offset_commit_cb"},
                "consumer_extra_config");
}

absl::Status RefuseReservedProducerKeys(const Settings& extra) {
  return Refuse(extra, {"bootstrap.servers", "dr_cb", "dr_msg_cb"}, "producer_extra_config");
}

}  // namespace sidestream::kafka
