#include "kafka/consumer.h"

#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace sidestream::kafka {
namespace {

std::vector<TopicPartition> ToTps(const std::vector<RdKafka::TopicPartition*>& parts) {
  std::vector<TopicPartition> out;
  out.reserve(parts.size());
  for (const auto* p : parts) out.push_back({p->topic(), p->partition()});
  return out;
}

// The status code of a per-poll consumer error. Not UNAVAILABLE: a pipeline that
// stops on one reports it in `Stopped.error`, where UNAVAILABLE means "the sidecar
// is going away, reconnect" and the client would re-register into the same error
// (e.g. auto_offset_reset="error" with no committed offset).
absl::StatusCode ConsumerErrorCode(RdKafka::ErrorCode err) {
  switch (err) {
    case RdKafka::ERR__AUTO_OFFSET_RESET:
    case RdKafka::ERR_OFFSET_OUT_OF_RANGE:
      return absl::StatusCode::kFailedPrecondition;
    case RdKafka::ERR__UNKNOWN_TOPIC:
    case RdKafka::ERR__UNKNOWN_PARTITION:
    case RdKafka::ERR_UNKNOWN_TOPIC_OR_PART:
      return absl::StatusCode::kNotFound;
    case RdKafka::ERR_TOPIC_AUTHORIZATION_FAILED:
    case RdKafka::ERR_GROUP_AUTHORIZATION_FAILED:
      return absl::StatusCode::kPermissionDenied;
    default:
      return absl::StatusCode::kInternal;
  }
}

}  // namespace

class Consumer::RebalanceCb : public RdKafka::RebalanceCb {
 public:
  explicit RebalanceCb(RebalanceListener* listener) : listener_(listener) {}
  void rebalance_cb(RdKafka::KafkaConsumer* consumer, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& partitions) override {
    const bool cooperative = consumer->rebalance_protocol() == "COOPERATIVE";
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      RdKafka::Error* e = nullptr;
      RdKafka::ErrorCode ec = RdKafka::ERR_NO_ERROR;
      if (cooperative) {
        e = consumer->incremental_assign(partitions);
      } else {
        ec = consumer->assign(partitions);
      }
      if (e != nullptr) {
        SS_LOG(kError, "consumer.assign_failed").Kv("error", e->str());
        delete e;
      } else if (ec != RdKafka::ERR_NO_ERROR) {
        SS_LOG(kError, "consumer.assign_failed").Kv("error", RdKafka::err2str(ec));
      }
      listener_->OnAssigned(ToTps(partitions));
      return;
    }
    // Revoke (or lost).
    if (consumer->assignment_lost()) {
      listener_->OnLost(ToTps(partitions));
    } else {
      listener_->OnRevoking(ToTps(partitions));
    }
    if (cooperative) {
      if (RdKafka::Error* e = consumer->incremental_unassign(partitions)) {
        SS_LOG(kError, "consumer.unassign_failed").Kv("error", e->str());
        delete e;
      }
    } else {
      consumer->unassign();
    }
  }

 private:
  RebalanceListener* listener_;
};

class Consumer::EventCb : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override {
    switch (event.type()) {
      case RdKafka::Event::EVENT_ERROR:
        // Transport errors are retried by librdkafka; they surface to the
        // client only when fatal.
        SS_LOG(kWarning, "kafka.error")
            .Kv("error", RdKafka::err2str(event.err()))
            .Kv("detail", event.str())
            .Kv("fatal", event.fatal());
        break;
      case RdKafka::Event::EVENT_LOG:
        if (event.severity() <= RdKafka::Event::EVENT_SEVERITY_WARNING) {
          SS_LOG(kWarning, "kafka.log").Kv("facility", event.fac()).Kv("message", event.str());
        }
        break;
      default:
        break;
    }
  }
};

