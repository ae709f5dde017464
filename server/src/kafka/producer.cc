#include "kafka/producer.h"

#include <atomic>

#include "absl/strings/str_cat.h"
#include "common/log.h"

namespace sidestream::kafka {

class Producer::DeliveryCb : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      delivered_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    if (first_error_.ok()) {
      first_error_ = absl::UnavailableError(absl::StrCat(
          "delivery to topic '", message.topic_name(), "' failed: ", message.errstr()));
    }
  }
  absl::Status TakeError() {
    std::lock_guard<std::mutex> lock(mu_);
    absl::Status s = first_error_;
    first_error_ = absl::OkStatus();
    return s;
  }
  uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }

 private:
  std::mutex mu_;
  absl::Status first_error_;  // guarded by mu_
  std::atomic<uint64_t> delivered_{0};
};

absl::StatusOr<std::unique_ptr<Producer>> Producer::Create(const ProducerOptions& options) {
  if (auto s = RefuseReservedProducerKeys(options.extra); !s.ok()) return s;
  // linger.ms 5 batches well under load (1 ms cost ~5 % native throughput,
  // bench/RESULTS.md, "Latency tail"); at light traffic the pipeline runner
  // lifts it with Nudge (PipelineOptions::nudge_below_rate). Clients may
  // override it.
  Settings settings = {
      {"enable.idempotence", "true"},  // keeps per-partition order under retries
      {"linger.ms", "5"},
  };
  for (const auto& [k, v] : options.extra) settings[k] = v;
  settings["bootstrap.servers"] = options.brokers;
  settings["partitioner"] = options.partitioner.empty() ? "murmur2" : options.partitioner;
  auto conf = BuildConf(settings, "producer_extra_config");
  if (!conf.ok()) return conf.status();

  auto p = std::unique_ptr<Producer>(new Producer());
  p->delivery_cb_ = std::make_unique<DeliveryCb>();
  std::string err;
  if ((*conf)->set("dr_cb", p->delivery_cb_.get(), err) != RdKafka::Conf::CONF_OK) {
    return absl::InternalError(absl::StrCat("setting delivery callback: ", err));
  }
  p->producer_.reset(RdKafka::Producer::create(conf->get(), err));
  if (!p->producer_) return absl::InvalidArgumentError(absl::StrCat("creating producer: ", err));
  return p;
}

Producer::~Producer() {
  if (producer_) {
    int left = producer_->outq_len();
    if (left > 0) {
      producer_->flush(5000);
      left = producer_->outq_len();
      if (left > 0) SS_LOG(kWarning, "producer.close_undelivered").Kv("messages", left);
    }
  }
}

absl::Status Producer::Produce(const std::string& topic, const std::optional<std::string>& key,
                               const std::optional<std::string>& value,
                               const std::vector<OutHeader>& headers) {
  for (;;) {
    RdKafka::Headers* hdrs = nullptr;
    if (!headers.empty()) {
      hdrs = RdKafka::Headers::create();
      for (const auto& h : headers) {
        if (h.value) {
          hdrs->add(h.key, h.value->data(), h.value->size());
        } else {
          hdrs->add(h.key, nullptr, 0);
        }
      }
    }
    RdKafka::ErrorCode err = producer_->produce(
        topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
        value ? const_cast<char*>(value->data()) : nullptr, value ? value->size() : 0,
        key ? key->data() : nullptr, key ? key->size() : 0, 0, hdrs, nullptr);
    if (err == RdKafka::ERR_NO_ERROR) return absl::OkStatus();
    delete hdrs;  // not taken over on failure
    if (err == RdKafka::ERR__QUEUE_FULL) {
      producer_->poll(10);
      continue;
    }
    return absl::UnavailableError(
        absl::StrCat("producing to topic '", topic, "': ", RdKafka::err2str(err)));
  }
}

void Producer::Poll() { producer_->poll(0); }

absl::Status Producer::Flush(std::chrono::milliseconds timeout) {
  RdKafka::ErrorCode err = producer_->flush(static_cast<int>(timeout.count()));
  absl::Status delivery = delivery_cb_->TakeError();
  if (!delivery.ok()) return delivery;
  if (err == RdKafka::ERR__TIMED_OUT) {
    return absl::DeadlineExceededError(absl::StrCat(
        "producer flush timed out with ", producer_->outq_len(), " messages undelivered"));
  }
  if (err != RdKafka::ERR_NO_ERROR) return absl::UnavailableError(RdKafka::err2str(err));
  return absl::OkStatus();
}

void Producer::Nudge(std::chrono::milliseconds timeout) {
  if (producer_->outq_len() == 0) return;
  (void)producer_->flush(static_cast<int>(timeout.count()));
}

int Producer::OutstandingCount() const { return producer_->outq_len(); }
uint64_t Producer::delivered_count() const { return delivery_cb_->delivered(); }

}  // namespace sidestream::kafka
