// fill_input — writes the benchmark input fast: --count JSON messages of about
// 200 bytes, round-robin over the partitions of --topic, keys "k<i>"; with
// --keys K, keys "k<i % K>" and message i goes to partition (i % K) % partitions,
// so every key lives in one partition (what a per-key state needs).
//   {"id": i, "x": <int in [-1000, 1000), x > 0 for ~half>, "y": <float>,
//    "name": "...", "city": "...", "pad": "..."}
// Deterministic (--seed); prints JSON with the count of x > 0 and byte totals.
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include "bench_util.h"

using bench::Die;
using bench::Set;

int main(int argc, char** argv) {
  std::string broker = "127.0.0.1:9092", topic;
  long long count = 0;
  int partitions = 4;
  long long keys = 0;  // 0: every message its own key
  unsigned seed = 42;
  bench::g_tool = "fill_input";
  bench::ParseFlags(argc, argv,
                    {{"--broker", [&](const std::string& v) { broker = v; }},
                     {"--topic", [&](const std::string& v) { topic = v; }},
                     {"--count", [&](const std::string& v) { count = std::atoll(v.c_str()); }},
                     {"--partitions", [&](const std::string& v) { partitions = std::atoi(v.c_str()); }},
                     {"--keys", [&](const std::string& v) { keys = std::atoll(v.c_str()); }},
                     {"--seed", [&](const std::string& v) { seed = static_cast<unsigned>(std::atoi(v.c_str())); }}});
  if (topic.empty() || count <= 0 || keys < 0) {
    Die("usage: fill_input --broker B --topic T --count N [--partitions 4] [--keys K] [--seed 42]");
  }
  auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<RdKafka::Conf> pc(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  Set(pc.get(), "bootstrap.servers", broker);
  Set(pc.get(), "linger.ms", "50");
  Set(pc.get(), "batch.size", "1000000");
  Set(pc.get(), "queue.buffering.max.messages", "1000000");
  Set(pc.get(), "compression.type", "none");
  Set(pc.get(), "acks", "all");
  std::string err;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(pc.get(), err));
  if (!producer) Die("producer: " + err);

  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> xd(-1000, 999);  // x > 0: 999 of 2000 values
  std::uniform_real_distribution<double> yd(-100.0, 100.0);
  static const char* kNames[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
  static const char* kCities[] = {"Lisbon", "Oslo", "Nairobi", "Osaka", "Quito", "Perth"};
  static const char kAlnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  long long positives = 0, bytes = 0;
  char buf[512], pad[128];
  for (long long i = 0; i < count; ++i) {
    int x = xd(rng);
    double y = yd(rng);
    if (x > 0) ++positives;
    for (int j = 0; j < 102; ++j) pad[j] = kAlnum[rng() % 36];
    pad[102] = '\0';
    int n = std::snprintf(buf, sizeof buf,
                          "{\"id\": %lld, \"x\": %d, \"y\": %.3f, \"name\": \"%s\", \"city\": \"%s\", "
                          "\"active\": %s, \"pad\": \"%s\"}",
                          i, x, y, kNames[i % 8], kCities[i % 6], (i % 3) ? "true" : "false", pad);
    const long long key_no = keys > 0 ? i % keys : i;
    std::string key = "k" + std::to_string(key_no);
    bytes += n;
    for (;;) {
      RdKafka::ErrorCode e = producer->produce(topic, static_cast<int32_t>(key_no % partitions),
                                               RdKafka::Producer::RK_MSG_COPY, buf, n, key.data(),
                                               key.size(), 0, nullptr, nullptr);
      if (e == RdKafka::ERR_NO_ERROR) break;
      if (e == RdKafka::ERR__QUEUE_FULL) {
        producer->poll(50);
        continue;
      }
      Die("produce: " + RdKafka::err2str(e));
    }
    producer->poll(0);
  }
  if (producer->flush(120000) != RdKafka::ERR_NO_ERROR) Die("flush timed out");
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("{\"count\": %lld, \"keys\": %lld, \"x_positive\": %lld, \"value_bytes\": %lld, "
              "\"avg_value_bytes\": %.1f, \"elapsed_s\": %.3f}\n",
              count, keys > 0 ? keys : count, positives, bytes, static_cast<double>(bytes) / count, s);
  return 0;
}