// Records the first failed commit; runs on the loop thread inside PollBatch
// (and inside Commit for the synchronous ones, whose error Commit returns too).
class Consumer::CommitCb : public RdKafka::OffsetCommitCb {
 public:
  void offset_commit_cb(RdKafka::ErrorCode err, std::vector<RdKafka::TopicPartition*>& offsets) override {
    if (!first_error_.ok()) return;
    if (err != RdKafka::ERR_NO_ERROR && err != RdKafka::ERR__NO_OFFSET) {
      first_error_ = absl::UnavailableError(absl::StrCat("offset commit failed: ", RdKafka::err2str(err)));
      return;
    }
    for (const auto* p : offsets) {
      if (p->err() != RdKafka::ERR_NO_ERROR) {
        first_error_ = absl::UnavailableError(absl::StrCat("offset commit failed: ", p->topic(), "[",
                                                           p->partition(), "]: ", RdKafka::err2str(p->err())));
        return;
      }
    }
  }
  absl::Status Take() { return std::exchange(first_error_, absl::OkStatus()); }

 private:
  absl::Status first_error_;
};

absl::StatusOr<std::unique_ptr<Consumer>> Consumer::Create(const ConsumerOptions& options,
                                                           RebalanceListener* listener) {
  if (auto s = RefuseReservedConsumerKeys(options.extra); !s.ok()) return s;
  std::string reset = options.auto_offset_reset.empty() ? "latest" : options.auto_offset_reset;
  if (reset != "earliest" && reset != "latest" && reset != "error") {
    return absl::InvalidArgumentError(absl::StrCat(
        "auto_offset_reset: '", reset, "' is not one of earliest, latest, error"));
  }
  std::string strategy = options.assignment_strategy.empty() ? "range" : options.assignment_strategy;
  if (strategy != "range" && strategy != "roundrobin" && strategy != "cooperative-sticky") {
    return absl::InvalidArgumentError(absl::StrCat(
        "assignment_strategy: '", strategy, "' is not one of range, roundrobin, cooperative-sticky"));
  }
  // Larger fetches than librdkafka's 1 MiB per partition: the loop was measured
  // waiting on fetches ~85% of the time at 1 MiB (bench/RESULTS.md). A smaller
  // prefetch queue than librdkafka's 64 MiB per partition: it is what bounds
  // the sidecar's memory while a client is slow (pausing a partition does not
  // free what was prefetched), about partitions x (queue + one fetch).
  // Clients may override all three.
  Settings settings = {{"max.partition.fetch.bytes", "8388608"},
                       {"fetch.max.bytes", "67108864"},
                       {"queued.max.messages.kbytes", "8192"}};
  for (const auto& [k, v] : options.extra) settings[k] = v;
  settings["bootstrap.servers"] = options.brokers;
  settings["group.id"] = options.group_id;
  settings["auto.offset.reset"] = reset;
  settings["partition.assignment.strategy"] = strategy;
  settings["enable.auto.commit"] = "false";
  settings["enable.auto.offset.store"] = "false";
  settings["enable.partition.eof"] = "false";
  auto conf = BuildConf(settings, "consumer_extra_config");
  if (!conf.ok()) return conf.status();

  auto c = std::unique_ptr<Consumer>(new Consumer());
  c->rebalance_cb_ = std::make_unique<RebalanceCb>(listener);
  c->event_cb_ = std::make_unique<EventCb>();
  c->commit_cb_ = std::make_unique<CommitCb>();
  std::string err;
  if ((*conf)->set("rebalance_cb", c->rebalance_cb_.get(), err) != RdKafka::Conf::CONF_OK ||
      (*conf)->set("event_cb", c->event_cb_.get(), err) != RdKafka::Conf::CONF_OK ||
      (*conf)->set("offset_commit_cb", c->commit_cb_.get(), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("setting consumer callbacks: ", err));
  }
  c->consumer_.reset(RdKafka::KafkaConsumer::create(conf->get(), err));
  if (!c->consumer_) return absl::InvalidArgumentError(absl::StrCat("creating consumer: ", err));
  return c;
}

Consumer::~Consumer() { (void)Close(); }

absl::Status Consumer::Subscribe(const std::string& topic) {
  RdKafka::ErrorCode err = consumer_->subscribe({topic});
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::InvalidArgumentError(
        absl::StrCat("subscribing to '", topic, "': ", RdKafka::err2str(err)));
  }
  return absl::OkStatus();
}

