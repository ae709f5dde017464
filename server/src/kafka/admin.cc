#include "kafka/admin.h"

#include <librdkafka/rdkafka.h>

#include "absl/strings/str_cat.h"

namespace sidestream::kafka {

absl::Status CreateTopic(const std::string& brokers, const std::string& topic, int partitions,
                         std::chrono::milliseconds timeout) {
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers.c_str(), err, sizeof err) != RD_KAFKA_CONF_OK) {
    rd_kafka_conf_destroy(conf);
    return absl::InvalidArgumentError(err);
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
  if (rk == nullptr) return absl::InternalError(err);
  rd_kafka_NewTopic_t* nt = rd_kafka_NewTopic_new(topic.c_str(), partitions, 1, err, sizeof err);
  rd_kafka_queue_t* q = rd_kafka_queue_new(rk);
  rd_kafka_CreateTopics(rk, &nt, 1, nullptr, q);
  rd_kafka_event_t* ev = rd_kafka_queue_poll(q, static_cast<int>(timeout.count()));
  absl::Status status = absl::OkStatus();
  if (ev == nullptr) {
    status = absl::DeadlineExceededError(absl::StrCat("creating topic '", topic, "' timed out"));
  } else {
    const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev);
    size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
    if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      status = absl::UnavailableError(rd_kafka_event_error_string(ev));
    } else if (n == 1 && rd_kafka_topic_result_error(results[0]) != RD_KAFKA_RESP_ERR_NO_ERROR &&
               rd_kafka_topic_result_error(results[0]) != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
      status = absl::UnavailableError(absl::StrCat("creating topic '", topic, "': ",
                                                   rd_kafka_topic_result_error_string(results[0])));
    }
    rd_kafka_event_destroy(ev);
  }
  rd_kafka_queue_destroy(q);
  rd_kafka_NewTopic_destroy(nt);
  rd_kafka_destroy(rk);
  return status;
}

absl::StatusOr<std::map<int32_t, int64_t>> CommittedOffsets(const std::string& brokers,
                                                            const std::string& group,
                                                            const std::string& topic,
                                                            int partitions,
                                                            std::chrono::milliseconds timeout) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", brokers, err);
  conf->set("group.id", group, err);
  std::unique_ptr<RdKafka::KafkaConsumer> c(RdKafka::KafkaConsumer::create(conf.get(), err));
  if (!c) return absl::InternalError(err);
  std::vector<RdKafka::TopicPartition*> parts;
  for (int p = 0; p < partitions; ++p) parts.push_back(RdKafka::TopicPartition::create(topic, p));
  RdKafka::ErrorCode ec = c->committed(parts, static_cast<int>(timeout.count()));
  std::map<int32_t, int64_t> out;
  for (auto* p : parts) out[p->partition()] = p->offset();
  RdKafka::TopicPartition::destroy(parts);
  c->close();
  if (ec != RdKafka::ERR_NO_ERROR) return absl::UnavailableError(RdKafka::err2str(ec));
  return out;
}

absl::StatusOr<std::map<int32_t, int64_t>> EndOffsets(const std::string& brokers,
                                                      const std::string& topic, int partitions,
                                                      std::chrono::milliseconds timeout) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", brokers, err);
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
  if (!p) return absl::InternalError(err);
  std::map<int32_t, int64_t> out;
  for (int i = 0; i < partitions; ++i) {
    int64_t low = 0, high = 0;
    RdKafka::ErrorCode ec =
        p->query_watermark_offsets(topic, i, &low, &high, static_cast<int>(timeout.count()));
    if (ec != RdKafka::ERR_NO_ERROR) return absl::UnavailableError(RdKafka::err2str(ec));
    out[i] = high;
  }
  return out;
}

}  // namespace sidestream::kafka
