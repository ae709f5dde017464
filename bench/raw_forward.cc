// raw_forward — the physical limit for a sidestreamd pipeline on this broker:
// a plain librdkafka consume → produce loop that forwards each message's key
// and value bytes unchanged, with the Kafka discipline of sidestreamd before
// issue #6's latency fix (server/src/kafka, server/src/runtime/pipeline_runner.cc;
// sidestreamd now sends its periodic commits asynchronously, bench/RESULTS.md
// "Latency tail"; this loop is kept as it was, the baseline):
//   consumer: group from earliest, no auto commit/offset store, range assignor;
//             batches of up to --max-batch, waiting only for the first message
//             (consume(100 ms) then consume(0));
//   producer: enable.idempotence=true, linger.ms=5, murmur2, RK_MSG_COPY,
//             poll(10) and retry on QUEUE_FULL, poll(0) after each batch;
//   checkpoint every --commit-interval-ms: flush (all delivery reports) then
//             commitSync of the next offsets of what was forwarded.
// Stops after --count messages: flush, commit, close. Prints one JSON line.
//
//   raw_forward --broker 127.0.0.1:39592 --input in --output out --group g --count 1000000
#include <librdkafka/rdkafkacpp.h>

#include "bench_util.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

using bench::Die;
using bench::Set;

namespace {

using Clock = std::chrono::steady_clock;



class DeliveryCb : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& m) override {
    if (m.err() != RdKafka::ERR_NO_ERROR) {
      ++failed;
      if (first_error.empty()) first_error = m.errstr();
    } else {
      ++delivered;
    }
  }
  long long delivered = 0;
  long long failed = 0;
  std::string first_error;
};

// Same as sidestreamd's RebalanceCb for the eager (range) protocol.
class RebalanceCb : public RdKafka::RebalanceCb {
 public:
  void rebalance_cb(RdKafka::KafkaConsumer* c, RdKafka::ErrorCode err,
                    std::vector<RdKafka::TopicPartition*>& parts) override {
    if (err == RdKafka::ERR__ASSIGN_PARTITIONS) {
      c->assign(parts);
    } else {
      c->unassign();
    }
  }
};

