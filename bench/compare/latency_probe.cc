// latency_probe — end-to-end latency of one running contender of the side-by-side
// benchmark (bench/compare/run_compare.py): one process that produces JSON messages
// to --input at a fixed --rate and consumes the contender's --output, and measures
// latency = receive time − send time of each message on one clock (steady_clock).
//
//   1. ready: one ping (key "p<n>", x = 1) every 100 ms until the first output
//      arrives — the contender has joined its group and runs end to end;
//   2. --warmup-s at --rate (not measured), then --duration-s at --rate (measured);
//      keys "m<seq>", values like fill_input's (~200 B) with x > 0, so every
//      contender outputs every message and forwards the key;
//   3. waits up to --drain-s for the measured messages still in flight.
// The send time is taken just before produce() (--linger-ms, default 1: with 0,
// librdkafka 2.0 sends one request per message and at 10k msgs/s the probe alone,
// input == output, measured p50 > 1 s on the 2-CPU VM; with 1 it was ~2 ms); the receive time when
// consume() returns the message. Both hops through the broker are the same for every
// contender; only what happens between the input and the output topic differs.
// Prints one JSON line: sent, received, missing, latency percentiles in ms.
//
// Thread-safety: the producer loop (main thread) and the consumer thread share only
// the send-time table, whose slots are written before the message is produced and
// read after it came back through Kafka (which orders the two), and atomics.
//
//   latency_probe --broker 127.0.0.1:39792 --input lat-in --output lat-out --rate 10000
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../bench_util.h"

using bench::Die;
using bench::Set;