PollResult Consumer::PollBatch(size_t max_messages, std::chrono::milliseconds timeout) {
  PollResult out;
  int wait_ms = static_cast<int>(timeout.count());
  while (out.messages.size() < max_messages) {
    std::unique_ptr<RdKafka::Message> m(consumer_->consume(wait_ms));
    wait_ms = 0;  // after the first message, take only what is already here
    switch (m->err()) {
      case RdKafka::ERR_NO_ERROR: {
        ConsumedMessage& cm = out.messages.emplace_back();
        cm.tp = {m->topic_name(), m->partition()};
        cm.offset = m->offset();
        if (m->key_pointer() != nullptr) {
          cm.has_key = true;
          cm.key.assign(static_cast<const char*>(m->key_pointer()), m->key_len());
        }
        if (m->payload() != nullptr) {
          cm.has_value = true;
          cm.value.assign(static_cast<const char*>(m->payload()), m->len());
        }
        RdKafka::MessageTimestamp ts = m->timestamp();
        cm.timestamp_type = ts.type == RdKafka::MessageTimestamp::MSG_TIMESTAMP_CREATE_TIME ? 1
                            : ts.type == RdKafka::MessageTimestamp::MSG_TIMESTAMP_LOG_APPEND_TIME ? 2 : 0;
        cm.timestamp_ms = cm.timestamp_type == 0 ? 0 : ts.timestamp;
        if (RdKafka::Headers* h = m->headers()) {
          for (const auto& hd : h->get_all()) {
            ConsumedMessage::Header& oh = cm.headers.emplace_back();
            oh.key = hd.key();
            if (hd.value() != nullptr) {
              oh.has_value = true;
              oh.value.assign(static_cast<const char*>(hd.value()), hd.value_size());
            }
          }
        }
        break;
      }
      case RdKafka::ERR__TIMED_OUT:
      case RdKafka::ERR__PARTITION_EOF:
        return out;
      default: {
        absl::Status s(ConsumerErrorCode(m->err()), absl::StrCat(
            "consumer error", m->topic_name().empty() ? "" : " on topic '" + m->topic_name() + "'",
            ": ", m->errstr()));
        std::string fatal_err;
        if (m->err() == RdKafka::ERR__FATAL) {
          consumer_->fatal_error(fatal_err);
          out.fatal = absl::UnavailableError(absl::StrCat("fatal consumer error: ", fatal_err));
          return out;
        }
        out.errors.push_back(std::move(s));
        return out;
      }
    }
  }
  return out;
}

absl::Status Consumer::Commit(const std::vector<PartitionOffset>& offsets) {
  if (offsets.empty()) return absl::OkStatus();
  std::vector<RdKafka::TopicPartition*> parts;
  parts.reserve(offsets.size());
  for (const auto& po : offsets) {
    parts.push_back(RdKafka::TopicPartition::create(po.tp.topic, po.tp.partition, po.offset));
  }
  RdKafka::ErrorCode err = consumer_->commitSync(parts);
  std::string detail;
  for (auto* p : parts) {
    if (p->err() != RdKafka::ERR_NO_ERROR && detail.empty()) {
      detail = absl::StrCat(p->topic(), "[", p->partition(), "]: ", RdKafka::err2str(p->err()));
    }
  }
  RdKafka::TopicPartition::destroy(parts);
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("offset commit failed: ", RdKafka::err2str(err),
                                               detail.empty() ? "" : " (" + detail + ")"));
  }
  if (!detail.empty()) return absl::UnavailableError(absl::StrCat("offset commit failed: ", detail));
  return absl::OkStatus();
}

absl::Status Consumer::CommitAsync(const std::vector<PartitionOffset>& offsets) {
  if (offsets.empty()) return absl::OkStatus();
  std::vector<RdKafka::TopicPartition*> parts;
  parts.reserve(offsets.size());
  for (const auto& po : offsets) {
    parts.push_back(RdKafka::TopicPartition::create(po.tp.topic, po.tp.partition, po.offset));
  }
  RdKafka::ErrorCode err = consumer_->commitAsync(parts);
  RdKafka::TopicPartition::destroy(parts);
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("offset commit failed: ", RdKafka::err2str(err)));
  }
  return absl::OkStatus();
}