std::string ProcField(const char* file, const char* key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key, 0) == 0) return line.substr(std::strlen(key));
  }
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  std::string broker = "127.0.0.1:9092", input, output, group;
  long long count = 0;
  size_t max_batch = 1000;
  int commit_interval_ms = 1000;
  bench::g_tool = "raw_forward";
  bench::ParseFlags(
      argc, argv,
      {{"--broker", [&](const std::string& v) { broker = v; }},
       {"--input", [&](const std::string& v) { input = v; }},
       {"--output", [&](const std::string& v) { output = v; }},
       {"--group", [&](const std::string& v) { group = v; }},
       {"--count", [&](const std::string& v) { count = std::atoll(v.c_str()); }},
       {"--max-batch", [&](const std::string& v) { max_batch = std::strtoul(v.c_str(), nullptr, 10); }},
       {"--commit-interval-ms", [&](const std::string& v) { commit_interval_ms = std::atoi(v.c_str()); }}});
  if (input.empty() || output.empty() || group.empty() || count <= 0) {
    Die("usage: raw_forward --broker B --input T --output T --group G --count N [--max-batch 1000]");
  }
  const auto t0 = Clock::now();

  RebalanceCb rebalance_cb;
  std::unique_ptr<RdKafka::Conf> cc(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  Set(cc.get(), "bootstrap.servers", broker);
  Set(cc.get(), "group.id", group);
  Set(cc.get(), "auto.offset.reset", "earliest");
  Set(cc.get(), "partition.assignment.strategy", "range");
  Set(cc.get(), "enable.auto.commit", "false");
  Set(cc.get(), "enable.auto.offset.store", "false");
  Set(cc.get(), "enable.partition.eof", "false");
  std::string err;
  if (cc->set("rebalance_cb", &rebalance_cb, err) != RdKafka::Conf::CONF_OK) Die(err);
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(cc.get(), err));
  if (!consumer) Die("consumer: " + err);

  DeliveryCb dr;
  std::unique_ptr<RdKafka::Conf> pc(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  Set(pc.get(), "bootstrap.servers", broker);
  Set(pc.get(), "enable.idempotence", "true");
  Set(pc.get(), "linger.ms", "5");
  Set(pc.get(), "partitioner", "murmur2");
  if (pc->set("dr_cb", &dr, err) != RdKafka::Conf::CONF_OK) Die(err);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(pc.get(), err));
  if (!producer) Die("producer: " + err);

  if (consumer->subscribe({input}) != RdKafka::ERR_NO_ERROR) Die("subscribe failed");

  std::map<std::pair<std::string, int32_t>, int64_t> next_offsets;  // processed, not yet committed
  auto checkpoint = [&]() {
    RdKafka::ErrorCode fe = producer->flush(60000);
    if (fe != RdKafka::ERR_NO_ERROR) Die("flush: " + RdKafka::err2str(fe));
    if (dr.failed > 0) Die("delivery failed: " + dr.first_error);
    if (next_offsets.empty()) return;
    std::vector<RdKafka::TopicPartition*> parts;
    for (const auto& [tp, off] : next_offsets) {
      parts.push_back(RdKafka::TopicPartition::create(tp.first, tp.second, off));
    }
    RdKafka::ErrorCode ce = consumer->commitSync(parts);
    RdKafka::TopicPartition::destroy(parts);
    if (ce != RdKafka::ERR_NO_ERROR) Die("commit: " + RdKafka::err2str(ce));
    next_offsets.clear();
  };

  long long consumed = 0, batches = 0, commits = 0;
  double first_message_s = -1;
  auto last_commit = Clock::now();
  while (consumed < count) {
    int wait_ms = 100;
    size_t in_batch = 0;
    while (in_batch < max_batch && consumed < count) {
      std::unique_ptr<RdKafka::Message> m(consumer->consume(wait_ms));
      wait_ms = 0;
      if (m->err() == RdKafka::ERR__TIMED_OUT || m->err() == RdKafka::ERR__PARTITION_EOF) break;
      if (m->err() != RdKafka::ERR_NO_ERROR) {
        std::fprintf(stderr, "raw_forward: consumer error: %s\n", m->errstr().c_str());
        break;
      }
      if (first_message_s < 0) {
        first_message_s = std::chrono::duration<double>(Clock::now() - t0).count();
      }
      for (;;) {
        RdKafka::ErrorCode pe = producer->produce(
            output, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
            m->payload(), m->len(), m->key_pointer(), m->key_pointer() ? m->key_len() : 0, 0,
            nullptr, nullptr);
        if (pe == RdKafka::ERR_NO_ERROR) break;
        if (pe == RdKafka::ERR__QUEUE_FULL) {
          producer->poll(10);
          continue;
        }
        Die("produce: " + RdKafka::err2str(pe));
      }
      next_offsets[{m->topic_name(), m->partition()}] = m->offset() + 1;
      ++consumed;
      ++in_batch;
    }
    if (in_batch > 0) ++batches;
    producer->poll(0);
    auto now = Clock::now();
    if (now - last_commit >= std::chrono::milliseconds(commit_interval_ms)) {
      checkpoint();
      ++commits;
      last_commit = now;
    }
  }
  checkpoint();
  ++commits;
  const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
  consumer->close();

  std::string hwm = ProcField("/proc/self/status", "VmHWM:");
  long long hwm_kb = std::atoll(hwm.c_str());
  std::ostringstream js;
  js << "{\"consumed\": " << consumed << ", \"delivered\": " << dr.delivered
     << ", \"batches\": " << batches << ", \"commits\": " << commits
     << ", \"first_message_s\": " << first_message_s << ", \"elapsed_s\": " << elapsed
     << ", \"msgs_per_s\": " << (elapsed > 0 ? consumed / elapsed : 0)
     << ", \"vm_hwm_kb\": " << hwm_kb << "}";
  std::printf("%s\n", js.str().c_str());
  return 0;
}