namespace {

using Clock = std::chrono::steady_clock;

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// A value shaped like fill_input's, with x > 0.
std::string MakeValue(long long i, std::mt19937_64& rng) {
  static const char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  char pad[103];
  for (int j = 0; j < 102; ++j) pad[j] = kAlnum[rng() % 36];
  pad[102] = '\0';
  const int x = 1 + static_cast<int>(rng() % 999);
  const double y = static_cast<double>(static_cast<int64_t>(rng() % 200000) - 100000) / 1000.0;
  char buf[512];
  const int n = std::snprintf(buf, sizeof buf,
                              "{\"id\": %lld, \"x\": %d, \"y\": %.3f, \"name\": \"probe\", \"city\": \"Oslo\", "
                              "\"active\": true, \"pad\": \"%s\"}",
                              i, x, y, pad);
  return std::string(buf, n);
}

// Nearest-rank percentile of a sorted sample as JSON ("null" when empty).
std::string Percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return "null";
  const size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(sorted.size())));
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", sorted[std::min(rank == 0 ? 0 : rank - 1, sorted.size() - 1)]);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  std::string broker = "127.0.0.1:9092", input, output;
  double rate = 1000, warmup_s = 3, duration_s = 20, drain_s = 10, ready_timeout_s = 120;
  std::string linger_ms = "1";
  bench::g_tool = "latency_probe";
  bench::ParseFlags(argc, argv,
                    {{"--broker", [&](const std::string& v) { broker = v; }},
                     {"--input", [&](const std::string& v) { input = v; }},
                     {"--output", [&](const std::string& v) { output = v; }},
                     {"--rate", [&](const std::string& v) { rate = std::atof(v.c_str()); }},
                     {"--warmup-s", [&](const std::string& v) { warmup_s = std::atof(v.c_str()); }},
                     {"--duration-s", [&](const std::string& v) { duration_s = std::atof(v.c_str()); }},
                     {"--drain-s", [&](const std::string& v) { drain_s = std::atof(v.c_str()); }},
                     {"--ready-timeout-s", [&](const std::string& v) { ready_timeout_s = std::atof(v.c_str()); }},
                     {"--linger-ms", [&](const std::string& v) { linger_ms = v; }}});
  if (input.empty() || output.empty() || rate <= 0 || duration_s <= 0) {
    Die("usage: latency_probe --broker B --input T --output T --rate R [--warmup-s 3] [--duration-s 20] "
        "[--linger-ms 1]");
  }
  const long long warmup_n = static_cast<long long>(rate * warmup_s);
  const long long total_n = warmup_n + static_cast<long long>(rate * duration_s);
  std::vector<std::atomic<int64_t>> sent_ns(total_n);   // 0 = not sent yet
  std::vector<int64_t> latency_ns(total_n, -1);         // consumer thread only
  std::atomic<bool> ready{false}, stop{false};
  std::atomic<long long> received_measured{0}, duplicates{0}, unknown{0};

  std::unique_ptr<RdKafka::Conf> pc(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  Set(pc.get(), "bootstrap.servers", broker);
  Set(pc.get(), "linger.ms", linger_ms);
  std::string err;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(pc.get(), err));
  if (!producer) Die("producer: " + err);

  std::unique_ptr<RdKafka::Conf> cc(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  Set(cc.get(), "bootstrap.servers", broker);
  Set(cc.get(), "group.id", "latency-probe-unused");  // partitions are assigned, never committed
  Set(cc.get(), "enable.auto.commit", "false");
  Set(cc.get(), "fetch.wait.max.ms", "100");
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(RdKafka::KafkaConsumer::create(cc.get(), err));
  if (!consumer) Die("consumer: " + err);
  {
    RdKafka::Metadata* md = nullptr;
    std::unique_ptr<RdKafka::Topic> t(RdKafka::Topic::create(consumer.get(), output, nullptr, err));
    if (consumer->metadata(false, t.get(), &md, 10000) != RdKafka::ERR_NO_ERROR || md->topics()->empty()) {
      Die("no metadata for " + output);
    }
    std::vector<RdKafka::TopicPartition*> parts;
    for (const auto* p : *md->topics()->at(0)->partitions()) {
      parts.push_back(RdKafka::TopicPartition::create(output, p->id(), RdKafka::Topic::OFFSET_BEGINNING));
    }
    delete md;
    if (parts.empty()) Die("topic " + output + " has no partitions");
    if (consumer->assign(parts) != RdKafka::ERR_NO_ERROR) Die("assign failed");
    RdKafka::TopicPartition::destroy(parts);
  }

  std::thread reader([&] {
    while (!stop.load()) {
      std::unique_ptr<RdKafka::Message> m(consumer->consume(50));
      if (m->err() == RdKafka::ERR__TIMED_OUT || m->err() == RdKafka::ERR__PARTITION_EOF) continue;
      const int64_t now = NowNs();
      if (m->err() != RdKafka::ERR_NO_ERROR) {
        std::fprintf(stderr, "latency_probe: consumer error: %s\n", m->errstr().c_str());
        continue;
      }
      if (m->key_pointer() == nullptr || m->key_len() < 2) {
        ++unknown;
        continue;
      }
      const std::string key(static_cast<const char*>(m->key_pointer()), m->key_len());
      if (key[0] == 'p') {
        ready.store(true);
        continue;
      }
      const long long seq = key[0] == 'm' ? std::atoll(key.c_str() + 1) : -1;
      const int64_t sent = seq >= 0 && seq < total_n ? sent_ns[seq].load(std::memory_order_acquire) : 0;
      if (sent == 0) {
        ++unknown;
        continue;
      }
      if (latency_ns[seq] >= 0) {
        ++duplicates;
        continue;
      }
      latency_ns[seq] = now - sent;
      if (seq >= warmup_n) ++received_measured;
    }
  });

  std::mt19937_64 rng(7);
  auto produce = [&](const std::string& key, const std::string& value) {
    for (;;) {
      RdKafka::ErrorCode e = producer->produce(input, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                                               const_cast<char*>(value.data()), value.size(), key.data(),
                                               key.size(), 0, nullptr, nullptr);
      if (e == RdKafka::ERR_NO_ERROR) return;
      if (e != RdKafka::ERR__QUEUE_FULL) Die("produce: " + RdKafka::err2str(e));
      producer->poll(1);
    }
  };

  // 1. ready
  const auto ready_start = Clock::now();
  long long pings = 0;
  while (!ready.load()) {
    if (Clock::now() - ready_start > std::chrono::duration<double>(ready_timeout_s)) {
      stop.store(true);
      reader.join();
      Die("no output on " + output + " after " + std::to_string(ready_timeout_s) + " s of pings");
    }
    produce("p" + std::to_string(pings++), MakeValue(-1, rng));
    producer->poll(0);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  const double ready_s = std::chrono::duration<double>(Clock::now() - ready_start).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // let the pings' tail drain

  // 2. fixed rate: message i is due at start + i / rate
  std::vector<std::string> values;
  values.reserve(1024);
  for (int i = 0; i < 1024; ++i) values.push_back(MakeValue(i, rng));
  const auto start = Clock::now();
  long long sent = 0;
  while (sent < total_n) {
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    const long long due = std::min(total_n, static_cast<long long>(elapsed * rate) + 1);
    while (sent < due) {
      const std::string key = "m" + std::to_string(sent);
      sent_ns[sent].store(NowNs(), std::memory_order_release);
      produce(key, values[sent % values.size()]);
      ++sent;
    }
    producer->poll(0);
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  const double send_s = std::chrono::duration<double>(Clock::now() - start).count();
  producer->flush(10000);

  // 3. drain
  const long long measured_n = total_n - warmup_n;
  const auto drain_start = Clock::now();
  while (received_measured.load() < measured_n &&
         Clock::now() - drain_start < std::chrono::duration<double>(drain_s)) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop.store(true);
  reader.join();
  consumer->close();

  std::vector<double> ms;
  ms.reserve(measured_n);
  for (long long i = warmup_n; i < total_n; ++i) {
    if (latency_ns[i] >= 0) ms.push_back(static_cast<double>(latency_ns[i]) / 1e6);
  }
  std::sort(ms.begin(), ms.end());
  double sum = 0;
  for (double v : ms) sum += v;
  char mean[32] = "null";
  if (!ms.empty()) std::snprintf(mean, sizeof mean, "%.3f", sum / static_cast<double>(ms.size()));
  std::printf(
      "{\"rate\": %.0f, \"achieved_rate\": %.1f, \"ready_s\": %.3f, \"warmup\": %lld, \"measured\": %lld, "
      "\"received\": %zu, \"missing\": %lld, \"duplicates\": %lld, \"unknown\": %lld, \"p50_ms\": %s, "
      "\"p90_ms\": %s, \"p99_ms\": %s, \"p999_ms\": %s, \"max_ms\": %s, \"mean_ms\": %s}\n",
      rate, static_cast<double>(total_n) / send_s, ready_s, warmup_n, measured_n, ms.size(),
      measured_n - static_cast<long long>(ms.size()), duplicates.load(), unknown.load(),
      Percentile(ms, 0.5).c_str(), Percentile(ms, 0.9).c_str(), Percentile(ms, 0.99).c_str(),
      Percentile(ms, 0.999).c_str(), Percentile(ms, 1.0).c_str(), mean);
  return 0;
}