absl::Status Consumer::TakeAsyncCommitError() { return commit_cb_->Take(); }

namespace {

absl::Status PauseOrResume(RdKafka::KafkaConsumer* consumer, const std::vector<TopicPartition>& partitions,
                           bool pause) {
  if (partitions.empty()) return absl::OkStatus();
  std::vector<RdKafka::TopicPartition*> parts;
  parts.reserve(partitions.size());
  for (const auto& tp : partitions) parts.push_back(RdKafka::TopicPartition::create(tp.topic, tp.partition));
  RdKafka::ErrorCode err = pause ? consumer->pause(parts) : consumer->resume(parts);
  RdKafka::TopicPartition::destroy(parts);
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::InternalError(absl::StrCat(pause ? "pausing" : "resuming", " partitions: ", RdKafka::err2str(err)));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status Consumer::Pause(const std::vector<TopicPartition>& partitions) {
  return PauseOrResume(consumer_.get(), partitions, true);
}

absl::Status Consumer::Resume(const std::vector<TopicPartition>& partitions) {
  return PauseOrResume(consumer_.get(), partitions, false);
}

int64_t Consumer::CachedLag() {
  int64_t lag = 0;
  for (const auto& [tp, l] : CachedLagPerPartition()) lag += l;
  return lag;
}

std::map<TopicPartition, int64_t> Consumer::CachedLagPerPartition() {
  std::map<TopicPartition, int64_t> out;
  std::vector<RdKafka::TopicPartition*> parts;
  if (consumer_->assignment(parts) != RdKafka::ERR_NO_ERROR) return out;
  consumer_->position(parts);
  for (auto* p : parts) {
    int64_t low = 0, high = 0;
    int64_t lag = 0;
    if (consumer_->get_watermark_offsets(p->topic(), p->partition(), &low, &high) ==
            RdKafka::ERR_NO_ERROR &&
        high >= 0 && p->offset() >= 0 && high > p->offset()) {
      lag = high - p->offset();
    }
    out[{p->topic(), p->partition()}] = lag;
  }
  RdKafka::TopicPartition::destroy(parts);
  return out;
}

absl::Status Consumer::Close() {
  if (closed_ || !consumer_) return absl::OkStatus();
  closed_ = true;
  RdKafka::ErrorCode err = consumer_->close();
  if (err != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("consumer close: ", RdKafka::err2str(err)));
  }
  return absl::OkStatus();
}

absl::Status CheckBrokerReachable(const std::string& brokers, const Settings& extra,
                                  std::chrono::milliseconds timeout) {
  Settings settings;
  // Security settings (SASL/SSL) from the client's config are needed to reach
  // the broker at all; everything else stays default.
  for (const auto& [k, v] : extra) {
    if (k.rfind("security.", 0) == 0 || k.rfind("sasl.", 0) == 0 || k.rfind("ssl.", 0) == 0) {
      settings[k] = v;
    }
  }
  settings["bootstrap.servers"] = brokers;
  settings["log_level"] = "0";  // the error is reported below; don't spam logs
  auto conf = BuildConf(settings, "broker settings");
  if (!conf.ok()) return conf.status();
  std::string err;
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf->get(), err));
  if (!p) return absl::InvalidArgumentError(absl::StrCat("broker settings: ", err));
  RdKafka::Metadata* md = nullptr;
  RdKafka::ErrorCode ec = p->metadata(true, nullptr, &md, static_cast<int>(timeout.count()));
  std::unique_ptr<RdKafka::Metadata> owned(md);
  if (ec != RdKafka::ERR_NO_ERROR) {
    return absl::UnavailableError(absl::StrCat("Kafka broker ", brokers, " unreachable: ",
                                               RdKafka::err2str(ec), " after ",
                                               timeout.count(), " ms"));
  }
  return absl::OkStatus();
}

}  // namespace sidestream::kafka
